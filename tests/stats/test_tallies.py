"""The stored sums behind the results by knowledge point and by question (exams'
``tallies``, rebuilt by ``flask stats rebuild``): after every kind of change — an attempt
submitted, an essay marked, a cadre moved or deactivated, the audience changed, an attempt
deleted — what the results read equals a recomputation from the answers, before and after the
refresh job, and the stored rows equal a rebuild from scratch."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import select

from app.auth.models import Team, User
from app.extensions import db
from app.quiz.exams import jobs
from app.quiz.exams.models import Attempt, QuestionTally, TalliedAttempt
from app.quiz.exams.services import attempts, audience, marking, tallies, team_results
from tests.quiz.exams.factories import make_exam, make_paper
from tests.stats.world import build_world


@pytest.fixture
def world(app):
    world = build_world()
    db.session.commit()
    return world


def from_answers(exam) -> dict[tuple[int, int], tuple]:
    """(team, question) → (served, score, points, correct), recomputed in Python from every
    attempt that counts: submitted and scored, by an active cadre of the audience."""
    db.session.expire_all()
    sums: dict[tuple[int, int], list] = defaultdict(lambda: [0, 0.0, 0.0, 0])
    for attempt in db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id)):
        user = attempt.user
        if attempt.status != "submitted" or attempt.score is None or not user.active:
            continue
        if user.team is None or not audience.in_audience(user, exam):
            continue
        answers = {a.question_id: a for a in attempt.answers}
        for item in attempt.items:
            answer = answers.get(item.question_id)
            total = sums[(user.team_id, item.question_id)]
            total[0] += 1
            total[1] += float(answer.score or 0) if answer else 0.0
            total[2] += float(item.points)
            total[3] += bool(answer and answer.correct)
    return {key: tuple(value) for key, value in sums.items()}


def rounded(sums: dict) -> dict:
    return {
        key: (n, round(score, 2), round(points, 2), c)
        for key, (n, score, points, c) in sums.items()
    }


def subtree_sums(expected: dict, team: Team) -> dict[int, tuple]:
    inside = {t.id for t in db.session.scalars(select(Team)) if t.is_within(team)}
    result: dict[int, list] = defaultdict(lambda: [0, 0.0, 0.0, 0])
    for (team_id, question_id), value in expected.items():
        if team_id in inside:
            for i, amount in enumerate(value):
                result[question_id][i] += amount
    return {q: tuple(v) for q, v in result.items()}


def check(world, exam) -> None:
    """What the results read, for every team of the tree, equals the recomputation."""
    expected = from_answers(exam)
    for team in (world.root, world.unit_a, world.team_a1, world.unit_b):
        read = {
            s.question_id: (s.answered, s.score, s.points, s.correct)
            for s in tallies.question_sums(exam, team)
        }
        assert rounded(read) == rounded(subtree_sums(expected, team)), team.name
    results = team_results.team_results(exam, world.root, world.admin)
    served = sum(v[0] for v in expected.values())
    assert sum(g.answered for g in results.questions) == served


def stored(exam) -> dict[tuple[int, int], tuple]:
    db.session.expire_all()
    return {
        (row.team_id, row.question_id): (
            row.answered,
            float(row.score),
            float(row.points),
            row.correct,
        )
        for row in db.session.scalars(select(QuestionTally).where(QuestionTally.exam_id == exam.id))
    }


def refresh_and_check(world, exam) -> None:
    jobs.refresh_tallies()
    assert rounded(stored(exam)) == rounded(from_answers(exam))
    assert not tallies.changed_teams(exam)
    check(world, exam)


def sit(user, exam, *, right: bool) -> Attempt:
    attempt, _ = attempts.start_attempt(user, exam)
    for item in attempt.items:
        question = item.question
        if question.type == "judge":
            answer = question.answer if right else not question.answer
            attempts.save_answer(user, attempt.id, item.question_id, answer)
    attempts.submit_attempt(attempt)
    db.session.commit()
    return attempt


def test_stored_sums_stay_exact_through_every_change(app, world):
    exam = make_exam(questions=make_paper(), teams=[world.root], actor=world.admin)
    db.session.commit()
    first = sit(world.users["甲一"], exam, right=True)
    sit(world.users["乙一"], exam, right=False)
    check(world, exam)  # nothing stored yet: read from the answers
    tallies.rebuild()
    db.session.commit()
    assert rounded(stored(exam)) == rounded(from_answers(exam))
    check(world, exam)

    # a new sitting: its team is read from the answers until the job stores it
    sit(world.users["甲二"], exam, right=True)
    assert tallies.changed_teams(exam) == {world.team_a1.id}
    check(world, exam)
    refresh_and_check(world, exam)

    # an essay marked changes a score of a tallied attempt
    essay = next(a for a in first.answers if a.question.type == "essay")
    marking.grade_essay(world.admin, essay, 1)
    db.session.commit()
    assert tallies.changed_teams(exam) == {world.unit_a.id}
    check(world, exam)
    refresh_and_check(world, exam)

    # a cadre moves to another unit; another is deactivated
    mover = db.session.get(User, world.users["甲二"].id)
    mover.team_id = world.unit_b.id
    db.session.get(User, world.users["乙一"].id).active = False
    db.session.commit()
    check(world, exam)
    assert tallies.changed_teams(exam) == {world.team_a1.id, world.unit_b.id}
    assert tallies.refresh([exam], batch=1, commit=True) == 2  # one team per transaction
    refresh_and_check(world, exam)

    # the audience shrinks to 甲单位: 乙单位's sittings no longer count
    audience.set_audience(world.admin, exam, teams=[world.unit_a])
    db.session.commit()
    check(world, exam)
    refresh_and_check(world, exam)

    # an attempt deleted
    db.session.delete(db.session.get(Attempt, first.id))
    db.session.commit()
    check(world, exam)
    refresh_and_check(world, exam)


def test_stats_rebuild_recomputes_from_scratch(app, world):
    exam = make_exam(questions=make_paper(), teams=[world.root], actor=world.admin)
    db.session.commit()
    sit(world.users["甲一"], exam, right=True)
    sit(world.users["甲三"], exam, right=False)
    jobs.refresh_tallies()
    # a stored sum that no longer matches its answers (as if written by an older version)
    row = db.session.scalars(select(QuestionTally).where(QuestionTally.exam_id == exam.id)).first()
    row.score = 999
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    groups = {(r.exam_id, r.team_id) for r in db.session.scalars(select(TalliedAttempt))}
    assert f" {len(groups)} " in result.output
    assert rounded(stored(exam)) == rounded(from_answers(exam))
    check(world, exam)

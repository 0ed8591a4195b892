"""Stored per-question sums for the results by team (题目得分汇总), kept exact.

The results by knowledge point and by question of a large subtree would pass over every
answer of the exam (10,000 attempts × 50 answers at the root of a province). Instead, for each
exam, team and question, ``QuestionTally`` holds the items served, score, points and correct
answers of the scored attempts of that team's own members, and ``TalliedAttempt`` lists which
attempts (under which team) they hold.

Exact whatever happens:

- **Reading** compares, for the teams of the subtree, the attempts that count *now* (submitted
  and scored, the cadre active, in the audience and in that team) with the attempts tallied
  under them. A team where the two differ — a cadre moved or deactivated, the audience
  changed, an attempt submitted, reopened or deleted since — is summed from its answers; the
  others from their tallies. Only attempt ids are compared, never answers.
- **Marking** (at submit, an essay marked, a regrade: every change of an answer's score goes
  through ``marking.refresh_totals``) calls :func:`forget`, which drops the attempt's
  ``TalliedAttempt`` row, so its team is summed from its answers until refreshed.
- **Refreshing** (:func:`refresh`, the ``exams.refresh_tallies`` job every 5 minutes, 50
  teams per transaction) sums the changed teams again and stores them;
  ``flask --app wsgi stats rebuild`` (:func:`rebuild`) recomputes everything from scratch.

A refresh takes the exam's row ``FOR NO KEY UPDATE`` (PostgreSQL) and :func:`forget` takes it
``FOR SHARE``: a refresh never stores a sum read before a marking that has not yet forgotten
its attempt. On SQLite a refresh writes first and reads after, inside the one write lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, and_, case, delete, except_, func, insert, literal, select, union

from app.auth.models import Team, User
from app.extensions import db
from app.quiz.exams.models import (
    Attempt,
    AttemptAnswer,
    AttemptItem,
    Exam,
    QuestionTally,
    TalliedAttempt,
)
from app.quiz.exams.services.audience import audience_members_query


@dataclass
class QuestionSums:
    question_id: int
    answered: int
    score: float
    points: float
    correct: int


def _counted(exam: Exam, team_ids=None):
    """``(attempt_id, team_id)`` of the attempts that count now: submitted, scored, by an
    active cadre of the audience, under the cadre's team (of ``team_ids``, a query or list)."""
    audience = audience_members_query(exam).with_only_columns(User.id).order_by(None)
    query = (
        select(Attempt.id.label("attempt_id"), User.team_id.label("team_id"))
        .join(User, User.id == Attempt.user_id)
        .where(
            Attempt.exam_id == exam.id,
            Attempt.status == "submitted",
            Attempt.score.is_not(None),
            User.team_id.is_not(None),
            User.id.in_(audience),
        )
    )
    if team_ids is not None:
        query = query.where(User.team_id.in_(team_ids))
    return query


def _tallied(exam: Exam, team_ids=None):
    query = select(TalliedAttempt.attempt_id, TalliedAttempt.team_id).where(
        TalliedAttempt.exam_id == exam.id
    )
    if team_ids is not None:
        query = query.where(TalliedAttempt.team_id.in_(team_ids))
    return query


def changed_teams(exam: Exam, team_ids=None) -> set[int]:
    """Teams (of ``team_ids``; every team with None) whose counted attempts differ from
    their tallied ones."""
    now, stored = _counted(exam, team_ids), _tallied(exam, team_ids)
    gained = except_(now, stored).subquery("gained")
    lost = except_(stored, now).subquery("lost")
    teams = union(select(gained.c.team_id), select(lost.c.team_id))
    return set(db.session.scalars(teams))


def _live_sums(exam: Exam, team_ids):
    """``(team_id, question_id, answered, score, points, correct)`` from the answers of the
    counted attempts of ``team_ids``."""
    counted = _counted(exam, team_ids).subquery("counted")
    return (
        select(
            counted.c.team_id,
            AttemptItem.question_id,
            func.count(AttemptItem.id),
            func.coalesce(func.sum(AttemptAnswer.score), 0),
            func.coalesce(func.sum(AttemptItem.points), 0),
            func.coalesce(func.sum(case((AttemptAnswer.correct.is_(True), 1), else_=0)), 0),
        )
        .select_from(counted)
        .join(AttemptItem, AttemptItem.attempt_id == counted.c.attempt_id)
        .outerjoin(
            AttemptAnswer,
            and_(
                AttemptAnswer.attempt_id == counted.c.attempt_id,
                AttemptAnswer.question_id == AttemptItem.question_id,
            ),
        )
        .group_by(counted.c.team_id, AttemptItem.question_id)
    )


def question_sums(exam: Exam, team: Team) -> list[QuestionSums]:
    """Per question, over the counted attempts of ``team``'s subtree: the stored tallies of
    the teams that have not changed, the answers of those that have."""
    subtree = [t for (t,) in db.session.execute(select(Team.id).where(_within(team)))]
    changed = changed_teams(exam, subtree)
    totals: dict[int, list] = {}

    def add(question_id, answered, score, points, correct) -> None:
        total = totals.setdefault(question_id, [0, 0.0, 0.0, 0])
        total[0] += int(answered)
        total[1] += float(score)
        total[2] += float(points)
        total[3] += int(correct)

    stored = select(
        QuestionTally.question_id,
        func.sum(QuestionTally.answered),
        func.sum(QuestionTally.score),
        func.sum(QuestionTally.points),
        func.sum(QuestionTally.correct),
    ).where(QuestionTally.exam_id == exam.id, QuestionTally.team_id.in_(subtree))
    if changed:
        stored = stored.where(QuestionTally.team_id.not_in(changed))
    for row in db.session.execute(stored.group_by(QuestionTally.question_id)):
        add(*row)
    if changed:
        for _team_id, *row in db.session.execute(_live_sums(exam, sorted(changed))):
            add(*row)
    return [QuestionSums(q, *values) for q, values in totals.items()]


def _within(team: Team):
    return Team.path.startswith(team.path)


def forget(attempt: Attempt) -> None:
    """An answer of ``attempt`` was (re)marked: its team is summed from its answers until the
    next refresh."""
    if attempt.id is None:
        return
    db.session.execute(
        select(Exam.id).where(Exam.id == attempt.exam_id).with_for_update(read=True)
    ).all()
    db.session.execute(delete(TalliedAttempt).where(TalliedAttempt.attempt_id == attempt.id))


def refresh(exams: Sequence[Exam] | None = None, *, batch: int = 500, commit: bool = False) -> int:
    """Store the sums of every changed team of ``exams`` (all with attempts: None), ``batch``
    teams at a time; the number of (exam, team) sums stored. With ``commit``, each batch is
    its own transaction (the job: a marking of that exam waits for one batch at most);
    otherwise the caller commits."""
    if exams is None:
        exams = db.session.scalars(
            select(Exam).where(Exam.id.in_(select(Attempt.exam_id).distinct())).order_by(Exam.id)
        ).all()
    exam_ids = [exam.id for exam in exams]
    stored = 0
    for exam_id in exam_ids:
        exam = db.session.get(Exam, exam_id)
        changed = sorted(changed_teams(exam))
        for start in range(0, len(changed), batch):
            _store(exam, changed[start : start + batch])
            stored += len(changed[start : start + batch])
            if commit:
                db.session.commit()
    return stored


def _store(exam: Exam, teams: list[int]) -> None:
    """The sums of ``teams`` read again from their answers and stored."""
    if db.engine.dialect.name == "postgresql":
        # FOR NO KEY UPDATE: waits for markings in flight, lets attempts start meanwhile;
        # taken before any tally row is touched (a marking holds the exam, then its row)
        db.session.execute(
            select(Exam.id).where(Exam.id == exam.id).with_for_update(key_share=True)
        ).all()
    # on SQLite written before the sums are read: the write lock is held from here
    db.session.execute(
        delete(TalliedAttempt).where(
            TalliedAttempt.exam_id == exam.id, TalliedAttempt.team_id.in_(teams)
        )
    )
    db.session.execute(
        delete(QuestionTally).where(
            QuestionTally.exam_id == exam.id, QuestionTally.team_id.in_(teams)
        )
    )
    sums = _live_sums(exam, teams).subquery("sums")
    db.session.execute(
        insert(QuestionTally).from_select(
            ["exam_id", "team_id", "question_id", "answered", "score", "points", "correct"],
            select(literal(exam.id, Integer), *sums.c),
        )
    )
    counted = _counted(exam, teams).subquery("counted")
    db.session.execute(
        insert(TalliedAttempt).from_select(
            ["attempt_id", "exam_id", "team_id"],
            select(counted.c.attempt_id, literal(exam.id, Integer), counted.c.team_id),
        )
    )


def rebuild() -> int:
    """Recompute every exam's sums from scratch; the number of (exam, team) sums stored."""
    db.session.execute(delete(TalliedAttempt))
    db.session.execute(delete(QuestionTally))
    return refresh()

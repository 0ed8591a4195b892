"""Who may start, windows and attempts, focus losses, the scheduler sweep, listeners."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from app.courses.models import CourseCompletion
from app.courses.services.content import create_course
from app.extensions import db
from app.notify.jobs import registered_jobs
from app.quiz.exams import hooks as listeners
from app.quiz.exams.models import Attempt
from app.quiz.exams.services import attempts
from tests.factories import make_team, make_user
from tests.openapi import assert_response_matches
from tests.quiz.exams.factories import by_type, make_exam, make_paper, right_responses

T0 = datetime(2026, 4, 1, 2, 0, 0)
START = "/api/v1/exams/{exam_id}/attempts"


def refusal_code(user, exam, now=None):
    problem = attempts.refusal(user, exam, now)
    return problem.code if problem else None


def test_audience_by_team_subtree_rank_or_name(app):
    parent = make_team("上级单位", kind="unit")
    child = make_team("下级班子", parent=parent)
    elsewhere = make_team("别处")
    in_child = make_user("cadre", child)
    by_rank = make_user("cadre", elsewhere, rank="township")
    named = make_user("cadre", elsewhere, rank="county")
    outsider = make_user("cadre", elsewhere, rank="county")
    exam = make_exam(teams=[parent], ranks=["township"], users=[named])
    assert refusal_code(in_child, exam) is None
    assert refusal_code(by_rank, exam) is None
    assert refusal_code(named, exam) is None
    assert refusal_code(outsider, exam) == "not_found"
    with pytest.raises(attempts.AttemptError) as refused:
        attempts.start_attempt(outsider, exam)
    assert refused.value.code == "not_found"


def test_a_draft_is_nobodys_exam(app, cadre, exam_team):
    exam = make_exam(teams=[exam_team], publish=False)
    assert refusal_code(cadre, exam) == "not_found"


def test_window_and_attempts_allowed(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False) as clock:
        exam = make_exam(
            teams=[exam_team],
            opens_at=T0 + timedelta(hours=1),
            closes_at=T0 + timedelta(hours=3),
            attempts_allowed=2,
        )
        problem = attempts.refusal(cadre, exam)
        assert problem.code == "not_open" and "2026-04-01 11:00" in problem.message
        clock.move_to(T0 + timedelta(hours=1))
        first, created = attempts.start_attempt(cadre, exam)
        assert created and first.number == 1
        again, created = attempts.start_attempt(cadre, exam)
        assert again is first and not created
        attempts.submit_attempt(first)
        second, created = attempts.start_attempt(cadre, exam)
        assert created and second.number == 2
        attempts.submit_attempt(second)
        problem = attempts.refusal(cadre, exam)
        assert problem.code == "no_attempts_left" and "2" in problem.message
        clock.move_to(T0 + timedelta(hours=3))
        assert refusal_code(cadre, exam) == "closed"


def test_starting_an_overdue_attempt_submits_it_first(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False) as clock:
        exam = make_exam(teams=[exam_team], duration_minutes=10, attempts_allowed=2)
        first, _ = attempts.start_attempt(cadre, exam)
        clock.move_to(T0 + timedelta(minutes=15))
        second, created = attempts.start_attempt(cadre, exam)
        assert created and second.number == 2
        assert first.status == "submitted" and first.auto_submitted


def test_rules_drawn_per_attempt_snapshot_versions_and_options(app, cadre, exam_team):
    import random

    from app.quiz.bank.services import questions as question_service

    paper = make_paper()
    exam = make_exam(questions=paper, teams=[exam_team], shuffle_options=True)
    attempt, _ = attempts.start_attempt(cadre, exam, rng=random.Random(3))
    single = next(i for i in attempt.items if i.question.type == "single")
    assert sorted(single.option_order) == [0, 1, 2, 3]
    assert len(set(single.option_ids)) == 4
    # editing a question after the attempt began makes a new version; the snapshot keeps its own
    new = question_service.update_question(
        None, single.question, **_fields(single.question, stem="改过的题干")
    )
    assert new.id != single.question_id and new.version == 2
    assert single.question.stem != "改过的题干"


def _fields(question, **changes):
    fields = {
        "type": question.type,
        "stem": question.stem,
        "options": list(question.options),
        "answer": question.answer,
        "explanation": question.explanation,
        "difficulty": question.difficulty,
    }
    fields.update(changes)
    return fields


def test_focus_losses_up_to_the_limit_submit(app, cadre, exam_team):
    exam = make_exam(teams=[exam_team], focus_loss_limit=2)
    attempt, _ = attempts.start_attempt(cadre, exam)
    state = attempts.focus_event(cadre, attempt.id, "focus_lost", ip="10.0.0.1")
    assert (state.focus_losses, state.limit, state.auto_submitted) == (1, 2, False)
    attempts.focus_event(cadre, attempt.id, "focus_regained")
    state = attempts.focus_event(cadre, attempt.id, "focus_lost")
    assert (state.focus_losses, state.auto_submitted) == (2, True)
    assert attempt.status == "submitted"
    kinds = [e.kind for e in attempt.events]
    assert kinds == ["started", "focus_lost", "focus_regained", "focus_lost", "auto_submitted"]
    # after the end nothing more is counted
    assert attempts.focus_event(cadre, attempt.id, "focus_lost").focus_losses == 2


def test_focus_events_through_the_api(app, api, exam_team):
    exam = make_exam(teams=[exam_team])
    db.session.commit()
    aid = api.start(exam).json["attempt_id"]
    response = api.event(aid, "focus_lost")
    assert response.status_code == 200
    assert_response_matches(response, "/api/v1/attempts/{attempt_id}/events", "POST")
    assert response.json == {"focus_losses": 1, "limit": None, "auto_submitted": False}
    bad = api.event(aid, "scrolled")
    assert bad.status_code == 422
    assert_response_matches(bad, "/api/v1/attempts/{attempt_id}/events", "POST")


def test_the_scheduler_job_submits_only_after_the_grace(app, cadre, exam_team):
    job = next(j for j in registered_jobs() if j.id == "exams.auto_submit_overdue")
    assert job.trigger == "interval" and job.options["minutes"] == 1
    with time_machine.travel(T0, tick=False) as clock:
        exam = make_exam(teams=[exam_team], duration_minutes=20, grace_seconds=30)
        attempt, _ = attempts.start_attempt(cadre, exam)
        db.session.commit()
        clock.move_to(T0 + timedelta(minutes=20, seconds=20))
        job.func()
        assert db.session.get(Attempt, attempt.id).status == "in_progress"
        clock.move_to(T0 + timedelta(minutes=20, seconds=31))
        job.func()
        attempt = db.session.get(Attempt, attempt.id)
        assert attempt.status == "submitted" and attempt.auto_submitted
        assert attempt.submitted_at == T0 + timedelta(minutes=20)


def test_required_course_gate_names_the_course(app, api, cadre, exam_team):
    course = create_course(None, slug="gate-course", title="新思想专题课", published=True)
    exam = make_exam(teams=[exam_team], required_course=course)
    db.session.commit()
    refused = api.start(exam)
    assert refused.status_code == 409
    assert_response_matches(refused, START, "POST")
    assert refused.json["error"] == "course_required"
    assert "新思想专题课" in refused.json["message"]
    assert refused.json["course_url"] == "/courses/gate-course/"
    db.session.add(CourseCompletion(user_id=cadre.id, course_id=course.id))
    db.session.commit()
    assert api.start(exam).status_code == 201


def test_listeners_hear_every_marked_answer(app, api, exam_team):
    heard = []

    def listener(user, graded, source):
        heard.extend((user.id, question.type, correct, source) for question, correct in graded)

    listeners.register_answer_graded_listener(listener)
    try:
        paper = make_paper()
        exam = make_exam(questions=paper, teams=[exam_team], review_policy="after_submit")
        db.session.commit()
        state = api.start(exam).json
        right = right_responses(state, paper)
        types = by_type(state)
        for qtype in ("single", "judge", "essay"):
            api.save(state["attempt_id"], types[qtype]["id"], right[types[qtype]["id"]])
        api.submit(state["attempt_id"])
    finally:
        listeners.unregister_answer_graded_listener(listener)
    got = {(qtype, correct, source) for _, qtype, correct, source in heard}
    # the essay waits for a person; unanswered questions count as wrong
    assert got == {
        ("single", True, "exam"),
        ("judge", True, "exam"),
        ("multiple", False, "exam"),
        ("blank", False, "exam"),
    }


def test_a_failing_listener_does_not_lose_the_submission(app, api, exam_team):
    called = []

    def broken(user, graded, source):
        called.append(source)
        raise RuntimeError("mistake book down")

    listeners.register_answer_graded_listener(broken)
    try:
        exam = make_exam(teams=[exam_team], review_policy="after_submit")
        db.session.commit()
        aid = api.start(exam).json["attempt_id"]
        assert api.submit(aid).status_code == 200
    finally:
        listeners.unregister_answer_graded_listener(broken)
    assert called == ["exam"]
    assert db.session.get(Attempt, aid).status == "submitted"

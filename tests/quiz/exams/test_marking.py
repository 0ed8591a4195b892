"""Essay marking (阅卷), totals, regrading after a key is corrected, usage hooks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.common.audit import AuditLog
from app.common.errors import DomainError
from app.extensions import db
from app.notify.models import Notification
from app.quiz.bank.services import questions as question_service
from app.quiz.bank.services import usage
from app.quiz.exams import hooks as listeners
from app.quiz.exams.models import AttemptAnswer
from app.quiz.exams.services import attempts, marking, regrade
from tests.factories import make_user
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.exams.factories import make_exam, make_paper


def _answer(attempt, qtype):
    return next(a for a in attempt.answers if a.question.type == qtype)


def _sit(user, exam, responses: dict):
    """Start, save responses given by question type (original indices), submit."""
    attempt, _ = attempts.start_attempt(user, exam)
    for item in attempt.items:
        if item.question.type in responses:
            value = responses[item.question.type]
            if item.question.type == "single":
                value = item.option_ids[value]
            elif item.question.type == "multiple":
                value = [item.option_ids[i] for i in value]
            attempts.save_answer(user, attempt.id, item.question_id, value)
    attempts.submit_attempt(attempt)
    return attempt


def test_essays_wait_for_a_person_then_the_total_is_final(app, cadre, exam_team, exam_admin):
    exam = make_exam(teams=[exam_team], points="10", pass_mark="30")
    attempt = _sit(cadre, exam, {"single": 0, "multiple": [0], "judge": True, "essay": "论述"})
    assert attempt.score == Decimal("20") and attempt.max_score == Decimal("50")
    assert attempt.graded is False and attempt.passed is None
    queue = db.session.scalars(marking.essay_queue(exam)).all()
    assert [a.attempt_id for a in queue] == [attempt.id]
    assert marking.pending_essay_count() == 1
    essay = _answer(attempt, "essay")
    with pytest.raises(DomainError) as too_much:
        marking.grade_essay(exam_admin, essay, "11")
    assert too_much.value.field == "score" and "10" in too_much.value.message
    marking.grade_essay(exam_admin, essay, "10", "论述完整")
    assert attempt.score == Decimal("30") and attempt.graded and attempt.passed is True
    assert essay.comment == "论述完整" and essay.graded_by == exam_admin and essay.correct
    assert marking.pending_essay_count(exam) == 0
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "attempt.grade_essay"))
    assert entry.actor_id == exam_admin.id


def test_partial_credit_on_multiple_choice(app, cadre, exam_team):
    exam = make_exam(teams=[exam_team], multiple_policy="partial", points="4")
    attempt = _sit(cadre, exam, {"multiple": [2]})  # one of the two right options
    assert _answer(attempt, "multiple").score == Decimal("2.00")
    other = make_user("cadre", exam_team)
    strict = make_exam(teams=[exam_team], points="4")
    attempt = _sit(other, strict, {"multiple": [2]})
    assert _answer(attempt, "multiple").score == Decimal("0")


def test_an_empty_essay_needs_no_marking(app, cadre, exam_team):
    exam = make_exam(teams=[exam_team], questions=[make_question(make_bank(), "essay")])
    attempt = _sit(cadre, exam, {})
    assert attempt.graded is True and attempt.score == 0
    assert marking.pending_essay_count(exam) == 0


def test_regrade_after_the_key_is_corrected(app, cadre, exam_team, exam_admin):
    heard = []
    listener = listeners.register_answer_graded_listener(
        lambda user, graded, source: heard.extend((q.id, c, source) for q, c in graded)
    )
    try:
        paper = make_paper()
        exam = make_exam(
            teams=[exam_team], questions=paper, points="2", review_policy="after_submit"
        )
        single = paper[0]
        attempt = _sit(cadre, exam, {"single": 1})  # the key says 0: wrong
        assert _answer(attempt, "single").score == 0 and attempt.score == 0
        assert usage.question_in_use(single)
        assert usage.usage_for([single.id])[single.id] == usage.QuestionUsage(1, 0)
        assert regrade.regrade_offer(single) is None  # nothing corrected yet

        fields = {
            "type": "single",
            "stem": single.stem,
            "options": list(single.options),
            "answer": [1],
            "explanation": single.explanation,
        }
        corrected = question_service.update_question(exam_admin, single, **fields)
        assert corrected.id != single.id  # a used question gets a new version
        offer = regrade.regrade_offer(corrected)
        assert offer.submitted == 1 and offer.latest == corrected
        assert [o.latest for o in regrade.exam_offers(exam)] == [corrected]

        result = regrade.regrade_question(exam_admin, corrected)
        assert result.items == 1 and result.changed_attempts == [attempt]
        assert attempt.score == Decimal("2")
        moved = _answer(attempt, "single")
        assert moved.question_id == corrected.id and moved.correct is True
        assert (corrected.id, True, "regrade") in heard
        note = db.session.scalar(select(Notification).where(Notification.user_id == cadre.id))
        assert exam.title in note.message and note.link == f"/exams/attempts/{attempt.id}/result"
        actions = db.session.scalars(select(AuditLog.action)).all()
        assert "attempt.regrade" in actions and "question.regrade" in actions
        assert regrade.regrade_offer(corrected) is None  # done: nothing left to regrade
        assert regrade.regrade_question(exam_admin, corrected).items == 0
    finally:
        listeners.unregister_answer_graded_listener(listener)


def test_regrade_refuses_a_changed_option_count(app, cadre, exam_team, exam_admin):
    paper = make_paper()
    exam = make_exam(teams=[exam_team], questions=paper)
    _sit(cadre, exam, {"single": 1})
    single = paper[0]
    corrected = question_service.update_question(
        exam_admin,
        single,
        type="single",
        stem=single.stem,
        options=["甲", "乙", "丙"],
        answer=[1],
    )
    with pytest.raises(DomainError) as refused:
        regrade.regrade_question(exam_admin, corrected)
    assert "选项数量" in refused.value.message


def test_answers_are_unique_per_attempt_and_question(app, cadre, exam_team):
    exam = make_exam(teams=[exam_team])
    attempt, _ = attempts.start_attempt(cadre, exam)
    item = attempt.items[0]
    db.session.add(AttemptAnswer(attempt_id=attempt.id, question_id=item.question_id))
    db.session.flush()
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(AttemptAnswer(attempt_id=attempt.id, question_id=item.question_id))
        db.session.flush()

"""Defining exams: fields, publishing, closing early, extending one cadre's time, rules."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from app.common.errors import DomainError
from app.quiz.bank.services import questions
from app.quiz.bank.services.categories import create_category
from app.quiz.exams.services import assembly, attempts, deadlines, exams
from tests.factories import make_user
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.exams.factories import make_exam

T0 = datetime(2026, 6, 1, 1, 0, 0)


def fields(**changes):
    base = {"title": "测验", "opens_at": T0, "closes_at": T0 + timedelta(days=1)}
    base.update(changes)
    return base


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"title": " "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"kind": "quiz"}, "kind"),
        ({"closes_at": T0}, "closes_at"),
        ({"opens_at": None}, "opens_at"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": "一小时"}, "duration_minutes"),
        ({"attempts_allowed": 0}, "attempts_allowed"),
        ({"pass_mark": "六十"}, "pass_mark"),
        ({"pass_mark": "60.123"}, "pass_mark"),
        ({"grace_seconds": 601}, "grace_seconds"),
        ({"score_policy": "sometimes"}, "score_policy"),
        ({"review_policy": "at_submit"}, "review_policy"),
        ({"multiple_policy": "half"}, "multiple_policy"),
        ({"focus_loss_limit": 0}, "focus_loss_limit"),
    ],
)
def test_bad_fields_are_named(app, bad, field):
    with pytest.raises(DomainError) as refused:
        exams.create_exam(None, **fields(**bad))
    assert refused.value.field == field
    assert refused.value.message


def test_defaults(app):
    exam = exams.create_exam(None, **fields())
    assert (exam.status, exam.kind, exam.assembly) == ("draft", "exam", "fixed")
    assert exam.grace_seconds == 30 and exam.attempts_allowed == 1
    assert exam.focus_loss_limit is None and exam.pass_mark is None


def test_publish_needs_an_audience_and_a_paper(app, exam_team):
    with time_machine.travel(T0 - timedelta(hours=1), tick=False):
        exam = exams.create_exam(None, **fields())
        with pytest.raises(DomainError) as refused:
            exams.publish_exam(None, exam)
        assert refused.value.field == "audience"
        exam = make_exam(teams=[exam_team], questions=[], publish=False)
        with pytest.raises(DomainError) as refused:
            exams.publish_exam(None, exam)
        assert refused.value.field == "items"


def test_a_published_paper_is_frozen(app, exam_team):
    exam = make_exam(teams=[exam_team])
    with pytest.raises(DomainError):
        assembly.add_items(None, exam, [make_question(make_bank())])
    with pytest.raises(DomainError):
        exams.update_exam(None, exam, assembly="rules")
    exams.update_exam(None, exam, title="改名")  # other settings may still change
    assert exam.title == "改名"


def test_a_retired_fixed_question_stops_publishing(app, exam_team):
    question = make_question(make_bank())
    exam = make_exam(teams=[exam_team], questions=[question], publish=False)
    questions.retire_question(None, question)
    with pytest.raises(DomainError) as refused:
        exams.publish_exam(None, exam)
    assert "停用" in refused.value.message


def test_close_early_ends_attempts_in_progress(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False) as clock:
        exam = make_exam(teams=[exam_team], duration_minutes=60)
        attempt, _ = attempts.start_attempt(cadre, exam)
        clock.move_to(T0 + timedelta(minutes=10))
        exams.close_exam(None, exam)
        assert exam.status == "closed" and exam.closes_at == T0 + timedelta(minutes=10)
        assert attempt.deadline == T0 + timedelta(minutes=10)
        assert attempts.refusal(make_user("cadre", exam_team), exam).code == "closed"
        clock.move_to(T0 + timedelta(minutes=11))
        assert attempts.auto_submit_overdue() == 1
        assert attempt.status == "submitted"


def test_extend_one_persons_time(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False):
        exam = make_exam(
            teams=[exam_team], duration_minutes=30, closes_at=T0 + timedelta(minutes=50)
        )
        attempt, _ = attempts.start_attempt(cadre, exam)
        deadline = deadlines.extend_attempt(None, attempt, 10)
        assert deadline == T0 + timedelta(minutes=40) == attempt.deadline
        assert attempt.events[-1].kind == "extended"
        # never past the close
        assert deadlines.extend_attempt(None, attempt, 30) == T0 + timedelta(minutes=50)
        with pytest.raises(DomainError):
            deadlines.extend_attempt(None, attempt, 0)
        attempts.submit_attempt(attempt)
        with pytest.raises(DomainError):
            deadlines.extend_attempt(None, attempt, 5)


def test_rules_refuse_what_the_bank_cannot_give(app, exam_team):
    bank = make_bank("规则题库")
    theory = create_category(None, bank, name="理论学习")
    for _ in range(3):
        make_question(bank, "single", category=theory, difficulty=2)
    make_question(bank, "single", difficulty=5)
    exam = exams.create_exam(None, **fields(assembly="rules"))
    with pytest.raises(DomainError) as refused:
        assembly.set_rules(
            None,
            exam,
            [
                {"bank": bank, "type": "single", "count": 1, "points_each": 1},
                {
                    "bank": bank,
                    "category": theory,
                    "type": "single",
                    "difficulty_min": 1,
                    "difficulty_max": 3,
                    "count": 4,
                    "points_each": 2,
                },
            ],
        )
    message = refused.value.message
    assert "规则 2" in message and "理论学习" in message and "3 道" in message
    assert "4 道" in message
    assert exam.rules == []


def test_rules_draw_without_repeats_and_snapshot_points(app, exam_team, cadre):
    bank = make_bank("抽题题库")
    for _ in range(6):
        make_question(bank, "judge")
    exam = make_exam(teams=[exam_team], questions=[], publish=False, assembly="rules")
    assembly.set_rules(
        None,
        exam,
        [
            {"bank": bank, "type": "judge", "count": 3, "points_each": "2"},
            {"bank": bank, "type": "judge", "count": 3, "points_each": "1.5"},
        ],
    )
    exams.publish_exam(None, exam)
    attempt, _ = attempts.start_attempt(cadre, exam, rng=random.Random(1))
    lineages = [item.question.lineage_id for item in attempt.items]
    assert len(set(lineages)) == 6
    assert attempt.max_score == Decimal("10.5")
    assert [item.points for item in attempt.items] == [Decimal("2")] * 3 + [Decimal("1.5")] * 3

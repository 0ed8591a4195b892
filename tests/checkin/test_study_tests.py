"""考学: the secretary publishes a short exam on a session's topic through the exams feature;
the team's members take it there and the results show on the session."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, select

from app.checkin.services import studytests
from app.checkin.services.base import CheckinError
from app.extensions import db
from app.quiz.exams.models import Exam
from app.quiz.exams.services import attempts
from tests.checkin.factories import START, make_session
from tests.quiz.bank.factories import make_bank, make_question

NOW = START + timedelta(hours=2)


@pytest.fixture
def bank():
    bank = make_bank()
    for _n in range(4):
        make_question(bank, "judge")
    return bank


def _fields(source, **changes):
    values = {
        "bank": source,
        "category": None,
        "qtype": "judge",
        "count": 3,
        "points_each": Decimal("10"),
        "duration_minutes": 10,
        "closes_at": NOW + timedelta(days=2),
        "pass_mark": Decimal("20"),
    }
    values.update(changes)
    return studytests.TestFields(**values)


def test_the_secretary_publishes_a_study_test_and_sees_the_results(world, bank):
    session = make_session(world["sec"], world["team_a"])
    test = studytests.create_test(world["sec"], session, _fields(bank), now=NOW)
    exam = test.exam
    assert (exam.status, exam.assembly, exam.attempts_allowed) == ("published", "rules", 1)
    assert [a.team_id for a in exam.audience] == [world["team_a"].id]
    assert exam.title == f"考学：{session.topic}"
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        attempt, _created = attempts.start_attempt(world["cadre"], exam)
        attempts.submit_attempt(attempt)
    db.session.flush()
    results = studytests.session_results(session)
    by_name = {r.name: r for r in results.rows}
    assert results.submitted == 1
    assert by_name[world["cadre"].name].score == 0 and by_name[world["cadre"].name].max_score == 30
    assert by_name[world["cadre"].name].passed_text == "未通过"
    assert by_name[world["cadre2"].name].score is None
    with pytest.raises(CheckinError, match="已经有考学"):
        studytests.create_test(world["sec"], session, _fields(bank), now=NOW)


@pytest.mark.parametrize(
    ("who", "changes", "message"),
    [
        ("other_sec", {}, "中心组秘书"),
        ("sec", {"bank": None}, "请选择题库"),
        ("sec", {"count": 9}, "少于要求"),
        ("sec", {"closes_at": NOW - timedelta(minutes=1)}, "晚于现在"),
        ("sec", {"closes_at": NOW + timedelta(days=40)}, "31 天"),
    ],
)
def test_study_tests_refused(world, bank, who, changes, message):
    session = make_session(world["sec"], world["team_a"])
    with pytest.raises(CheckinError, match=message):
        studytests.create_test(world[who], session, _fields(bank, **changes), now=NOW)
    assert studytests.test_of(session) is None
    assert db.session.scalar(select(func.count(Exam.id))) == 0  # the half-made exam is undone


def test_sources_name_banks_and_their_knowledge_points(world, bank):
    values = dict(studytests.sources())
    assert values[f"b:{bank.id}"] == bank.name
    assert studytests.source_of(f"b:{bank.id}") == (bank, None)
    assert studytests.source_of("x:1") == (None, None) and studytests.source_of("") == (None, None)

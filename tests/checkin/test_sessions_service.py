"""Sessions, speakers and first-topic follow-up measures: the secretary's record and its
refusals."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from random import Random

import pytest

from app.checkin.services import sessions
from app.checkin.services.base import CheckinError
from tests.checkin.factories import START, make_plan, make_session


def _fields(**overrides) -> sessions.SessionFields:
    values = {
        "kind": "collective",
        "starts_at": START,
        "ends_at": START + timedelta(hours=2),
        "topic": "专题学习",
    }
    values.update(overrides)
    return sessions.SessionFields(**values)


def test_a_secretary_records_a_session_with_a_code(world):
    session = make_session(world["sec"], world["team_a"], topic="  学习会  ")
    assert session.topic == "学习会" and session.hours == 2
    assert len(session.checkin_code) == 6 and session.checkin_code.isdigit()
    assert sessions.team_sessions(world["team_a"], year=2027) == [session]
    assert sessions.team_sessions(world["team_a"], year=2026) == []


def test_a_plan_item_gives_its_topic_and_must_be_the_teams(world):
    sec, other_sec = world["sec"], world["other_sec"]
    item = make_plan(sec, world["team_a"]).items[0]
    session = sessions.create_session(sec, world["team_a"], _fields(topic="", plan_item=item))
    assert session.topic == item.topic and session.plan_item is item
    foreign = make_plan(other_sec, world["team_b"]).items[0]
    with pytest.raises(CheckinError) as refused:
        sessions.create_session(sec, world["team_a"], _fields(plan_item=foreign))
    assert refused.value.field == "plan_item"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"ends_at": START}, "ends_at"),
        ({"ends_at": START + timedelta(days=8)}, "ends_at"),
        ({"topic": " "}, "topic"),
        ({"hours": "abc"}, "hours"),
        ({"hours": 120}, "hours"),
    ],
)
def test_bad_session_fields_are_named(world, overrides, field):
    with pytest.raises(CheckinError) as refused:
        sessions.create_session(world["sec"], world["team_a"], _fields(**overrides))
    assert refused.value.field == field


def test_only_the_teams_secretary_records_its_sessions(world):
    for user in (world["other_sec"], world["admin"], world["cadre"]):
        with pytest.raises(CheckinError):
            sessions.create_session(user, world["team_a"], _fields())
    session = make_session(world["sec"], world["team_a"])
    with pytest.raises(CheckinError):
        sessions.update_session(world["other_sec"], session, _fields(topic="改"))
    with pytest.raises(CheckinError):
        sessions.delete_session(world["other_sec"], session)
    assert session.topic == "学习党的政治建设有关论述"


def test_speakers_are_members_with_a_title(world):
    sec = world["sec"]
    session = make_session(sec, world["team_a"])
    lead = sessions.add_speaker(
        sec, session, speaker=world["cadre"], role="lead", title="领学：政治建设", outline="一、"
    )
    sessions.add_speaker(sec, session, speaker=world["cadre2"], role="report", title="述学")
    assert [s.role for s in session.speakers] == ["lead", "report"]
    with pytest.raises(CheckinError) as outsider:
        sessions.add_speaker(sec, session, speaker=world["outsider"], role="speak", title="发言")
    assert outsider.value.field == "speaker"
    with pytest.raises(CheckinError) as twice:
        sessions.add_speaker(sec, session, speaker=world["cadre"], role="lead", title="再次")
    assert twice.value.field == "speaker"
    with pytest.raises(CheckinError) as untitled:
        sessions.add_speaker(sec, session, speaker=world["cadre"], role="speak", title="")
    assert untitled.value.field == "title"
    sessions.remove_speaker(sec, lead)
    assert [s.role for s in session.speakers] == ["report"]


def test_follow_up_measures_belong_to_first_topic_study(world):
    sec = world["sec"]
    collective = make_session(sec, world["team_a"])
    with pytest.raises(CheckinError, match="第一议题"):
        sessions.add_measure(
            sec, collective, what="落实", owner=world["cadre"], due_on=date(2027, 4, 1)
        )
    first = make_session(sec, world["team_a"], kind="first_topic")
    measure = sessions.add_measure(
        sec, first, what="制定贯彻落实方案", owner=world["cadre"], due_on=date(2027, 4, 1)
    )
    assert measure.status == "open"
    with pytest.raises(CheckinError) as outsider:
        sessions.add_measure(sec, first, what="x", owner=world["outsider"], due_on=date(2027, 4, 1))
    assert outsider.value.field == "owner"
    done_at = datetime(2027, 3, 20, 2, 0)
    sessions.set_measure_status(sec, measure, "done", now=done_at)
    assert (measure.status, measure.done_at) == ("done", done_at)
    sessions.set_measure_status(sec, measure, "open")
    assert measure.done_at is None
    with pytest.raises(CheckinError):
        sessions.update_session(sec, first, _fields(kind="collective"))  # measures would dangle


def test_a_new_code_replaces_the_old(world):
    session = make_session(world["sec"], world["team_a"])
    old = session.checkin_code
    new = sessions.regenerate_code(world["sec"], session, rng=Random(1))
    assert new != old and session.checkin_code == new
    with pytest.raises(CheckinError):
        sessions.regenerate_code(world["other_sec"], session)

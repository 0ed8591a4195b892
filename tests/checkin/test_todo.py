"""Home to-do items: check in while a session's window is open; file this year's plan."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine

from app.checkin.services import attendance, plans, reflections
from app.checkin.todo import checkin_todos
from tests.checkin.factories import START, make_plan, make_session


def _titles(user) -> list[str]:
    return [item.title for item in checkin_todos(user)]


def test_a_member_is_asked_to_check_in_while_the_window_is_open(app, world):
    session = make_session(world["sec"], world["team_a"])
    cadre = world["cadre"]
    with app.test_request_context():
        with time_machine.travel(START - timedelta(minutes=31), tick=False):
            assert not any("签到" in t for t in _titles(cadre))
        with time_machine.travel(START + timedelta(minutes=3), tick=False):
            [item] = [i for i in checkin_todos(cadre) if i.kind == "session"]
            assert item.urgent and item.url == f"/checkin/s/{session.id}"
            assert not [i for i in checkin_todos(world["outsider"]) if i.kind == "session"]
            attendance.check_in(cadre, session, session.checkin_code, now=START)
            assert not [i for i in checkin_todos(cadre) if i.kind == "session"]
        with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=False):
            assert not [i for i in checkin_todos(world["cadre2"]) if i.kind == "session"]


def test_a_secretary_is_asked_to_file_the_plan_until_it_is_filed(app, world):
    sec = world["sec"]
    with app.test_request_context(), time_machine.travel(datetime(2027, 3, 1, 2), tick=False):
        [item] = [i for i in checkin_todos(sec) if i.kind == "plan"]
        assert "甲班子" in item.title and item.url.endswith("year=2027")
        assert item.urgent is False  # a month to go
        plan = make_plan(sec, world["team_a"])
        plans.file_plan(sec, plan)
        assert not [i for i in checkin_todos(sec) if i.kind == "plan"]
        assert not [i for i in checkin_todos(world["cadre"]) if i.kind == "plan"]
        assert not [i for i in checkin_todos(world["admin"]) if i.kind == "plan"]


def test_a_member_present_is_asked_for_a_reflection_for_two_weeks(app, world):
    session = make_session(world["sec"], world["team_a"])
    cadre = world["cadre"]
    attendance.mark(world["sec"], session, cadre, "present")
    attendance.mark(world["sec"], session, world["cadre2"], "absent")
    with app.test_request_context(), time_machine.travel(START + timedelta(days=1), tick=False):
        [item] = [i for i in checkin_todos(cadre) if i.kind == "reflection"]
        assert item.url == f"/checkin/sessions/{session.id}/reflection"
        assert not [i for i in checkin_todos(world["cadre2"]) if i.kind == "reflection"]
        reflections.submit_on_session(cadre, session, "体会", "学" * 200)
        assert not [i for i in checkin_todos(cadre) if i.kind == "reflection"]

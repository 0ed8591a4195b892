"""``demo load`` gives the demo team a filed and acknowledged plan and sessions of several
kinds, with speakers, attendance and a first-topic study's follow-up measures."""

from __future__ import annotations

from datetime import datetime

import time_machine

from app.auth.demo import DEMO_UNIT
from app.checkin.demo import centre_group_study
from app.checkin.services import (
    attendance,
    lectures,
    plans,
    reflections,
    selfstudy,
    sessions,
    standings,
)
from app.common.demo import load_demo

NOW = datetime(2027, 6, 15, 2, 0)  # 10:00 in Shanghai


def test_the_demo_team_has_a_years_study(app):
    with time_machine.travel(NOW, tick=False):
        context = load_demo()
        team = context["teams"][DEMO_UNIT]
        plan = plans.plan_for(team, 2027)
        assert plan.status == "acknowledged" and len(plan.items) == 6
        assert [e.kind for e in plan.events] == ["filed", "acknowledged"]
        # materials: the first collective study names lessons of the demo course
        first_item = min(plan.items, key=lambda item: item.month)
        assert len(first_item.lessons) == 2
        assert {lesson.course_id for lesson in first_item.lessons} == {context["course"].id}
        [row] = [r for r in plans.filing_overview(2027) if r.team == team]
        assert not row.filed_late and not row.overdue
        held = sessions.team_sessions(team, year=2027)
        kinds = {s.kind for s in held}
        assert {"collective", "first_topic", "strategy", "seminar", "reading_class"} <= kinds
        assert all(s.speakers for s in held)
        [first] = [s for s in held if s.kind == "first_topic"]
        assert {m.status for m in first.measures} == {"open", "done"}
        past = [s for s in held if s.ends_at < NOW]
        for session in past:
            counts = attendance.sheet_counts(attendance.sheet(session))
            assert counts["unrecorded"] == 0 and counts["present"] >= 5
        [upcoming] = [s for s in held if s.starts_at > NOW]
        assert attendance.sheet_counts(attendance.sheet(upcoming))["present"] == 0
        # the demo cadre sees their own record
        record = attendance.my_record(context["cadre"])
        assert sum(1 for r in record if r.attendance is not None) == len(past)
        # reflections, self-study and lectures, and who has not written yet
        [collective] = [s for s in held if s.kind == "collective"]
        assert len(reflections.of_session(collective)) >= 4
        assert reflections.missing_on_session(collective)  # the secretary has someone to remind
        assert reflections.of_user(context["cadre"], year=2027)
        assert selfstudy.minutes_of(context["cadre"], 2027) > 0
        assert len(lectures.of_team(team, 2027)) == 3
        standing = standings.team_standing(team, 2027)
        assert len(standing.members) >= 7
        # running the step again adds nothing
        centre_group_study(context)
        assert len(sessions.team_sessions(team, year=2027)) == len(held)

"""The home page's to-do items: a session open for check-in and a reflection still to write
(members), this year's plan still to file (secretaries)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask_babel import gettext as _

from app.checkin.services import attendance, plans, reflections
from app.checkin.services.base import plan_due_date
from app.common import links
from app.common.timeutil import SHANGHAI, format_local, to_local, utcnow
from app.common.todo import TodoItem

DUE_SOON = timedelta(days=14)


def checkin_todos(user) -> list[TodoItem]:
    now = utcnow()
    items = [
        TodoItem(
            _("签到：%(t)s", t=session.topic),
            links.url("checkin.check_in", session_id=session.id),
            "session",
            due=session.ends_at,
            detail=_("%(t)s 开始", t=format_local(session.starts_at)),
            urgent=True,
        )
        for session in attendance.open_for_checkin(user, now=now)
    ]
    items += [
        TodoItem(
            _("撰写心得体会：%(t)s", t=session.topic),
            links.url("checkin.write_reflection", session_id=session.id),
            "reflection",
            due=session.starts_at + reflections.REMINDER,
            detail=_("%(t)s 的学习", t=format_local(session.starts_at, "%m-%d")),
        )
        for session in reflections.to_write(user, now=now)
    ]
    year = to_local(now).year
    teams = plans.plans_to_file(user, year)
    if teams:
        # the end of the due day, in Shanghai
        due = datetime.combine(plan_due_date(year), time.max, tzinfo=SHANGHAI)
        due_at = due.astimezone(UTC).replace(tzinfo=None)
        for team in teams:
            items.append(
                TodoItem(
                    _("报送 %(y)d 年中心组学习计划：%(t)s", y=year, t=team.name),
                    links.url("checkin.team_plan", team_id=team.id, year=year),
                    "plan",
                    due=due_at,
                    detail=_("已逾期") if now > due_at else "",
                    urgent=due_at - now < DUE_SOON,
                )
            )
    return items

"""Standings (学习达标情况): each member's and each team's year against the year's quota —
attendance, reflections, party lectures, self-study minutes, and for a team the sessions its
plan promises. Read from this feature's figures, so the pages and the registry agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import Team, User
from app.checkin.services import figures
from app.checkin.services.quotas import Quota, quota_for
from app.common.figures import Figure, Period
from app.extensions import db


@dataclass(frozen=True)
class Line:
    label: str
    actual: str
    expected: str
    met: bool | None  # None: nothing expected yet (no session held, no plan)


@dataclass(frozen=True)
class MemberStanding:
    member: User
    lines: list[Line]

    @property
    def met(self) -> bool:
        return all(line.met is not False for line in self.lines)


def _by_key(items: list[Figure]) -> dict[str, Figure]:
    return {f.key: f for f in items}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _member_lines(found: dict[str, Figure], quota: Quota) -> list[Line]:
    attendance = found["checkin.attendance"]
    rate = attendance.value
    minutes = int(found["checkin.self_study"].numerator)
    reflections = int(found["checkin.reflections"].numerator)
    lectures = int(found["checkin.lectures"].numerator)
    return [
        Line(
            _("出勤率"),
            _(
                "%(r)s（%(p)d/%(n)d 次）",
                r=_percent(rate),
                p=attendance.numerator,
                n=attendance.denominator or 0,
            ),
            f"≥ {quota.attendance_percent}%",
            None if rate is None else rate * 100 >= quota.attendance_percent,
        ),
        Line(
            _("心得体会"),
            _("%(n)d 篇", n=reflections),
            _("≥ %(n)d 篇", n=quota.reflections),
            reflections >= quota.reflections,
        ),
        Line(
            _("讲党课"),
            _("%(n)d 次", n=lectures),
            _("≥ %(n)d 次", n=quota.lectures),
            lectures >= quota.lectures,
        ),
        Line(
            _("自学时长"),
            _("%(n)d 分钟", n=minutes),
            _("≥ %(n)d 分钟", n=quota.self_study_minutes),
            minutes >= quota.self_study_minutes,
        ),
    ]


def members_of(team: Team) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.team_id == team.id, User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def member_standings(
    users: list[User], year: int, *, now: datetime | None = None
) -> list[MemberStanding]:
    quota = quota_for(year)
    found = figures.member_figures([u.id for u in users], Period.year(year), now=now)
    return [MemberStanding(u, _member_lines(_by_key(found[u.id]), quota)) for u in users]


@dataclass(frozen=True)
class TeamStanding:
    team: Team
    quota: Quota
    lines: list[Line]
    members: list[MemberStanding]

    @property
    def members_met(self) -> int:
        return sum(1 for m in self.members if m.met)


def team_standing(team: Team, year: int, *, now: datetime | None = None) -> TeamStanding:
    quota = quota_for(year)
    found = _by_key(figures.team_figures([team.id], Period.year(year), now=now)[team.id])
    sessions = found["checkin.sessions"]
    attendance = found["checkin.attendance"]
    lectures = found["checkin.lectures"]
    reflections = found["checkin.reflections"]
    planned = int(sessions.denominator or 0)
    lines = [
        Line(
            _("开展中心组学习"),
            _("%(n)d 次", n=sessions.numerator),
            _("计划 %(n)d 次", n=planned),
            None if not planned else sessions.numerator >= planned,
        ),
        Line(
            _("出勤率"),
            _percent(attendance.value),
            f"≥ {quota.attendance_percent}%",
            None
            if attendance.value is None
            else attendance.value * 100 >= quota.attendance_percent,
        ),
        Line(
            _("心得体会"),
            _("%(n)d 篇", n=reflections.numerator),
            _("%(n)d 篇", n=reflections.denominator or 0),
            None
            if not reflections.denominator
            else reflections.numerator >= reflections.denominator,
        ),
        Line(
            _("讲党课达标"),
            _percent(lectures.value),
            "100%",
            None if lectures.value is None else lectures.value >= 1,
        ),
        Line(
            _("人均自学时长"),
            _("%(n)d 分钟", n=found["checkin.self_study"].value or 0),
            _("≥ %(n)d 分钟", n=quota.self_study_minutes),
            None
            if found["checkin.self_study"].value is None
            else found["checkin.self_study"].value >= quota.self_study_minutes,
        ),
    ]
    return TeamStanding(team, quota, lines, member_standings(members_of(team), year, now=now))

"""The year's expectations of every centre-group member (学习要求), set by an administrator.

Defaults (for a year nobody has set): attendance at least 90 % of the team's sessions, at
least 2 reflections, at least 1 party lecture, 1200 minutes (20 hours) of self-study, and
reflections of at least 200 characters. A team is also expected to hold the sessions its
plan promises (one per plan item)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.checkin.models import StudyQuota
from app.checkin.services.base import CheckinError, clock
from app.extensions import db


@dataclass(frozen=True)
class Quota:
    year: int
    attendance_percent: int = 90
    reflections: int = 2
    lectures: int = 1
    self_study_minutes: int = 1200
    reflection_min_chars: int = 200
    is_default: bool = True


FIELDS = (
    "attendance_percent",
    "reflections",
    "lectures",
    "self_study_minutes",
    "reflection_min_chars",
)
LIMITS = {
    "attendance_percent": 100,
    "reflections": 100,
    "lectures": 20,
    "self_study_minutes": 100_000,
    "reflection_min_chars": 5000,
}


def quota_for(year: int) -> Quota:
    row = db.session.scalar(select(StudyQuota).where(StudyQuota.year == year))
    if row is None:
        return Quota(year)
    return Quota(year, **{name: getattr(row, name) for name in FIELDS}, is_default=False)


def set_quota(user: User, year: int, values: dict, *, now: datetime | None = None) -> Quota:
    if not user.is_admin:
        raise CheckinError(_("只有管理员可以设置年度学习要求"))
    if not 2000 <= year <= 2100:
        raise CheckinError(_("年份不正确"), "year")
    clean = {}
    for name in FIELDS:
        value = values.get(name)
        if value is None or value == "":
            raise CheckinError(_("请填写每一项要求"), name)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise CheckinError(_("须是整数"), name) from None
        if not 0 <= number <= LIMITS[name]:
            raise CheckinError(_("须在 0 到 %(n)d 之间", n=LIMITS[name]), name)
        clean[name] = number
    row = db.session.scalar(select(StudyQuota).where(StudyQuota.year == year))
    if row is None:
        row = StudyQuota(year=year)
        db.session.add(row)
    for name, number in clean.items():
        setattr(row, name, number)
    row.updated_by_id = user.id
    row.updated_at = clock(now)
    db.session.flush()
    return quota_for(year)

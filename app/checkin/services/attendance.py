"""签到: a member checks in with the code shown on screen during the session's window; the
secretary marks present, leave (with the reason), absent, and late arrival.

The race: two taps (or two devices) of one member arrive together. Both may read "no row
yet"; the unique (session, user) constraint lets exactly one INSERT through, and the other,
inside a savepoint, turns its IntegrityError into "already checked in" without spoiling the
request's transaction. On SQLite the writes queue at BEGIN IMMEDIATE, so the second reads the
first's row; on PostgreSQL the second INSERT waits for the first to commit, then fails.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.checkin import policy
from app.checkin.models import ATTENDANCE_STATUSES, Attendance, StudySession
from app.checkin.services.base import (
    CheckinError,
    clock,
    late_grace_minutes,
    open_before_minutes,
    require_manager,
    require_member,
)
from app.common.timeutil import format_local
from app.extensions import db


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime

    def contains(self, now: datetime) -> bool:
        return self.opens_at <= now <= self.closes_at


def checkin_window(session: StudySession) -> Window:
    """From ``CHECKIN_OPEN_BEFORE_MINUTES`` before the start until the end."""
    return Window(session.starts_at - timedelta(minutes=open_before_minutes()), session.ends_at)


def is_late(session: StudySession, at: datetime) -> bool:
    return at > session.starts_at + timedelta(minutes=late_grace_minutes())


def attendance_of(session: StudySession, user: User) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    )


def _already(row: Attendance) -> CheckinError:
    if row.status == "present":
        return CheckinError(_("您已签到，无需重复签到"))
    return CheckinError(_("秘书已将您登记为请假或缺席；如有出入，请联系中心组秘书更正"))


def _normalise(code: str | None) -> str:
    return "".join((code or "").split())


def check_in(
    user: User, session: StudySession, code: str | None, *, now: datetime | None = None
) -> Attendance:
    """Record ``user`` present at ``session`` (late after the grace) if every rule holds;
    otherwise a ``CheckinError`` that says which one did not, and nothing changes."""
    now = clock(now)
    if not policy.is_member(user, session.team):
        raise CheckinError(_("您不是本班子中心组成员，不能在此签到"))
    existing = attendance_of(session, user)
    if existing is not None:
        raise _already(existing)
    window = checkin_window(session)
    if now < window.opens_at:
        raise CheckinError(_("签到尚未开始，%(t)s 起可以签到", t=format_local(window.opens_at)))
    if now > window.closes_at:
        raise CheckinError(_("本次学习已结束，签到已关闭"))
    given = _normalise(code)
    if not given:
        raise CheckinError(_("请输入签到码"), "code")
    if not session.checkin_code or not hmac.compare_digest(
        given.encode(), session.checkin_code.encode()
    ):
        raise CheckinError(_("签到码不正确或已失效，请核对屏幕上的签到码"), "code")
    row = Attendance(
        session_id=session.id,
        user_id=user.id,
        status="present",
        late=is_late(session, now),
        reason="",
        checked_in_at=now,
        method="code",
        recorded_by_id=user.id,
        recorded_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise CheckinError(_("您已签到，无需重复签到")) from None  # the other tap won
    return row


def mark(
    user: User,
    session: StudySession,
    member: User | None,
    status: str,
    *,
    late: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> Attendance:
    """The secretary records (or corrects) a member's attendance by hand."""
    require_manager(user, session.team)
    if member is None or not (
        policy.is_member(member, session.team) or attendance_of(session, member) is not None
    ):
        require_member(member, session.team, "user")
    if status not in ATTENDANCE_STATUSES:
        raise CheckinError(_("请选择出勤情况"), "status")
    reason = (reason or "").strip()[:500]
    if status == "leave" and not reason:
        raise CheckinError(_("请假须填写事由"), "reason")
    now = clock(now)
    fields = {
        "status": status,
        "late": bool(late) and status == "present",
        "reason": reason if status != "present" else "",
        "method": "manual",
        "recorded_by_id": user.id,
        "recorded_at": now,
    }
    row = attendance_of(session, member)
    if row is None:
        row = Attendance(session_id=session.id, user_id=member.id, checked_in_at=None, **fields)
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return row
        except IntegrityError:  # the member checked in meanwhile: correct that row instead
            row = attendance_of(session, member)
    if row.method == "code" and status == "present":
        fields["method"] = "code"  # the member's own check-in stands; only the late flag moves
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.flush()
    return row


@dataclass(frozen=True)
class SheetRow:
    member: User
    attendance: Attendance | None


def sheet(session: StudySession) -> list[SheetRow]:
    """签到表: every member of the team, and anyone recorded who has left it since."""
    rows = {
        a.user_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    members = db.session.scalars(
        select(User)
        .where(
            or_(
                (User.team_id == session.team_id) & User.active.is_(True),
                User.id.in_(list(rows) or [-1]),
            )
        )
        .order_by(User.name, User.id)
    )
    return [SheetRow(m, rows.get(m.id)) for m in members]


def sheet_counts(rows: list[SheetRow]) -> dict[str, int]:
    counts = {status: 0 for status in ATTENDANCE_STATUSES}
    counts.update(late=0, unrecorded=0)
    for row in rows:
        if row.attendance is None:
            counts["unrecorded"] += 1
        else:
            counts[row.attendance.status] += 1
            counts["late"] += int(row.attendance.late)
    return counts


@dataclass(frozen=True)
class RecordRow:
    session: StudySession
    attendance: Attendance | None


def my_record(user: User) -> list[RecordRow]:
    """A member's own attendance: the sessions of their team and any they were recorded at."""
    mine = {
        a.session_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.user_id == user.id))
    }
    conditions = [StudySession.id.in_(list(mine) or [-1])]
    if user.team_id is not None:
        conditions.append(StudySession.team_id == user.team_id)
    sessions = db.session.scalars(
        select(StudySession).where(or_(*conditions)).order_by(StudySession.starts_at.desc())
    )
    return [RecordRow(s, mine.get(s.id)) for s in sessions]


def open_for_checkin(user: User, *, now: datetime | None = None) -> list[StudySession]:
    """The sessions of ``user``'s team whose check-in window is open now and where they have
    no record yet."""
    if user.team_id is None:
        return []
    now = clock(now)
    recorded = select(Attendance.session_id).where(Attendance.user_id == user.id)
    return list(
        db.session.scalars(
            select(StudySession)
            .where(
                StudySession.team_id == user.team_id,
                StudySession.starts_at <= now + timedelta(minutes=open_before_minutes()),
                StudySession.ends_at >= now,
                StudySession.id.not_in(recorded),
            )
            .order_by(StudySession.starts_at)
        )
    )

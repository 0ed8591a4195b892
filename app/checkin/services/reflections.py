"""心得体会: a member writes what they took from a session they were at, or from a material
they studied. One per member and session (they may revise it); at least the year's minimum
length (``StudyQuota.reflection_min_chars``). The team's secretary reads them and sees who
at a session has not written one."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import Team, User
from app.checkin import policy
from app.checkin.models import Attendance, Reflection, StudySession
from app.checkin.services.base import CheckinError, clock, year_bounds
from app.checkin.services.quotas import quota_for
from app.common.timeutil import to_local
from app.extensions import db

MAX_BODY = 20_000


def _clean(title: str, body: str, year: int) -> tuple[str, str]:
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise CheckinError(_("请填写标题"), "title")
    if len(title) > 200:
        raise CheckinError(_("标题不能超过 200 字"), "title")
    minimum = quota_for(year).reflection_min_chars
    length = len("".join(body.split()))
    if length < minimum:
        raise CheckinError(
            _("心得体会不少于 %(n)d 字（不计空白），现在 %(c)d 字", n=minimum, c=length), "body"
        )
    if len(body) > MAX_BODY:
        raise CheckinError(_("心得体会不能超过 %(n)d 字", n=MAX_BODY), "body")
    return title, body


def reflection_on(session: StudySession, user: User) -> Reflection | None:
    return db.session.scalar(
        select(Reflection).where(Reflection.session_id == session.id, Reflection.user_id == user.id)
    )


def can_write_on(user: User, session: StudySession) -> bool:
    """Members of the team, and anyone recorded at the session (who may have left it)."""
    if policy.is_member(user, session.team):
        return True
    return (
        db.session.scalar(
            select(Attendance.id).where(
                Attendance.session_id == session.id, Attendance.user_id == user.id
            )
        )
        is not None
    )


def submit_on_session(
    user: User, session: StudySession, title: str, body: str, *, now: datetime | None = None
) -> Reflection:
    """Write (or revise) ``user``'s reflection on ``session``, once it has begun."""
    now = clock(now)
    if not can_write_on(user, session):
        raise CheckinError(_("您不是本班子中心组成员，不能提交这次学习的心得体会"))
    if now < session.starts_at:
        raise CheckinError(_("学习开始后才能提交心得体会"))
    title, body = _clean(title, body, to_local(session.starts_at).year)
    row = reflection_on(session, user)
    if row is not None:
        row.title, row.body = title, body
        db.session.flush()
        return row
    row = Reflection(
        user_id=user.id,
        team_id=session.team_id,
        session_id=session.id,
        title=title,
        body=body,
        submitted_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # a second tab submitted first: revise that one
        row = reflection_on(session, user)
        row.title, row.body = title, body
        db.session.flush()
    return row


def submit_on_material(
    user: User, material: str, title: str, body: str, *, now: datetime | None = None
) -> Reflection:
    now = clock(now)
    material = (material or "").strip()
    if not material:
        raise CheckinError(_("请填写学习材料（课程章节、书名或文章题目）"), "material")
    if len(material) > 300:
        raise CheckinError(_("学习材料不能超过 300 字"), "material")
    title, body = _clean(title, body, to_local(now).year)
    row = Reflection(
        user_id=user.id,
        team_id=user.team_id,
        material=material,
        title=title,
        body=body,
        submitted_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row


def revise(user: User, row: Reflection, title: str, body: str, material: str = "") -> Reflection:
    if row.user_id != user.id:
        raise CheckinError(_("只能修改自己的心得体会"))
    title, body = _clean(title, body, to_local(row.submitted_at).year)
    if row.session_id is None:
        material = (material or "").strip()
        if not material:
            raise CheckinError(_("请填写学习材料（课程章节、书名或文章题目）"), "material")
        row.material = material[:300]
    row.title, row.body = title, body
    db.session.flush()
    return row


def can_read(user: User, row: Reflection) -> bool:
    if user.is_admin or row.user_id == user.id:
        return True
    team = row.team
    return team is not None and policy.can_manage(user, team)


def of_session(session: StudySession) -> list[Reflection]:
    return list(
        db.session.scalars(
            select(Reflection)
            .where(Reflection.session_id == session.id)
            .order_by(Reflection.submitted_at, Reflection.id)
        )
    )


def missing_on_session(session: StudySession) -> list[User]:
    """The members who were present and have not written their reflection yet."""
    written = select(Reflection.user_id).where(Reflection.session_id == session.id)
    return list(
        db.session.scalars(
            select(User)
            .join(Attendance, Attendance.user_id == User.id)
            .where(
                Attendance.session_id == session.id,
                Attendance.status == "present",
                User.id.not_in(written),
            )
            .order_by(User.name, User.id)
        )
    )


def of_user(user: User, *, year: int | None = None) -> list[Reflection]:
    query = select(Reflection).where(Reflection.user_id == user.id)
    if year is not None:
        start, end = year_bounds(year)
        query = query.where(Reflection.submitted_at >= start, Reflection.submitted_at < end)
    return list(
        db.session.scalars(query.order_by(Reflection.submitted_at.desc(), Reflection.id.desc()))
    )


def of_team(team: Team, *, year: int) -> list[Reflection]:
    start, end = year_bounds(year)
    return list(
        db.session.scalars(
            select(Reflection)
            .where(
                Reflection.team_id == team.id,
                Reflection.submitted_at >= start,
                Reflection.submitted_at < end,
            )
            .order_by(Reflection.submitted_at.desc(), Reflection.id.desc())
        )
    )


def missing_by_session(team: Team, year: int) -> list[tuple[StudySession, list[User]]]:
    """The team's sessions of ``year`` so far, each with who was present and has not written
    a reflection (sessions where everyone has are left out)."""
    start, end = year_bounds(year)
    sessions = db.session.scalars(
        select(StudySession)
        .where(
            StudySession.team_id == team.id,
            StudySession.starts_at >= start,
            StudySession.starts_at < min(end, clock(None)),
        )
        .order_by(StudySession.starts_at.desc())
    )
    result = []
    for session in sessions:
        missing = missing_on_session(session)
        if missing:
            result.append((session, missing))
    return result


REMINDER = timedelta(days=14)  # a member is reminded this long after a session


def to_write(user: User, *, now: datetime | None = None) -> list[StudySession]:
    """The sessions of the last two weeks ``user`` attended and has not written on."""
    now = clock(now)
    written = select(Reflection.session_id).where(
        Reflection.user_id == user.id, Reflection.session_id.is_not(None)
    )
    return list(
        db.session.scalars(
            select(StudySession)
            .join(Attendance, Attendance.session_id == StudySession.id)
            .where(
                Attendance.user_id == user.id,
                Attendance.status == "present",
                StudySession.starts_at <= now,
                StudySession.starts_at >= now - REMINDER,
                StudySession.id.not_in(written),
            )
            .order_by(StudySession.starts_at)
        )
    )

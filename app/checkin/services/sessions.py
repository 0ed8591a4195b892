"""集体学习 and its kinds: the team secretary records sessions, their speakers (领学, 述学,
交流发言) and, for first-topic study (第一议题), the follow-up measures decided."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from random import Random

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.auth.models import Team, User
from app.checkin.models import (
    MEASURE_STATUSES,
    SESSION_KINDS,
    SPEAKER_ROLES,
    FollowUpMeasure,
    SessionSpeaker,
    StudyPlan,
    StudyPlanItem,
    StudySession,
)
from app.checkin.services import outlines
from app.checkin.services.base import CheckinError, clock, require_manager, require_member
from app.checkin.services.materials import pick_lessons
from app.common.timeutil import SHANGHAI
from app.extensions import db

CODE_LENGTH = 6
MAX_HOURS = Decimal("99.9")
MAX_SESSION_LENGTH = timedelta(days=7)  # a reading class may run for days, not for weeks


def new_code(rng: Random | None = None) -> str:
    """A short code to type on a phone: six digits."""
    if rng is not None:
        return "".join(rng.choice("0123456789") for _ in range(CODE_LENGTH))
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class SessionFields:
    kind: str
    starts_at: datetime  # naive UTC
    ends_at: datetime
    topic: str
    place: str = ""
    plan_item: StudyPlanItem | None = None
    materials: str = ""
    hours: Decimal | float | str = Decimal("0")
    minutes: str = ""
    lesson_ids: Sequence[str | int] = ()  # lessons of the courses feature, as materials


def _clean(team: Team, fields: SessionFields) -> SessionFields:
    if fields.kind not in SESSION_KINDS:
        raise CheckinError(_("请选择学习形式"), "kind")
    if fields.starts_at is None:
        raise CheckinError(_("请填写开始时间"), "starts_at")
    if fields.ends_at is None or fields.ends_at <= fields.starts_at:
        raise CheckinError(_("结束时间须晚于开始时间"), "ends_at")
    if fields.ends_at - fields.starts_at > MAX_SESSION_LENGTH:
        raise CheckinError(_("一次学习不能超过 7 天"), "ends_at")
    topic = (fields.topic or "").strip()
    if fields.plan_item is not None:
        if fields.plan_item.plan.team_id != team.id:
            raise CheckinError(_("所选计划项目不属于本班子"), "plan_item")
        topic = topic or fields.plan_item.topic
    if not topic:
        raise CheckinError(_("请填写学习主题，或选择计划中的一项"), "topic")
    if len(topic) > 200:
        raise CheckinError(_("学习主题不能超过 200 字"), "topic")
    try:
        hours = Decimal(str(fields.hours if fields.hours not in (None, "") else 0))
    except InvalidOperation:
        raise CheckinError(_("学时须是数字"), "hours") from None
    if not Decimal("0") <= hours <= MAX_HOURS:
        raise CheckinError(_("学时须在 0 到 99.9 之间"), "hours")
    return SessionFields(
        kind=fields.kind,
        starts_at=fields.starts_at,
        ends_at=fields.ends_at,
        topic=topic,
        place=(fields.place or "").strip()[:200],
        plan_item=fields.plan_item,
        materials=(fields.materials or "").strip(),
        hours=hours.quantize(Decimal("0.1")),
        minutes=fields.minutes or "",
        lesson_ids=tuple(fields.lesson_ids or ()),
    )


def _apply(session: StudySession, fields: SessionFields) -> None:
    session.kind, session.starts_at, session.ends_at = fields.kind, fields.starts_at, fields.ends_at
    session.topic, session.place, session.plan_item = fields.topic, fields.place, fields.plan_item
    session.materials, session.hours, session.minutes = (
        fields.materials,
        fields.hours,
        fields.minutes,
    )


def create_session(
    user: User, team: Team, fields: SessionFields, *, rng: Random | None = None
) -> StudySession:
    require_manager(user, team)
    fields = _clean(team, fields)
    lessons = pick_lessons(user, fields.lesson_ids)
    if not lessons and fields.plan_item is not None:  # as the topic, the plan's by default
        lessons = list(fields.plan_item.lessons)
    session = StudySession(team=team, created_by_id=user.id, checkin_code=new_code(rng))
    _apply(session, fields)
    session.lessons = lessons
    db.session.add(session)
    db.session.flush()
    return session


def update_session(user: User, session: StudySession, fields: SessionFields) -> StudySession:
    require_manager(user, session.team)
    fields = _clean(session.team, fields)
    if session.measures and fields.kind != "first_topic":
        raise CheckinError(_("这次学习已有整改落实措施，不能改为其他形式"), "kind")
    lessons = pick_lessons(user, fields.lesson_ids, keep=session.lessons)
    _apply(session, fields)
    session.lessons = lessons
    db.session.flush()
    return session


def delete_session(user: User, session: StudySession) -> None:
    require_manager(user, session.team)
    for speaker in session.speakers:
        outlines.discard(speaker)
    db.session.delete(session)
    db.session.flush()


def regenerate_code(user: User, session: StudySession, *, rng: Random | None = None) -> str:
    """A fresh code: the one shown before stops working (e.g. after it left the room)."""
    require_manager(user, session.team)
    old = session.checkin_code
    code = new_code(rng)
    while code == old:
        code = new_code(rng)
    session.checkin_code = code
    db.session.flush()
    return code


def plan_items_for(team: Team, year: int) -> list[StudyPlanItem]:
    return list(
        db.session.scalars(
            select(StudyPlanItem)
            .join(StudyPlan)
            .where(StudyPlan.team_id == team.id, StudyPlan.year == year)
            .order_by(StudyPlanItem.month, StudyPlanItem.id)
        )
    )


def _local_new_year(year: int) -> datetime:
    """New Year's midnight in Shanghai, as the naive UTC the columns hold."""
    return datetime(year, 1, 1, tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def team_sessions(team: Team, *, year: int | None = None) -> list[StudySession]:
    query = select(StudySession).where(StudySession.team_id == team.id)
    if year is not None:
        query = query.where(
            StudySession.starts_at >= _local_new_year(year),
            StudySession.starts_at < _local_new_year(year + 1),
        )
    return list(db.session.scalars(query.order_by(StudySession.starts_at.desc())))


RECENT_DAYS = 31  # a phone's list: the last month's sessions …
UPCOMING_DAYS = 62  # … and the next two months'
MAX_LISTED = 200


def my_teams(user: User) -> list[Team]:
    """The teams whose study ``user`` takes part in: their own, and the leadership teams in
    the scopes they run as a secretary."""
    teams = {user.team.id: user.team} if user.team is not None and user.active else {}
    scopes = [scope.path for scope in user.secretary_teams]
    if scopes:
        run = select(Team).where(
            Team.kind == "team",
            Team.active.is_(True),
            or_(*(Team.path.startswith(path) for path in scopes)),
        )
        teams.update((team.id, team) for team in db.session.scalars(run))
    return sorted(teams.values(), key=lambda t: t.id)


def my_sessions(user: User, *, now: datetime | None = None) -> list[StudySession]:
    """The recent and upcoming sessions of ``user``'s teams, soonest first."""
    now = clock(now)
    team_ids = [t.id for t in my_teams(user)]
    if not team_ids:
        return []
    return list(
        db.session.scalars(
            select(StudySession)
            .where(
                StudySession.team_id.in_(team_ids),
                StudySession.ends_at >= now - timedelta(days=RECENT_DAYS),
                StudySession.starts_at <= now + timedelta(days=UPCOMING_DAYS),
            )
            .order_by(StudySession.starts_at, StudySession.id)
            .limit(MAX_LISTED)
        )
    )


# Speakers


def add_speaker(
    user: User,
    session: StudySession,
    *,
    speaker: User | None,
    role: str,
    title: str,
    outline: str = "",
    outline_file: outlines.OutlineFile | None = None,
) -> SessionSpeaker:
    """A speaker with a title and, optionally, an outline as text, as a file, or both."""
    require_manager(user, session.team)
    if role not in SPEAKER_ROLES:
        raise CheckinError(_("请选择发言类型"), "role")
    require_member(speaker, session.team, "speaker")
    title = (title or "").strip()
    if not title:
        raise CheckinError(_("请填写发言题目"), "title")
    if len(title) > 200:
        raise CheckinError(_("发言题目不能超过 200 字"), "title")
    if any(s.user_id == speaker.id and s.role == role for s in session.speakers):
        raise CheckinError(_("此人已登记为这一类发言"), "speaker")
    outline = (outline or "").strip()
    if len(outline) > 10_000:
        raise CheckinError(_("发言提纲不能超过 10000 字"), "outline")
    row = SessionSpeaker(user=speaker, role=role, title=title, outline=outline)
    if outline_file is not None:
        outlines.attach(row, outline_file)  # checked before anything is added
    session.speakers.append(row)
    db.session.flush()
    return row


def remove_speaker(user: User, speaker: SessionSpeaker) -> None:
    require_manager(user, speaker.session.team)
    outlines.discard(speaker)
    speaker.session.speakers.remove(speaker)
    db.session.flush()


# Follow-up measures (第一议题)


def add_measure(
    user: User,
    session: StudySession,
    *,
    what: str,
    owner: User | None,
    due_on: date | None,
) -> FollowUpMeasure:
    require_manager(user, session.team)
    if session.kind != "first_topic":
        raise CheckinError(_("只有第一议题学习登记整改落实措施"))
    what = (what or "").strip()
    if not what:
        raise CheckinError(_("请填写落实措施"), "what")
    if len(what) > 500:
        raise CheckinError(_("落实措施不能超过 500 字"), "what")
    require_member(owner, session.team, "owner")
    if due_on is None:
        raise CheckinError(_("请填写完成时限"), "due_on")
    measure = FollowUpMeasure(what=what, owner=owner, due_on=due_on, status="open")
    session.measures.append(measure)
    db.session.flush()
    return measure


def set_measure_status(
    user: User, measure: FollowUpMeasure, status: str, *, now: datetime | None = None
) -> FollowUpMeasure:
    require_manager(user, measure.session.team)
    if status not in MEASURE_STATUSES:
        raise CheckinError(_("状态不正确"), "status")
    measure.status = status
    measure.done_at = clock(now) if status == "done" else None
    db.session.flush()
    return measure

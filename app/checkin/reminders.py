"""The centre-group study's reminders, sent through notify (timings in docs/notifications.md),
each at REMIND_DAILY_HOUR (09:00 Shanghai) on its day and caught up within
REMIND_CATCH_UP_HOURS if the scheduler was down:

- the day before a session → the team's members (and the team's group robots);
- REMIND_REFLECTION_DAYS_AFTER (2) days after a session → members present who have not written
  their reflection (心得体会);
- from the day after CHECKIN_PLAN_DUE, weekly until filed → the secretaries of a team whose plan
  for the year is not filed;
- from 1 October, on the first of each month → members with no party lecture (党课) that year.

Dedupe keys name the object, the reminder, the person and the period, so each goes once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import Team, User
from app.checkin.models import PartyLecture, StudySession
from app.checkin.services import plans, reflections
from app.checkin.services.standings import members_of
from app.common import links
from app.common.timeutil import SHANGHAI, format_local, to_local, utcnow
from app.extensions import db
from app.notify import services as notifications

LECTURES_FROM_MONTH = 10  # 党课: "every member gives at least one a year"; reminded from October


def _send_time(day: date) -> datetime:
    """REMIND_DAILY_HOUR on the Shanghai day ``day``, as naive UTC."""
    local = datetime.combine(day, time(current_app.config["REMIND_DAILY_HOUR"]), tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def _due(send_at: datetime, now: datetime) -> bool:
    catch_up = timedelta(hours=current_app.config["REMIND_CATCH_UP_HOURS"])
    return send_at <= now < send_at + catch_up


def remind_session_tomorrow(now: datetime | None = None) -> int:
    now = now or utcnow()
    sessions = db.session.scalars(
        select(StudySession).where(
            StudySession.starts_at > now, StudySession.starts_at <= now + timedelta(days=3)
        )
    ).all()
    sent = 0
    for session in sessions:
        send_at = _send_time(to_local(session.starts_at).date() - timedelta(days=1))
        if not _due(send_at, now):
            continue
        message = _l(
            "明天 %(when)s 中心组学习：%(topic)s（%(place)s）",
            when=format_local(session.starts_at, "%H:%M"),
            topic=session.topic,
            place=session.place or _("地点待定"),
        )
        sent += notifications.notify_many(
            members_of(session.team),
            message,
            links.url("checkin.session", session_id=session.id),
            kind="checkin.session_tomorrow",
            key=lambda u, s=session: f"checkin.session_tomorrow:{s.id}:u{u.id}",
            now=now,
        )
        notifications.notify_team(
            session.team_id,
            message,
            links.url("checkin.session", session_id=session.id),
            key=f"checkin.session_tomorrow:{session.id}",
            now=now,
        )
    return sent


def remind_reflections(now: datetime | None = None) -> int:
    now = now or utcnow()
    days = current_app.config["REMIND_REFLECTION_DAYS_AFTER"]
    window = timedelta(days=days + 1, hours=current_app.config["REMIND_CATCH_UP_HOURS"])
    sessions = db.session.scalars(
        select(StudySession).where(StudySession.ends_at <= now, StudySession.ends_at > now - window)
    ).all()
    sent = 0
    for session in sessions:
        send_at = _send_time(to_local(session.ends_at).date() + timedelta(days=days))
        if not _due(send_at, now):
            continue
        sent += notifications.notify_many(
            reflections.missing_on_session(session),
            _l("请提交 %(topic)s 的学习心得体会", topic=session.topic),
            links.url("checkin.session", session_id=session.id),
            kind="checkin.reflection_missing",
            key=lambda u, s=session: f"checkin.reflection_missing:{s.id}:u{u.id}",
            now=now,
        )
    return sent


def remind_plans_not_filed(now: datetime | None = None) -> int:
    now = now or utcnow()
    today = to_local(now).date()
    due = plans.plan_due_date(today.year)
    if today <= due:
        return 0
    week = (today - due - timedelta(days=1)).days // 7
    if not _due(_send_time(due + timedelta(days=1 + 7 * week)), now):
        return 0
    late = [row.team for row in plans.filing_overview(today.year, now=now) if row.overdue]
    secretaries = notifications.secretaries_of([team.id for team in late])
    sent = 0
    for team in late:
        sent += notifications.notify_many(
            secretaries.get(team.id, []),
            _l(
                "%(team)s 的 %(year)s 年学习计划尚未备案（应于 %(due)s 前备案）",
                team=team.name,
                year=today.year,
                due=due.isoformat(),
            ),
            links.url("checkin.team_plan", team_id=team.id),
            kind="checkin.plan_not_filed",
            key=lambda u, t=team: f"checkin.plan_not_filed:{t.id}:{today.year}w{week}:u{u.id}",
            now=now,
        )
    return sent


def remind_party_lectures(now: datetime | None = None) -> int:
    now = now or utcnow()
    today = to_local(now).date()
    if today.month < LECTURES_FROM_MONTH or not _due(_send_time(today.replace(day=1)), now):
        return 0
    given = select(PartyLecture.user_id).where(
        PartyLecture.given_on >= date(today.year, 1, 1),
        PartyLecture.given_on < date(today.year + 1, 1, 1),
    )
    members = db.session.scalars(
        select(User)
        .join(Team, Team.id == User.team_id)
        .where(Team.kind == "team", Team.active.is_(True), User.active.is_(True))
        .where(User.id.not_in(given))
        .order_by(User.id)
    ).all()
    month = f"{today.year}-{today.month:02d}"
    return notifications.notify_many(
        members,
        _l("您今年尚未讲授党课，每名班子成员每年至少讲一次党课"),
        links.url("checkin.index"),
        kind="checkin.lecture_missing",
        key=lambda u: f"checkin.lecture_missing:{month}:u{u.id}",
        now=now,
    )

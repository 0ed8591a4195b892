"""The courses' reminders, sent through notify (docs/notifications.md has the timings):

- a course assigned → the cadres it reaches (and the assigned team's group robots);
- REMIND_ASSIGNMENT_DAYS_BEFORE (3) days before a required assignment is due, at
  REMIND_DAILY_HOUR (09:00 Shanghai) → its cadres who have not completed the course;
- the day after it was due, at the same hour → those still not done, and a copy listing them
  to the secretary of each of their teams.

Dedupe keys name the assignment, the reminder and the person, so each goes once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_, select

from app.auth.models import Team, User, UserRole
from app.common import links
from app.common.timeutil import SHANGHAI, format_local, to_local, utcnow
from app.courses.models import Assignment, Course, CourseCompletion
from app.extensions import db
from app.notify import services as notifications


def _catch_up() -> timedelta:
    return timedelta(hours=current_app.config["REMIND_CATCH_UP_HOURS"])


def members_query(assignment: Assignment):
    """The active cadres an assignment reaches (as ``policy.audience_clause`` reads it)."""
    query = (
        select(User)
        .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "cadre"))
        .where(User.active.is_(True))
    )
    if assignment.user_id is not None:
        return query.where(User.id == assignment.user_id)
    if assignment.team_id is None and assignment.rank is None:
        return query.where(false())
    if assignment.team_id is not None:
        team = db.session.get(Team, assignment.team_id)
        subtree = select(Team.id).where(Team.path.startswith(team.path))
        query = query.where(User.team_id.in_(subtree))
    if assignment.rank is not None:
        query = query.where(User.rank == assignment.rank)
    return query.order_by(User.id)


def _not_completed(assignment: Assignment):
    """The assignment's cadres who have not completed its course (a query)."""
    done = select(CourseCompletion.user_id).where(
        CourseCompletion.course_id == assignment.course_id
    )
    return members_query(assignment).where(User.id.not_in(done))


def _at_local_hour(day_offset: int, due_at: datetime) -> datetime:
    """REMIND_DAILY_HOUR on the local day ``day_offset`` days from the due day, naive UTC."""
    due_day = to_local(due_at).date() + timedelta(days=day_offset)
    hour = current_app.config["REMIND_DAILY_HOUR"]
    local = datetime.combine(due_day, time(hour), tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def _link(course: Course) -> str:
    return links.url("courses.course", course_slug=course.slug)


def remind_assigned(now: datetime | None = None) -> int:
    now = now or utcnow()
    rows = db.session.scalars(
        select(Assignment)
        .join(Course, Course.id == Assignment.course_id)
        .where(Course.published.is_(True), Assignment.created_at > now - _catch_up())
        .where(Assignment.created_at <= now)
        .where(or_(Assignment.due_at.is_(None), Assignment.due_at > now))
    ).all()
    sent = 0
    for assignment in rows:
        course = assignment.course
        if assignment.due_at is not None:
            message = _l(
                "新的学习任务：课程《%(c)s》，请在 %(d)s 前完成",
                c=course.title,
                d=format_local(assignment.due_at, "%Y-%m-%d"),
            )
        else:
            message = _l("新的学习任务：课程《%(c)s》", c=course.title)
        sent += notifications.notify_audience(
            members_query(assignment),
            message,
            _link(course),
            kind="course.assigned",
            key_prefix=f"course.assigned:{assignment.id}:u",
            now=now,
        )
        if assignment.team_id is not None:
            notifications.notify_team(
                assignment.team_id,
                message,
                _link(course),
                key=f"course.assigned:{assignment.id}",
                now=now,
            )
    return sent


def _required_due(now: datetime, earliest: datetime, latest: datetime) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .join(Course, Course.id == Assignment.course_id)
            .where(
                Course.published.is_(True),
                Assignment.required.is_(True),
                Assignment.due_at.is_not(None),
                Assignment.due_at > earliest,
                Assignment.due_at <= latest,
            )
        )
    )


def remind_due_soon(now: datetime | None = None) -> int:
    now = now or utcnow()
    days = current_app.config["REMIND_ASSIGNMENT_DAYS_BEFORE"]
    sent = 0
    for assignment in _required_due(now, now, now + timedelta(days=days + 1)):
        send_at = _at_local_hour(-days, assignment.due_at)
        # assigned inside the window: the "assigned" notice already says when it is due
        if not (send_at <= now < assignment.due_at) or assignment.created_at > send_at:
            continue
        sent += notifications.notify_audience(
            _not_completed(assignment),
            _l(
                "课程《%(c)s》将于 %(d)s 到期，请尽快完成学习",
                c=assignment.course.title,
                d=format_local(assignment.due_at, "%Y-%m-%d"),
            ),
            _link(assignment.course),
            kind="course.due_soon",
            key_prefix=f"course.due_soon:{assignment.id}:u",
            now=now,
        )
    return sent


def remind_overdue(now: datetime | None = None) -> int:
    now = now or utcnow()
    sent = 0
    for assignment in _required_due(now, now - _catch_up() - timedelta(days=1), now):
        send_at = _at_local_hour(1, assignment.due_at)
        if not (send_at <= now < send_at + _catch_up()):
            continue
        course = assignment.course
        late = list(db.session.scalars(_not_completed(assignment)))
        sent += notifications.notify_many(
            late,
            _l(
                "课程《%(c)s》已于 %(d)s 到期，您尚未完成，请尽快补学",
                c=course.title,
                d=format_local(assignment.due_at, "%Y-%m-%d"),
            ),
            _link(course),
            kind="course.overdue",
            key=lambda u, a=assignment: f"course.overdue:{a.id}:u{u.id}",
            now=now,
        )
        by_team: dict[int, list[User]] = defaultdict(list)
        for user in late:
            if user.team_id is not None:
                by_team[user.team_id].append(user)
        secretaries = notifications.secretaries_of(list(by_team))
        for team_id, users in by_team.items():
            names = "、".join(u.name for u in users[:20]) + ("…" if len(users) > 20 else "")
            for secretary in secretaries.get(team_id, []):
                if secretary.id in {u.id for u in users}:
                    continue  # a late secretary has their own notice
                sent += bool(
                    notifications.notify(
                        secretary,
                        _l(
                            "抄送：课程《%(c)s》已到期，本班子 %(n)d 人未完成：%(names)s",
                            c=course.title,
                            n=len(users),
                            names=names,
                        ),
                        _link(course),
                        now=now,
                        kind="course.overdue_copy",
                        key=f"course.overdue_copy:{assignment.id}:t{team_id}:u{secretary.id}",
                    )
                )
    return sent

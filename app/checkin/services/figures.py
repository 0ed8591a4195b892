"""Centre-group study's figures, which ``app.checkin.figures`` gives the figures registry
(``app.common.figures``): what stats, the study record (学习档案), digests and evaluation
read of this feature.

Team figures cover the team's whole subtree (``Team.path`` prefix) and are computed in SQL,
grouped by the requested team. "Held" sessions are those that started inside the period and
before now. Members are the active users whose team is in the subtree today.

| key | numerator / denominator |
|---|---|
| ``checkin.sessions`` | sessions held / plan items of the period's months |
| ``checkin.leads`` | lead-study (领学) speeches at held sessions (count) |
| ``checkin.lead_members`` | distinct members who led a study (count) |
| ``checkin.report_share`` | members who gave a report-study (述学) / members |
| ``checkin.attendance`` | present marks / (held sessions × the team's members) |
| ``checkin.reflections`` | reflections written / members × the year's quota |
| ``checkin.self_study`` | self-study minutes / members (minutes per member) |
| ``checkin.lectures`` | members with the year's quota of party lectures / members |

Member figures use the same keys for one cadre (``attendance``: present / held sessions of
their team and any they were recorded at; ``reflections`` and ``lectures`` against the quota;
``self_study`` in minutes; ``leads`` and ``reports`` as counts).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, distinct, func, or_, select, true
from sqlalchemy.orm import aliased

from app.auth.models import Team, User
from app.auth.rollup import rollup
from app.checkin.models import (
    Attendance,
    PartyLecture,
    Reflection,
    SelfStudy,
    SessionSpeaker,
    StudyPlan,
    StudyPlanItem,
    StudySession,
)
from app.checkin.services.base import (
    attendance_labels,
    kind_labels,
    local_midnight,
    role_labels,
)
from app.checkin.services.quotas import quota_for
from app.common import links
from app.common.figures import Figure, Period, RecordEntry
from app.common.timeutil import utcnow
from app.extensions import db

KEYS = (
    "checkin.sessions",
    "checkin.leads",
    "checkin.lead_members",
    "checkin.report_share",
    "checkin.attendance",
    "checkin.reflections",
    "checkin.self_study",
    "checkin.lectures",
    "checkin.reports",
)


def _bounds(period: Period, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The period as naive UTC; sessions count as held only once they have started."""
    now = now or utcnow()
    return local_midnight(period.start), min(local_midnight(period.end), now)


def _month_range(period: Period) -> tuple[int, int]:
    last = period.end - timedelta(days=1)
    return period.start.year * 100 + period.start.month, last.year * 100 + last.month


def _grouped(query) -> dict[int, float]:
    return {key: float(value or 0) for key, value in db.session.execute(query)}


def team_figures(
    team_ids: Sequence[int],
    period: Period,
    *,
    now: datetime | None = None,
    rank: str | None = None,
) -> dict[int, list[Figure]]:
    """With ``rank``, the figures of that rank's members only: members, speakers,
    attendance, reflections, self-study and lectures count only them; sessions held and
    planned are the team's whatever the rank."""
    if not team_ids:
        return {}
    start, end = _bounds(period, now)
    top = aliased(Team)
    sub = aliased(Team)
    ids = list(team_ids)

    def subtree(query):
        return query.join(sub, sub.path.startswith(top.path)).where(top.id.in_(ids))

    def of_rank(user_id):
        if not rank:
            return true()
        return user_id.in_(select(User.id).where(User.rank == rank))

    member_join = and_(User.team_id == sub.id, User.active.is_(True), of_rank(User.id))
    held = and_(
        StudySession.team_id == sub.id,
        StudySession.starts_at >= start,
        StudySession.starts_at < end,
    )
    # grouped by the member's own team first, then rolled up (not every member × every team)
    members = _grouped(
        rollup(
            select(User.team_id.label("team_id"), func.count(User.id).label("members"))
            .where(User.active.is_(True), of_rank(User.id))
            .group_by(User.team_id)
            .subquery("per_team"),
            ids,
        )
    )
    sessions_held = _grouped(
        subtree(select(top.id, func.count(StudySession.id)).select_from(top))
        .join(StudySession, held)
        .group_by(top.id)
    )
    first_month, last_month = _month_range(period)
    planned = _grouped(
        subtree(select(top.id, func.count(StudyPlanItem.id)).select_from(top))
        .join(StudyPlan, StudyPlan.team_id == sub.id)
        .join(StudyPlanItem, StudyPlanItem.plan_id == StudyPlan.id)
        .where((StudyPlan.year * 100 + StudyPlanItem.month).between(first_month, last_month))
        .group_by(top.id)
    )
    speakers = {
        key: (float(count or 0), float(people or 0))
        for key, count, people in db.session.execute(
            subtree(
                select(
                    top.id,
                    func.count(SessionSpeaker.id),
                    func.count(distinct(SessionSpeaker.user_id)),
                ).select_from(top)
            )
            .join(StudySession, held)
            .join(
                SessionSpeaker,
                and_(
                    SessionSpeaker.session_id == StudySession.id,
                    SessionSpeaker.role == "lead",
                    of_rank(SessionSpeaker.user_id),
                ),
            )
            .group_by(top.id)
        )
    }
    reporters = _grouped(
        subtree(select(top.id, func.count(distinct(SessionSpeaker.user_id))).select_from(top))
        .join(StudySession, held)
        .join(
            SessionSpeaker,
            and_(
                SessionSpeaker.session_id == StudySession.id,
                SessionSpeaker.role == "report",
                of_rank(SessionSpeaker.user_id),
            ),
        )
        .group_by(top.id)
    )
    expected = _grouped(
        subtree(select(top.id, func.count(User.id)).select_from(top))
        .join(StudySession, held)
        .join(
            User,
            and_(User.team_id == StudySession.team_id, User.active.is_(True), of_rank(User.id)),
        )
        .group_by(top.id)
    )
    present = _grouped(
        subtree(select(top.id, func.count(Attendance.id)).select_from(top))
        .join(StudySession, held)
        .join(
            Attendance,
            and_(
                Attendance.session_id == StudySession.id,
                Attendance.status == "present",
                of_rank(Attendance.user_id),
            ),
        )
        .group_by(top.id)
    )
    period_start, period_end = local_midnight(period.start), local_midnight(period.end)
    reflections = _grouped(
        subtree(select(top.id, func.count(Reflection.id)).select_from(top))
        .join(
            Reflection,
            and_(
                Reflection.team_id == sub.id,
                Reflection.submitted_at >= period_start,
                Reflection.submitted_at < period_end,
                of_rank(Reflection.user_id),
            ),
        )
        .group_by(top.id)
    )
    minutes = _grouped(
        subtree(select(top.id, func.sum(SelfStudy.minutes)).select_from(top))
        .join(User, member_join)
        .join(
            SelfStudy,
            and_(
                SelfStudy.user_id == User.id,
                SelfStudy.studied_on >= period.start,
                SelfStudy.studied_on < period.end,
            ),
        )
        .group_by(top.id)
    )
    quota = quota_for(period.start.year)
    lecture_counts = (
        select(PartyLecture.user_id, func.count(PartyLecture.id).label("n"))
        .where(PartyLecture.given_on >= period.start, PartyLecture.given_on < period.end)
        .group_by(PartyLecture.user_id)
        .subquery()
    )
    if quota.lectures <= 0:
        lecturing = members
    else:
        lecturing = _grouped(
            subtree(select(top.id, func.count(User.id)).select_from(top))
            .join(User, member_join)
            .join(lecture_counts, lecture_counts.c.user_id == User.id)
            .where(lecture_counts.c.n >= quota.lectures)
            .group_by(top.id)
        )
    result: dict[int, list[Figure]] = {}
    for team_id in ids:
        people = members.get(team_id, 0.0)
        leads, lead_people = speakers.get(team_id, (0.0, 0.0))
        result[team_id] = [
            Figure(
                "checkin.sessions",
                _("中心组学习（已开展/计划）"),
                sessions_held.get(team_id, 0.0),
                planned.get(team_id, 0.0),
                "rate",
            ),
            Figure("checkin.leads", _("领学次数"), leads),
            Figure("checkin.lead_members", _("领学人数"), lead_people),
            Figure(
                "checkin.report_share",
                _("述学人员占比"),
                reporters.get(team_id, 0.0),
                people,
                "rate",
            ),
            Figure(
                "checkin.attendance",
                _("中心组学习出勤率"),
                present.get(team_id, 0.0),
                expected.get(team_id, 0.0),
                "rate",
            ),
            Figure(
                "checkin.reflections",
                _("心得体会（已交/应交）"),
                reflections.get(team_id, 0.0),
                people * quota.reflections,
                "rate",
            ),
            Figure(
                "checkin.self_study",
                _("人均自学时长"),
                minutes.get(team_id, 0.0),
                people,
                "minutes",
            ),
            Figure(
                "checkin.lectures",
                _("讲党课达标人员占比"),
                lecturing.get(team_id, 0.0),
                people,
                "rate",
            ),
        ]
    return result


def member_figures(
    user_ids: Sequence[int], period: Period, *, now: datetime | None = None
) -> dict[int, list[Figure]]:
    if not user_ids:
        return {}
    ids = list(user_ids)
    start, end = _bounds(period, now)
    held = and_(StudySession.starts_at >= start, StudySession.starts_at < end)
    team_sessions = _grouped(
        select(User.id, func.count(StudySession.id))
        .join(StudySession, and_(StudySession.team_id == User.team_id, held))
        .where(User.id.in_(ids))
        .group_by(User.id)
    )
    elsewhere = _grouped(
        select(Attendance.user_id, func.count(Attendance.id))
        .join(StudySession, and_(StudySession.id == Attendance.session_id, held))
        .join(User, User.id == Attendance.user_id)
        .where(
            Attendance.user_id.in_(ids),
            or_(User.team_id.is_(None), StudySession.team_id != User.team_id),
        )
        .group_by(Attendance.user_id)
    )
    present = _grouped(
        select(Attendance.user_id, func.count(Attendance.id))
        .join(StudySession, and_(StudySession.id == Attendance.session_id, held))
        .where(Attendance.user_id.in_(ids), Attendance.status == "present")
        .group_by(Attendance.user_id)
    )
    spoke = {
        (user_id, role): float(n)
        for user_id, role, n in db.session.execute(
            select(SessionSpeaker.user_id, SessionSpeaker.role, func.count(SessionSpeaker.id))
            .join(StudySession, and_(StudySession.id == SessionSpeaker.session_id, held))
            .where(SessionSpeaker.user_id.in_(ids))
            .group_by(SessionSpeaker.user_id, SessionSpeaker.role)
        )
    }
    period_start, period_end = local_midnight(period.start), local_midnight(period.end)
    reflections = _grouped(
        select(Reflection.user_id, func.count(Reflection.id))
        .where(
            Reflection.user_id.in_(ids),
            Reflection.submitted_at >= period_start,
            Reflection.submitted_at < period_end,
        )
        .group_by(Reflection.user_id)
    )
    minutes = _grouped(
        select(SelfStudy.user_id, func.sum(SelfStudy.minutes))
        .where(
            SelfStudy.user_id.in_(ids),
            SelfStudy.studied_on >= period.start,
            SelfStudy.studied_on < period.end,
        )
        .group_by(SelfStudy.user_id)
    )
    lectures = _grouped(
        select(PartyLecture.user_id, func.count(PartyLecture.id))
        .where(
            PartyLecture.user_id.in_(ids),
            PartyLecture.given_on >= period.start,
            PartyLecture.given_on < period.end,
        )
        .group_by(PartyLecture.user_id)
    )
    quota = quota_for(period.start.year)
    return {
        user_id: [
            Figure(
                "checkin.attendance",
                _("中心组学习出勤率"),
                present.get(user_id, 0.0),
                team_sessions.get(user_id, 0.0) + elsewhere.get(user_id, 0.0),
                "rate",
            ),
            Figure("checkin.leads", _("领学次数"), spoke.get((user_id, "lead"), 0.0)),
            Figure("checkin.reports", _("述学次数"), spoke.get((user_id, "report"), 0.0)),
            Figure(
                "checkin.reflections",
                _("心得体会（已交/应交）"),
                reflections.get(user_id, 0.0),
                float(quota.reflections),
                "rate",
            ),
            Figure("checkin.self_study", _("自学时长"), minutes.get(user_id, 0.0), unit="minutes"),
            Figure(
                "checkin.lectures",
                _("讲党课（已讲/应讲）"),
                lectures.get(user_id, 0.0),
                float(quota.lectures),
                "rate",
            ),
        ]
        for user_id in ids
    }


def member_record(user_id: int, period: Period) -> list[RecordEntry]:
    """Sessions attended or spoken at (with the roles), reflections, self-study, lectures."""
    start, end = local_midnight(period.start), local_midnight(period.end)
    kinds, roles, statuses = kind_labels(), role_labels(), attendance_labels()
    entries: list[RecordEntry] = []
    rows = db.session.execute(
        select(StudySession, Attendance)
        .outerjoin(
            Attendance,
            and_(Attendance.session_id == StudySession.id, Attendance.user_id == user_id),
        )
        .where(
            StudySession.starts_at >= start,
            StudySession.starts_at < end,
            or_(
                Attendance.id.is_not(None),
                StudySession.id.in_(
                    select(SessionSpeaker.session_id).where(SessionSpeaker.user_id == user_id)
                ),
            ),
        )
        .order_by(StudySession.starts_at)
    ).all()
    spoke: dict[int, list[str]] = {}
    for session_id, role in db.session.execute(
        select(SessionSpeaker.session_id, SessionSpeaker.role).where(
            SessionSpeaker.user_id == user_id,
            SessionSpeaker.session_id.in_([s.id for s, _a in rows] or [-1]),
        )
    ):
        spoke.setdefault(session_id, []).append(role)
    for session, mark in rows:
        their_roles = spoke.get(session.id, [])
        parts = [kinds.get(session.kind, session.kind), session.team.name]
        if mark is not None:
            parts.append(statuses[mark.status] + (_("（迟到）") if mark.late else ""))
        parts += [roles[r] for r in their_roles]
        if session.hours:
            parts.append(_("%(h)s 学时", h=session.hours))
        entries.append(
            RecordEntry(
                "session",
                session.topic,
                session.starts_at,
                " · ".join(parts),
                links.url("checkin.session", session_id=session.id),
                role=their_roles[0] if their_roles else "attendee",
            )
        )
    for reflection in db.session.scalars(
        select(Reflection).where(
            Reflection.user_id == user_id,
            Reflection.submitted_at >= start,
            Reflection.submitted_at < end,
        )
    ):
        about = reflection.session.topic if reflection.session else reflection.material
        entries.append(
            RecordEntry(
                "reflection",
                reflection.title,
                reflection.submitted_at,
                _("心得体会：%(a)s", a=about),
                links.url("checkin.reflection", reflection_id=reflection.id),
            )
        )
    for study in db.session.scalars(
        select(SelfStudy).where(
            SelfStudy.user_id == user_id,
            SelfStudy.studied_on >= period.start,
            SelfStudy.studied_on < period.end,
        )
    ):
        entries.append(
            RecordEntry(
                "self_study",
                study.material_title,
                study.studied_on,
                _("自学 %(n)d 分钟", n=study.minutes),
                study.url,
            )
        )
    for lecture in db.session.scalars(
        select(PartyLecture).where(
            PartyLecture.user_id == user_id,
            PartyLecture.given_on >= period.start,
            PartyLecture.given_on < period.end,
        )
    ):
        entries.append(
            RecordEntry(
                "lecture",
                lecture.topic,
                lecture.given_on,
                _("讲党课：%(b)s，听课 %(n)d 人", b=lecture.branch, n=lecture.audience),
            )
        )
    return entries

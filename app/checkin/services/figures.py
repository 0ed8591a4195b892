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
from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    and_,
    distinct,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
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
from app.checkin.services.quotas import Quota, quota_for
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


def _spans(periods: Sequence[Period], now: datetime, quotas: dict[int, Quota]):
    """SQL rows, one per period: its index, its bounds as naive UTC (``held_ends`` clipped to
    now: a session counts as held once it has started), its dates, its plan months and the
    quotas of its year, so that every figure of every period comes from one grouped query."""
    rows = []
    for index, period in enumerate(periods):
        start, held_end = _bounds(period, now)
        first_month, last_month = _month_range(period)
        quota = quotas[period.start.year]
        rows.append(
            select(
                literal(index, Integer).label("idx"),
                literal(start, DateTime).label("starts"),
                literal(held_end, DateTime).label("held_ends"),
                literal(local_midnight(period.end), DateTime).label("ends"),
                literal(period.start, Date).label("first_day"),
                literal(period.end, Date).label("end_day"),
                literal(first_month, Integer).label("first_month"),
                literal(last_month, Integer).label("last_month"),
                literal(quota.lectures, Integer).label("lectures"),
            )
        )
    return union_all(*rows).subquery("spans")


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
    return team_figures_periods(team_ids, [period], now=now, rank=rank)[0]


def team_figures_periods(
    team_ids: Sequence[int],
    periods: Sequence[Period],
    *,
    now: datetime | None = None,
    rank: str | None = None,
) -> list[dict[int, list[Figure]]]:
    """``team_figures`` for several periods (a trend by month): each figure is one query
    grouped by period and team, whatever the number of periods."""
    if not team_ids or not periods:
        return [{} for _ in periods]
    now = now or utcnow()
    quotas = {year: quota_for(year) for year in {p.start.year for p in periods}}
    spans = _spans(periods, now, quotas)
    ids = list(team_ids)
    paths = db.session.scalars(select(Team.path).where(Team.id.in_(ids))).all()
    # the requested subtrees' teams, so that each query reads only their rows
    inside = select(Team.id).where(or_(false(), *(Team.path.startswith(p) for p in paths)))

    def of_rank(user_id):
        if not rank:
            return true()
        return user_id.in_(select(User.id).where(User.rank == rank))

    def rolled(team_column, *amounts, where=()) -> dict[tuple[int, int], float]:
        """Amounts grouped by period and the rows' own team first, then summed up each
        requested subtree (``rollup``): hundreds of teams matched by path, not every row."""
        per_team = (
            select(spans.c.idx.label("idx"), team_column.label("team_id"), *amounts)
            .where(team_column.in_(inside), *where)
            .group_by(spans.c.idx, team_column)
            .subquery("per_team")
        )
        return {
            (idx, team_id): float(value or 0)
            for idx, team_id, value in db.session.execute(rollup(per_team, ids, by=("idx",)))
        }

    def distinct_people(role: str) -> dict[tuple[int, int], float]:
        """Distinct speakers of ``role`` at the subtree's held sessions: people are not
        summed up the tree (one person may speak in two of its teams), so the distinct
        (period, team, person) rows are matched to the requested teams instead."""
        people = (
            select(
                spans.c.idx.label("idx"),
                StudySession.team_id.label("team_id"),
                SessionSpeaker.user_id.label("user_id"),
            )
            .join(StudySession, held)
            .join(SessionSpeaker, speaking(role))
            .where(StudySession.team_id.in_(inside))
            .distinct()
            .subquery("people")
        )
        own, target = aliased(Team), aliased(Team)
        # (team, requested team holding it): hundreds of pairs, matched by path once
        reach = (
            select(own.id.label("own_id"), target.id.label("target_id"))
            .join(target, own.path.startswith(target.path))
            .where(target.id.in_(ids), own.id.in_(inside))
            .distinct()  # SQLite: kept as its own small table, not flattened into the join
            .subquery("reach")
        )
        return {
            (idx, team_id): float(count or 0)
            for idx, team_id, count in db.session.execute(
                select(people.c.idx, reach.c.target_id, func.count(distinct(people.c.user_id)))
                .join(reach, reach.c.own_id == people.c.team_id)
                .group_by(people.c.idx, reach.c.target_id)
            )
        }

    member = and_(User.active.is_(True), of_rank(User.id))
    held = and_(
        StudySession.starts_at >= spans.c.starts, StudySession.starts_at < spans.c.held_ends
    )

    def speaking(role: str):
        return and_(
            SessionSpeaker.session_id == StudySession.id,
            SessionSpeaker.role == role,
            of_rank(SessionSpeaker.user_id),
        )

    # today's members, the same for every period
    members = _grouped(
        rollup(
            select(User.team_id.label("team_id"), func.count(User.id).label("members"))
            .where(member)
            .group_by(User.team_id)
            .subquery("per_team"),
            ids,
        )
    )
    sessions_held = rolled(StudySession.team_id, func.count(StudySession.id), where=[held])
    planned = rolled(
        StudyPlan.team_id,
        func.count(StudyPlanItem.id),
        where=[
            StudyPlanItem.plan_id == StudyPlan.id,
            (StudyPlan.year * 100 + StudyPlanItem.month).between(
                spans.c.first_month, spans.c.last_month
            ),
        ],
    )
    leads = rolled(
        StudySession.team_id,
        func.count(SessionSpeaker.id),
        where=[held, speaking("lead")],
    )
    lead_people = distinct_people("lead")
    reporters = distinct_people("report")
    # each held session expects the members of its team
    team_members = (
        select(User.team_id.label("team_id"), func.count(User.id).label("n"))
        .where(member)
        .group_by(User.team_id)
        .subquery("team_members")
    )
    expected = rolled(
        StudySession.team_id,
        func.sum(team_members.c.n),
        where=[held, team_members.c.team_id == StudySession.team_id],
    )
    present = rolled(
        StudySession.team_id,
        func.count(Attendance.id),
        where=[
            held,
            Attendance.session_id == StudySession.id,
            Attendance.status == "present",
            of_rank(Attendance.user_id),
        ],
    )
    reflections = rolled(
        Reflection.team_id,
        func.count(Reflection.id),
        where=[
            Reflection.submitted_at >= spans.c.starts,
            Reflection.submitted_at < spans.c.ends,
            of_rank(Reflection.user_id),
        ],
    )
    minutes = rolled(
        User.team_id,
        func.sum(SelfStudy.minutes),
        where=[
            member,
            SelfStudy.user_id == User.id,
            SelfStudy.studied_on >= spans.c.first_day,
            SelfStudy.studied_on < spans.c.end_day,
        ],
    )
    lecture_counts = (
        select(
            spans.c.idx.label("idx"),
            PartyLecture.user_id.label("user_id"),
            func.count(PartyLecture.id).label("n"),
        )
        .join(
            spans,
            and_(
                PartyLecture.given_on >= spans.c.first_day,
                PartyLecture.given_on < spans.c.end_day,
            ),
        )
        .group_by(spans.c.idx, PartyLecture.user_id)
        .subquery("lecture_counts")
    )
    lecturing = rolled(
        User.team_id,
        func.count(User.id),
        where=[
            member,
            lecture_counts.c.user_id == User.id,
            lecture_counts.c.idx == spans.c.idx,
            lecture_counts.c.n >= spans.c.lectures,
        ],
    )
    labels = {
        "checkin.sessions": _("中心组学习（已开展/计划）"),
        "checkin.leads": _("领学次数"),
        "checkin.lead_members": _("领学人数"),
        "checkin.report_share": _("述学人员占比"),
        "checkin.attendance": _("中心组学习出勤率"),
        "checkin.reflections": _("心得体会（已交/应交）"),
        "checkin.self_study": _("人均自学时长"),
        "checkin.lectures": _("讲党课达标人员占比"),
    }  # translated once, not once per team and period
    results: list[dict[int, list[Figure]]] = []
    for idx, period in enumerate(periods):
        quota = quotas[period.start.year]
        result: dict[int, list[Figure]] = {}
        for team_id in ids:
            key = (idx, team_id)
            people = members.get(team_id, 0.0)
            result[team_id] = [
                Figure(
                    "checkin.sessions",
                    labels["checkin.sessions"],
                    sessions_held.get(key, 0.0),
                    planned.get(key, 0.0),
                    "rate",
                ),
                Figure("checkin.leads", labels["checkin.leads"], leads.get(key, 0.0)),
                Figure(
                    "checkin.lead_members",
                    labels["checkin.lead_members"],
                    lead_people.get(key, 0.0),
                ),
                Figure(
                    "checkin.report_share",
                    labels["checkin.report_share"],
                    reporters.get(key, 0.0),
                    people,
                    "rate",
                ),
                Figure(
                    "checkin.attendance",
                    labels["checkin.attendance"],
                    present.get(key, 0.0),
                    expected.get(key, 0.0),
                    "rate",
                ),
                Figure(
                    "checkin.reflections",
                    labels["checkin.reflections"],
                    reflections.get(key, 0.0),
                    people * quota.reflections,
                    "rate",
                ),
                Figure(
                    "checkin.self_study",
                    labels["checkin.self_study"],
                    minutes.get(key, 0.0),
                    people,
                    "minutes",
                ),
                Figure(
                    "checkin.lectures",
                    labels["checkin.lectures"],
                    people if quota.lectures <= 0 else lecturing.get(key, 0.0),
                    people,
                    "rate",
                ),
            ]
        results.append(result)
    return results


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
    labels = {
        "checkin.attendance": _("中心组学习出勤率"),
        "checkin.leads": _("领学次数"),
        "checkin.reports": _("述学次数"),
        "checkin.reflections": _("心得体会（已交/应交）"),
        "checkin.self_study": _("自学时长"),
        "checkin.lectures": _("讲党课（已讲/应讲）"),
    }  # translated once, not once per member
    quota = quota_for(period.start.year)
    return {
        user_id: [
            Figure(
                "checkin.attendance",
                labels["checkin.attendance"],
                present.get(user_id, 0.0),
                team_sessions.get(user_id, 0.0) + elsewhere.get(user_id, 0.0),
                "rate",
            ),
            Figure("checkin.leads", labels["checkin.leads"], spoke.get((user_id, "lead"), 0.0)),
            Figure(
                "checkin.reports", labels["checkin.reports"], spoke.get((user_id, "report"), 0.0)
            ),
            Figure(
                "checkin.reflections",
                labels["checkin.reflections"],
                reflections.get(user_id, 0.0),
                float(quota.reflections),
                "rate",
            ),
            Figure(
                "checkin.self_study",
                labels["checkin.self_study"],
                minutes.get(user_id, 0.0),
                unit="minutes",
            ),
            Figure(
                "checkin.lectures",
                labels["checkin.lectures"],
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

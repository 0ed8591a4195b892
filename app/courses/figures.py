"""The courses feature's figures for statistics and the study record (app/common/figures.py).

A *required pair* is a cadre and a published course that a required assignment in force before
the period's end puts on them (named, through a team of their subtree's ancestors with an
optional rank, or by rank alone), with the earliest due date among those assignments.

- ``courses.completion``: required pairs completed before the period's end / required pairs;
- ``courses.on_time``: pairs due within the period completed by their due time / pairs due
  within the period (必修课程按期完成率).

Everything is one grouped SQL query over the team tree's path prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from app.auth.models import Team, User
from app.auth.rollup import rollup
from app.common.figures import (
    Figure,
    FigureProvider,
    Period,
    RecordEntry,
    periods_table,
    record_url,
)
from app.courses.models import Assignment, Course, CourseCompletion
from app.extensions import db

KEYS = ("courses.completion", "courses.on_time")


def _required_pairs(spans, *, team_paths: Sequence[str] = (), user_ids=(), rank: str = ""):
    """(idx, user_id, path of the user's team, course_id, due_at) for each required pair in
    force before the end of period ``idx``."""
    member_team = aliased(Team)
    reach_team = aliased(Team)
    no_rank = or_(Assignment.rank.is_(None), Assignment.rank == "")
    covers = or_(
        Assignment.user_id == User.id,
        and_(
            Assignment.user_id.is_(None),
            Assignment.team_id.is_not(None),
            member_team.path.startswith(reach_team.path),
            or_(no_rank, Assignment.rank == User.rank),
        ),
        and_(
            Assignment.user_id.is_(None),
            Assignment.team_id.is_(None),
            Assignment.rank == User.rank,
        ),
    )
    query = (
        select(
            spans.c.idx.label("idx"),
            spans.c.starts.label("starts"),
            spans.c.ends.label("ends"),
            User.id.label("user_id"),
            User.team_id.label("team_id"),
            member_team.path.label("path"),
            Assignment.course_id.label("course_id"),
            func.min(Assignment.due_at).label("due_at"),
        )
        .select_from(User)
        .join(member_team, User.team_id == member_team.id)
        .join(spans, spans.c.idx >= 0)
        .join(Assignment, Assignment.created_at < spans.c.ends)  # ``covers`` filters
        .outerjoin(reach_team, Assignment.team_id == reach_team.id)
        .join(Course, and_(Course.id == Assignment.course_id, Course.published.is_(True)))
        .where(covers, User.active.is_(True), Assignment.required.is_(True))
        .group_by(
            spans.c.idx,
            spans.c.starts,
            spans.c.ends,
            User.id,
            User.team_id,
            member_team.path,
            Assignment.course_id,
        )
    )
    if team_paths:
        # members of the subtrees only: users by their team's index, not a scan
        subtrees = select(Team.id).where(or_(*(Team.path.startswith(p) for p in team_paths)))
        query = query.where(User.team_id.in_(subtrees))
    if user_ids:
        query = query.where(User.id.in_(list(user_ids)))
    if rank:
        query = query.where(User.rank == rank)
    return query.subquery()


def _counts(pairs):
    done = CourseCompletion
    completed = and_(done.id.is_not(None), done.completed_at < pairs.c.ends)
    due_in_period = and_(pairs.c.due_at >= pairs.c.starts, pairs.c.due_at < pairs.c.ends)
    return (
        func.count().label("pairs"),
        func.sum(case((completed, 1), else_=0)).label("completed"),
        func.sum(case((due_in_period, 1), else_=0)).label("due"),
        func.sum(
            case((and_(due_in_period, completed, done.completed_at <= pairs.c.due_at), 1), else_=0)
        ).label("on_time"),
    )


def _labels() -> tuple[str, str]:
    """Translated once per answer, not once per member."""
    return _("必修课程完成率"), _("必修课程按期完成率")


def _figures(row, labels: tuple[str, str]) -> list[Figure]:
    pairs, completed, due, on_time = (float(v or 0) for v in row)
    return [
        Figure("courses.completion", labels[0], completed, pairs, "rate"),
        Figure("courses.on_time", labels[1], on_time, due, "rate"),
    ]


def _completions(query, pairs):
    return query.outerjoin(
        CourseCompletion,
        and_(
            CourseCompletion.user_id == pairs.c.user_id,
            CourseCompletion.course_id == pairs.c.course_id,
        ),
    )


def _by_period(rows, ids: Sequence[int], count: int) -> list[dict[int, list[Figure]]]:
    labels = _labels()
    result = [{i: _figures((0, 0, 0, 0), labels) for i in ids} for _ in range(count)]
    for row in rows:
        result[row[0]][row[1]] = _figures(row[2:], labels)
    return result


def team_figures_periods(
    team_ids: Sequence[int], periods: Sequence[Period], *, rank: str = ""
) -> list[dict[int, list[Figure]]]:
    """``team_figures`` for several periods (a trend by month) in one query; with ``rank``,
    over the members of that rank only."""
    teams = db.session.scalars(select(Team).where(Team.id.in_(list(team_ids)))).all()
    if not teams or not periods:
        return [{} for _ in periods]
    pairs = _required_pairs(periods_table(periods), team_paths=[t.path for t in teams], rank=rank)
    # totals per member's own team first, then summed up each requested subtree
    query = select(pairs.c.idx, pairs.c.team_id, *_counts(pairs)).select_from(pairs)
    per_team = (
        _completions(query, pairs).group_by(pairs.c.idx, pairs.c.team_id).subquery("per_team")
    )
    rows = db.session.execute(rollup(per_team, [t.id for t in teams], by=("idx",))).all()
    return _by_period(rows, [t.id for t in teams], len(periods))


def team_figures(team_ids: Sequence[int], period: Period) -> dict[int, list[Figure]]:
    return team_figures_periods(team_ids, [period])[0]


def ranked_team_figures(
    team_ids: Sequence[int], period: Period, rank: str
) -> dict[int, list[Figure]]:
    return team_figures_periods(team_ids, [period], rank=rank)[0]


def member_figures(user_ids: Sequence[int], period: Period) -> dict[int, list[Figure]]:
    if not user_ids:
        return {}
    pairs = _required_pairs(periods_table([period]), user_ids=user_ids)
    query = select(pairs.c.idx, pairs.c.user_id, *_counts(pairs)).select_from(pairs)
    rows = db.session.execute(
        _completions(query, pairs).group_by(pairs.c.idx, pairs.c.user_id)
    ).all()
    return _by_period(rows, list(user_ids), 1)[0]


def member_record(user_id: int, period: Period) -> list[RecordEntry]:
    """The courses the cadre completed within the period, with the hours credited."""
    start, end = period.utc_bounds()
    rows = db.session.execute(
        select(CourseCompletion, Course)
        .join(Course, Course.id == CourseCompletion.course_id)
        .where(
            CourseCompletion.user_id == user_id,
            CourseCompletion.completed_at >= start,
            CourseCompletion.completed_at < end,
        )
        .order_by(CourseCompletion.completed_at)
    ).all()
    return [
        RecordEntry(
            kind="course",
            title=course.title,
            when=done.completed_at,
            detail=_("完成课程，%(h)s 学时", h=_hours(done.hours)),
            url=record_url("courses.course", course_slug=course.slug),
        )
        for done, course in rows
    ]


def _hours(value: Decimal | None) -> str:
    return f"{Decimal(value or 0).normalize():f}"


PROVIDER = FigureProvider(
    name="courses",
    team_figures=team_figures,
    member_figures=member_figures,
    member_record=member_record,
    team_figures_periods=team_figures_periods,
    ranked_team_figures=ranked_team_figures,
    order=10,
    keys=KEYS,
)

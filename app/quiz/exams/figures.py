"""The exams feature's figures for statistics and the study record (app/common/figures.py).

Counted exams: level tests and exams (not practice or daily quizzes), published or closed, whose
window overlaps the period. An *audience pair* is an active cadre and a counted exam whose
audience names them (their team's ancestors, their rank, or them). Scores count only once the
exam's score policy releases them (at submit, after the close, never) — the same rule as the
cadre's result page, so a figure never shows what a cadre may not yet see.

- ``exams.participation``: pairs with a submitted attempt / audience pairs;
- ``exams.average``: the mean of each pair's best released score, in percent of the paper;
- ``exams.pass_rate``: pairs passed / pairs with a released score (exams with a pass mark).

Everything is grouped SQL over the team tree's path prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, or_, select
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
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.exams.models import Attempt, Exam, ExamAudience

KEYS = ("exams.participation", "exams.average", "exams.pass_rate")
COUNTED_KINDS = ("level_test", "exam")


def score_released(now: datetime):
    """SQL over ``Attempt`` joined to ``Exam``: its score is out under the exam's policy."""
    return and_(
        Attempt.status == "submitted",
        Attempt.score.is_not(None),
        or_(
            Exam.score_policy == "at_submit",
            and_(
                Exam.score_policy == "after_close",
                or_(Exam.status == "closed", Exam.closes_at <= now),
            ),
        ),
    )


def audience_match(member_team, user=User):
    """SQL: ``Exam``'s audience names ``user`` (whose team is ``member_team``)."""
    reach_team = aliased(Team)
    return exists(
        select(ExamAudience.id)
        .outerjoin(reach_team, ExamAudience.team_id == reach_team.id)
        .where(
            ExamAudience.exam_id == Exam.id,
            or_(
                and_(ExamAudience.kind == "team", member_team.path.startswith(reach_team.path)),
                and_(ExamAudience.kind == "rank", ExamAudience.rank == user.rank),
                and_(ExamAudience.kind == "user", ExamAudience.user_id == user.id),
            ),
        )
    )


def _pair_rows(spans, group_column, member_team):
    """One row per (period, group, user, exam) audience pair with that pair's attempts
    folded: joined straight to ``Attempt`` through its (exam, user, number) index."""
    released = score_released(utcnow())
    percent = Attempt.score * 100 / func.nullif(Attempt.max_score, 0)
    counted = and_(
        Exam.kind.in_(COUNTED_KINDS),
        Exam.status.in_(("published", "closed")),
        Exam.opens_at < spans.c.ends,
        Exam.closes_at >= spans.c.starts,
    )
    return (
        select(
            spans.c.idx.label("idx"),
            group_column.label("group_id"),
            func.max(case((Attempt.status == "submitted", 1), else_=0)).label("submitted"),
            func.max(case((released, 1), else_=0)).label("released"),
            func.max(case((and_(released, Exam.pass_mark.is_not(None)), 1), else_=0)).label(
                "marked"
            ),
            func.max(case((and_(released, Attempt.passed.is_(True)), 1), else_=0)).label("passed"),
            func.max(case((released, percent), else_=None)).label("percent"),
        )
        .select_from(User)
        .join(member_team, User.team_id == member_team.id)
        .join(spans, spans.c.idx >= 0)
        .join(Exam, and_(counted, audience_match(member_team)))
        .outerjoin(Attempt, and_(Attempt.exam_id == Exam.id, Attempt.user_id == User.id))
        .where(User.active.is_(True))
        .group_by(spans.c.idx, group_column, User.id, Exam.id)
    )


def _totals(pairs, group: str = "group_id"):
    """Pairs, submitted, released, percent sum, marked, passed per (period, group)."""
    pairs = pairs.subquery()
    return select(
        pairs.c.idx,
        pairs.c.group_id.label(group),
        func.count().label("pairs"),
        func.coalesce(func.sum(pairs.c.submitted), 0).label("submitted"),
        func.coalesce(func.sum(pairs.c.released), 0).label("released"),
        func.coalesce(func.sum(pairs.c.percent), 0).label("percent"),
        func.coalesce(func.sum(pairs.c.marked), 0).label("marked"),
        func.coalesce(func.sum(pairs.c.passed), 0).label("passed"),
    ).group_by(pairs.c.idx, pairs.c.group_id)


def _labels() -> tuple[str, str, str]:
    """Translated once per answer, not once per member."""
    return _("考试参与率"), _("考试平均分（百分制）"), _("考试合格率")


def _figures(row, labels: tuple[str, str, str]) -> list[Figure]:
    pairs, submitted, released, percent_sum, marked, passed = (float(v or 0) for v in row)
    participation, average, pass_rate = labels
    return [
        Figure("exams.participation", participation, submitted, pairs, "rate"),
        Figure("exams.average", average, percent_sum, released, "score"),
        Figure("exams.pass_rate", pass_rate, passed, marked, "rate"),
    ]


def _by_period(rows, ids: Sequence[int], count: int) -> list[dict[int, list[Figure]]]:
    labels = _labels()
    result = [{i: _figures((0,) * 6, labels) for i in ids} for _ in range(count)]
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
    member_team = aliased(Team)
    pairs = _pair_rows(periods_table(periods), User.team_id, member_team).where(
        # members of the subtrees only: users by their team's index, not a scan
        User.team_id.in_(
            select(Team.id).where(or_(*(Team.path.startswith(t.path) for t in teams)))
        ),
    )
    if rank:
        pairs = pairs.where(User.rank == rank)
    # totals per member's own team first, then summed up each requested subtree
    per_team = _totals(pairs, "team_id").subquery("per_team")
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
    member_team = aliased(Team)
    pairs = _pair_rows(periods_table([period]), User.id, member_team).where(
        User.id.in_(list(user_ids))
    )
    rows = db.session.execute(_totals(pairs)).all()
    return _by_period(rows, list(user_ids), 1)[0]


def member_record(user_id: int, period: Period) -> list[RecordEntry]:
    """The cadre's submitted attempts in the period; the score only where the exam's score
    policy lets the cadre see it."""
    start, end = period.utc_bounds()
    now = utcnow()
    rows = db.session.execute(
        select(Attempt, Exam, score_released(now))
        .join(Exam, Exam.id == Attempt.exam_id)
        .where(
            Attempt.user_id == user_id,
            Attempt.status == "submitted",
            Attempt.submitted_at >= start,
            Attempt.submitted_at < end,
        )
        .order_by(Attempt.submitted_at)
    ).all()
    entries = []
    for attempt, exam, released in rows:
        if released:
            detail = _("得分 %(s)s / %(m)s", s=_num(attempt.score), m=_num(attempt.max_score))
            if attempt.passed is not None:
                detail += "，" + (_("合格") if attempt.passed else _("不合格"))
        else:
            detail = _("已交卷，成绩尚未公布")
        entries.append(
            RecordEntry(
                kind="exam",
                title=exam.title,
                when=attempt.submitted_at,
                detail=detail,
                url=record_url("quiz.attempt_result", attempt_id=attempt.id),
            )
        )
    return entries


def _num(value) -> str:
    text = f"{float(value or 0):.2f}".rstrip("0").rstrip(".")
    return text or "0"


PROVIDER = FigureProvider(
    name="exams",
    team_figures=team_figures,
    member_figures=member_figures,
    member_record=member_record,
    team_figures_periods=team_figures_periods,
    ranked_team_figures=ranked_team_figures,
    order=20,
    keys=KEYS,
)

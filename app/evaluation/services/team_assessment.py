"""领导班子政治功能研判: one team's subjects in a round with their results and ballot counts,
rolled up. Three grouped reads (the dimensions; the subjects with their names; the ballots'
grades) and no per-member query: the page and the export only print what this returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select

from app.auth.models import Team, User
from app.evaluation.models import Dimension, Evaluation, EvaluationRound
from app.evaluation.services import ballots
from app.extensions import db


@dataclass
class TeamRow:
    """One subject: the team itself (``kind`` "team") or a member."""

    id: int
    kind: str
    name: str
    published_at: datetime | None
    dimension_scores: dict
    total: int | None
    grade: str
    veto: bool
    scores: list  # the dimension scores in the dimensions' order; None where there is none
    summary: ballots.Summary
    good_rate: float | None  # 好 and 较好 as a percentage; None until results may show


@dataclass
class TeamAssessment:
    round: EvaluationRound
    team: Team
    dimensions: list[tuple[int, str]]  # (id, name) in the framework's order
    rows: list[TeamRow]
    rollup: dict
    dimension_averages: list  # the rollup's averages in the dimensions' order


# Built once: constructing a statement costs about as much as running it on a team of ten.
_SUBJECTS = (
    select(
        Evaluation.id,
        Evaluation.kind,
        User.name,
        Evaluation.published_at,
        Evaluation.dimension_scores,
        Evaluation.total,
        Evaluation.grade,
        Evaluation.veto,
    )
    .outerjoin(User, User.id == Evaluation.user_id)
    .where(Evaluation.round_id == bindparam("round_id"), Evaluation.team_id == bindparam("team_id"))
    .order_by(Evaluation.kind.desc(), Evaluation.id)
)
_DIMENSIONS = (
    select(Dimension.id, Dimension.name)
    .where(Dimension.framework_id == bindparam("framework_id"))
    .order_by(Dimension.sort_order, Dimension.id)
)


def assess_team(
    round_: EvaluationRound, team: Team, today: date | None = None
) -> TeamAssessment | None:
    """None when the team has no subject in the round."""
    subjects = db.session.execute(_SUBJECTS, {"round_id": round_.id, "team_id": team.id}).all()
    if not subjects:
        return None
    dimensions = [
        (d.id, d.name)
        for d in db.session.execute(_DIMENSIONS, {"framework_id": round_.framework_id})
    ]
    dim_ids = [d for d, _name in dimensions]
    summaries = ballots.tally(
        [
            (s.id, round_.min_ballots, not ballots.over_for(round_, s.published_at, today))
            for s in subjects
        ],
        comments=False,
    )
    rows = []
    for s in subjects:
        scores = s.dimension_scores or {}
        summary = summaries[s.id]
        rows.append(
            TeamRow(
                id=s.id,
                kind=s.kind,
                name=s.name if s.kind == "cadre" else team.name,
                published_at=s.published_at,
                dimension_scores=scores,
                total=s.total,
                grade=s.grade,
                veto=s.veto,
                scores=[scores.get(str(d)) for d in dim_ids],
                summary=summary,
                good_rate=summary.overall_good_rate(dim_ids),
            )
        )
    rollup = team_rollup(rows)
    return TeamAssessment(
        round_,
        team,
        dimensions,
        rows,
        rollup,
        [rollup["dimension_avg"].get(d) for d in dim_ids],
    )


def team_rollup(members: list) -> dict:
    """Averages per dimension and total, grades counted, vetoes — over the published members
    (anything with ``kind``, ``published_at``, ``dimension_scores``, ``grade``, ``total``,
    ``veto``)."""
    done = [e for e in members if e.kind == "cadre" and e.published_at is not None]
    dims: dict[str, list[int]] = {}
    for e in done:
        for dim_id, value in e.dimension_scores.items():
            dims.setdefault(dim_id, []).append(value)
    grades: dict[str, int] = {}
    for e in done:
        grades[e.grade] = grades.get(e.grade, 0) + 1
    totals = [e.total for e in done if e.total is not None]
    return {
        "published": len(done),
        "members": sum(1 for e in members if e.kind == "cadre"),
        "dimension_avg": {int(k): round(sum(v) / len(v), 1) for k, v in dims.items()},
        "total_avg": round(sum(totals) / len(totals), 1) if totals else None,
        "grades": grades,
        "vetoes": sum(1 for e in done if e.veto),
    }

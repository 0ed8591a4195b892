"""Figures rolled up the team tree in SQL: rows already grouped by each member's own team are
summed into every requested team's subtree (its ``Team.path`` prefix).

Group first, then roll up: a grouped query over the members gives at most one row per team
(and period), so the path-prefix join compares hundreds of teams with the requested ones
instead of every member with each of them (10,000 cadres × 50 units was 500,000 ``LIKE``
tests per query; 501 teams × 50 units is 25,000)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, Subquery, func, select
from sqlalchemy.orm import aliased

from app.auth.models import Team


def rollup(per_team: Subquery, team_ids: Sequence[int], by: Sequence[str] = ()) -> Select:
    """``per_team`` has a ``team_id`` column (the members' own team), the grouping columns
    named in ``by`` (a period index …) and amounts; the result is ``(*by, team_id, sum of
    each amount)`` for each requested team with any row in its subtree. PostgreSQL sums
    integers as ``numeric``: callers convert (``int``/``float``) before storing or showing."""
    own, target = aliased(Team), aliased(Team)
    keys = [per_team.c[name] for name in by]
    amounts = [c for c in per_team.c if c.name not in ("team_id", *by)]
    return (
        select(*keys, target.id, *(func.coalesce(func.sum(c), 0) for c in amounts))
        .select_from(per_team)
        .join(own, own.id == per_team.c.team_id)
        .join(target, own.path.startswith(target.path))
        .where(target.id.in_(list(team_ids)))
        .group_by(*keys, target.id)
    )

"""Team rosters and (later) study results by team."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import Team, User
from app.extensions import db


def team_roster(team: Team, *, include_inactive: bool = False) -> list[User]:
    """The members of ``team`` and its subtree, by team then name."""
    query = select(User).join(Team, User.team_id == Team.id).where(Team.path.startswith(team.path))
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query.order_by(Team.path, User.name)))


def comparable_units() -> list[Team]:
    """The teams an administrator compares side by side: the active units (单位), or, in a
    tree without any, the active teams just under the roots."""
    units = list(
        db.session.scalars(
            select(Team).where(Team.active.is_(True), Team.kind == "unit").order_by(Team.path)
        )
    )
    if units:
        return units
    roots = select(Team.id).where(Team.parent_id.is_(None))
    return list(
        db.session.scalars(
            select(Team).where(Team.active.is_(True), Team.parent_id.in_(roots)).order_by(Team.path)
        )
    )

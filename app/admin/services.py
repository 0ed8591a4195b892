"""Administration: what the admin pages do beyond one account rule. Composes the account
services of ``app.auth.services`` (which hold the rules); takes plain values, raises
``DomainError``, flushes but never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.auth import services as accounts
from app.auth.models import Team, User, UserRole
from app.common import audit
from app.common.timeutil import SHANGHAI
from app.extensions import db

# ------------------------------------------------------------------ users


def search_users(
    *,
    q: str = "",
    team: Team | None = None,
    role: str = "",
    rank: str = "",
    active: bool | None = None,
) -> Select:
    """Users matching the list page's filters, by login name; ``team`` includes its subtree."""
    query = select(User).options(selectinload(User.team)).order_by(User.username)
    q = (q or "").strip().lower()
    if q:
        query = query.where(
            func.lower(User.username).contains(q, autoescape=True)
            | func.lower(User.name).contains(q, autoescape=True)
        )
    if team is not None:
        query = query.where(User.team_id.in_(team.subtree_ids_query()))
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if rank:
        query = query.where(User.rank == rank)
    if active is not None:
        query = query.where(User.active.is_(active))
    return query


def create_account(
    actor: User | None,
    *,
    username: str,
    name: str,
    password: str = "",
    rank: str = "other",
    team: Team | None = None,
    email: str = "",
    phone: str = "",
    roles: list[str] | tuple[str, ...] = ("cadre",),
    secretary_teams: list[Team] | tuple[Team, ...] = (),
    must_change_password: bool = True,
) -> tuple[User, str | None]:
    """A new account, by default made to change its password at first login. Without
    ``password`` one is generated and returned (shown once to the admin), else None."""
    generated = None
    if not password:
        generated = password = accounts.generate_initial_password(
            accounts.validate_username(username)
        )
    user = accounts.create_user(
        actor,
        username=username,
        name=name,
        password=password,
        rank=rank,
        team=team,
        email=email,
        phone=phone,
        roles=roles,
        secretary_teams=secretary_teams,
        must_change_password=must_change_password,
    )
    return user, generated


def save_account(
    actor: User | None,
    user: User,
    *,
    name: str,
    rank: str,
    team: Team | None,
    email: str,
    phone: str,
    roles: list[str] | tuple[str, ...],
    secretary_teams: list[Team] | tuple[Team, ...],
    active: bool,
) -> None:
    """The edit page: profile, team, roles and scopes, active flag. On DomainError the
    caller rolls back, so a half-applied edit never commits."""
    accounts.set_active(actor, user, active)
    accounts.update_user(actor, user, name=name, rank=rank, team=team, email=email, phone=phone)
    accounts.set_roles(actor, user, roles, secretary_teams)


def reset_account_password(actor: User | None, user: User, password: str = "") -> str | None:
    """Set ``password`` (or a generated one, returned) and force a change at next login."""
    generated = None
    if not password:
        generated = password = accounts.generate_initial_password(user.username)
    accounts.reset_password(actor, user, password)
    return generated


# ------------------------------------------------------------------ teams


@dataclass(frozen=True)
class TeamCounts:
    direct: int  # active members of the team itself
    total: int  # active members of the team and its subtree


def team_member_counts(teams: list[Team]) -> dict[int, TeamCounts]:
    direct = dict(
        db.session.execute(
            select(User.team_id, func.count(User.id))
            .where(User.active.is_(True), User.team_id.is_not(None))
            .group_by(User.team_id)
        ).all()
    )
    totals: dict[int, int] = {}
    for team in teams:
        for ancestor_id in team.ancestor_ids:
            totals[ancestor_id] = totals.get(ancestor_id, 0) + direct.get(team.id, 0)
    return {t.id: TeamCounts(direct.get(t.id, 0), totals.get(t.id, 0)) for t in teams}


# ------------------------------------------------------------------ audit log


def local_day_bounds(
    since: date | None, until: date | None
) -> tuple[datetime | None, datetime | None]:
    """Dates as people in Shanghai mean them → naive UTC bounds, ``until`` inclusive."""
    start = _utc_midnight(since) if since else None
    end = _utc_midnight(until + timedelta(days=1)) if until else None
    return start, end


def _utc_midnight(day: date) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def search_audit(
    *,
    actor: User | None = None,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: date | None = None,
    until: date | None = None,
) -> Select:
    start, end = local_day_bounds(since, until)
    return audit.search(
        actor_id=actor.id if actor else None,
        action=action.strip(),
        object_type=object_type,
        object_id=object_id,
        since=start,
        until=end,
    ).options(selectinload(audit.AuditLog.actor))


def audit_object_types() -> list[str]:
    return [
        t
        for t in db.session.scalars(
            select(audit.AuditLog.object_type).distinct().order_by(audit.AuditLog.object_type)
        )
        if t
    ]

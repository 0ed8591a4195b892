"""Plain factory functions for tests: ``make_user(role="cadre", team=...)``."""

from __future__ import annotations

import itertools

from app.auth import services as accounts
from app.auth.models import Team, User
from app.extensions import db

PASSWORD = "test-pass-123"
_counter = itertools.count(1)


def make_team(name: str | None = None, parent: Team | None = None, kind: str = "team") -> Team:
    return accounts.create_team(
        None, name=name or f"单位{next(_counter)}", parent=parent, kind=kind
    )


def make_user(
    role: str | tuple[str, ...] = "cadre",
    team: Team | None = None,
    *,
    username: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    scopes: list[Team] | None = None,
    must_change_password: bool = False,
    rank: str = "county",
    active: bool = True,
) -> User:
    roles = (role,) if isinstance(role, str) else tuple(role)
    number = next(_counter)
    user = accounts.create_user(
        None,
        username=username or f"user{number}",
        name=name or f"用户{number}",
        password=password,
        rank=rank,
        team=team,
        roles=roles,
        secretary_teams=scopes if scopes is not None else ([team] if team else []),
        must_change_password=must_change_password,
    )
    user.active = active
    db.session.flush()
    return user

"""The authorisation matrix: for every route, the status each kind of visitor gets.

Each feature's tests declare their routes in ``tests/<feature>/access.py`` as a list
``ROUTES`` of ``Route`` entries; ``tests/test_access_matrix.py`` collects them all, checks
every registered route has an entry (deny by default: a new route without one fails), and
asserts each status.

Visitors: ``anon``; ``cadre`` (member of team A); ``other_sec`` (secretary of team B);
``sec`` (secretary of team A); ``admin``. URL placeholders are filled from the world built
by the matrix test: ``{team_id}`` (team A), ``{user_id}`` (the cadre), ``{other_team_id}``.

A feature may add visitors of its own (evaluation: assessors in and out of scope): its
``setup_world(users)`` adds them to ``users`` and its routes name them in ``expect``. Each
visitor is tried in the order of ``expect``'s keys, so a route whose visitors may delete what
the URL names can say who comes first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VISITORS = ("anon", "cadre", "other_sec", "sec", "admin")

LOGIN = 302  # anonymous visitors to a page are sent to the login page
ADMIN_ONLY = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 403, "admin": 200}
ANY_USER = {"anon": LOGIN, "cadre": 200, "other_sec": 200, "sec": 200, "admin": 200}
EVERYONE = {v: 200 for v in VISITORS}


@dataclass
class Route:
    endpoint: str
    url: str
    method: str = "GET"
    expect: dict[str, int] = field(default_factory=dict)
    data: dict | None = None  # form data for POST (a CSRF token is added)
    json: dict | None = None  # JSON body (X-CSRFToken header is added)

    def __post_init__(self):
        missing = set(VISITORS) - set(self.expect)
        if missing:
            raise ValueError(f"{self.endpoint}: no expectation for {sorted(missing)}")


def with_status(base: dict[str, int], allowed: int) -> dict[str, int]:
    """``base`` with every allowed visitor getting ``allowed`` instead of 200."""
    return {k: (allowed if v == 200 else v) for k, v in base.items()}

"""The page-route sweep (issue #10 part 3): every GET route, as an administrator and as a
cadre, with ids beyond the integer column and with out-of-range or invalid query values —
never a 5xx, on either database.

Ids: every rule with an ``<int:…>`` part is requested with each value of ``BIG_IDS`` in
every int part (404: no route matches), and with the largest id the column holds (it
reaches the view and the database: anything but a 5xx). Query values: every GET route of
the authorisation matrix, with its real ids, is requested once per value of
``QUERY_VALUES``, with that value in every query parameter a view or a filter form reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

from app.common.input_guards import MAX_INT
from tests import test_access_matrix as matrix
from tests.access import Route

ROUTES = matrix.ROUTES
# the matrix's fixtures: its world, built once per database, and its app (each test in a
# savepoint of the world's transaction)
_matrix_connection, world, app = matrix._matrix_connection, matrix.world, matrix.app

BIG_IDS = [2**31, 2**63, 10**30]
QUERY_VALUES = [
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1" * 40,
    "1e999",
    "abc",
    "%00",
    "a%00b%07",
    "%1B%5B31m",
    "%ED%A0%80",  # a lone surrogate, as UTF-8 would encode it
    "%FF%FE",
]
# Names the filter forms read from the query string, beside those found in the code.
FORM_PARAMETERS = {"team", "role", "rank", "active", "actor", "action", "object_type"}
FORM_PARAMETERS |= {"object_id", "since", "until", "status", "kind", "user_id"}
APP_DIR = Path(__file__).resolve().parents[2] / "app"
VISITORS = ("admin", "cadre")


def query_parameters() -> list[str]:
    """Every name a view reads with ``request.args`` (found in the code), and the filters'."""
    pattern = re.compile(r"request\.args(?:\.get|\.getlist)?[(\[]\s*[\"'](\w+)")
    names = set(FORM_PARAMETERS)
    for path in APP_DIR.rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def _int_rules(app) -> list:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]


def _fill(rule, number: int) -> str:
    url = rule.rule
    for name, converter in rule._converters.items():
        is_int = isinstance(converter, IntegerConverter)
        url = re.sub(rf"<[^>]*:?{name}>", str(number) if is_int else "x", url)
    return url


def _logged_in(app, world_, visitor: str):
    client = app.test_client()
    assert client.login(world_["usernames"][visitor]).status_code == 302
    return client


def test_the_sweep_finds_the_routes_and_parameters(app):
    assert len(_int_rules(app)) >= 40
    assert {"page", "team", "bank", "category", "q"} <= set(query_parameters())


@pytest.mark.parametrize("visitor", VISITORS)
def test_ids_beyond_the_column_are_404_on_every_page(app, world, visitor):
    client = _logged_in(app, world, visitor)
    failures = []
    for rule in _int_rules(app):
        for number in BIG_IDS:
            url = _fill(rule, number)
            response = client.get(url)
            if response.status_code != 404:
                failures.append(f"{url}: {response.status_code}")
        url = _fill(rule, MAX_INT)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("visitor", VISITORS)
def test_out_of_range_query_values_are_never_a_server_error(app, world, visitor):
    client = _logged_in(app, world, visitor)
    names = query_parameters()
    routes: list[Route] = [r for r in ROUTES if r.method == "GET"]
    assert len(routes) >= 40
    failures = []
    for route in routes:
        url = route.url.format(**world["placeholders"])
        for value in QUERY_VALUES:
            query = "&".join(f"{name}={value}" for name in names)
            response = client.get(f"{url}{'&' if '?' in url else '?'}{query}")
            # /readyz declares its 503 (the tests' schema is not migrated): anything else is not
            if response.status_code >= 500 and response.status_code != route.expect[visitor]:
                failures.append(f"{url} ({value}): {response.status_code}")
            if "/login" in response.headers.get("Location", ""):
                client = _logged_in(app, world, visitor)  # a route that logs out (none yet)
    assert not failures, "\n".join(failures)

"""Every route, every kind of visitor: the status is the one declared in the matrix."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from app.extensions import db, limiter
from tests.access import LOGIN, Route
from tests.factories import make_team, make_user

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def access_modules() -> list:
    """Every ``access.py`` under tests/, at any depth (tests mirror app/)."""
    tests_dir = Path(__file__).parent
    return [
        importlib.import_module(
            f"tests.{'.'.join(path.relative_to(tests_dir).with_suffix('').parts)}"
        )
        for path in sorted(tests_dir.rglob("access.py"))
        if path.parent != tests_dir
    ]


ACCESS_MODULES = access_modules()
ROUTES: list[Route] = [route for module in ACCESS_MODULES for route in module.ROUTES]


@pytest.fixture(scope="module")
def _matrix_connection(_backend_app):
    """One transaction for the whole matrix on each database, rolled back at its end: the
    world below is built once in it (not once per route), and each test runs in a savepoint
    of it (``app``)."""
    app = _backend_app
    with app.app_context():
        engine = db.engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        db.engines[None] = connection
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield app, connection
        finally:
            db.session.remove()
            db.engines[None] = engine
            if transaction.is_active:
                transaction.rollback()
            connection.close()


@pytest.fixture(scope="module")
def world(_matrix_connection):
    app, _ = _matrix_connection
    with app.app_context():
        root = make_team("根部门", kind="department")
        unit_a = make_team("甲单位", parent=root, kind="unit")
        team_a = make_team("甲单位领导班子", parent=unit_a)
        unit_b = make_team("乙单位", parent=root, kind="unit")
        team_b = make_team("乙单位领导班子", parent=unit_b)
        users = {
            "cadre": make_user("cadre", team_a, username="m-cadre"),
            "sec": make_user(("secretary", "cadre"), team_a, username="m-sec", scopes=[team_a]),
            "other_sec": make_user(
                ("secretary", "cadre"), team_b, username="m-other", scopes=[team_b]
            ),
            "admin": make_user("admin", root, username="m-admin"),
        }
        placeholders = {
            "team_id": team_a.id,
            "other_team_id": team_b.id,
            "user_id": users["cadre"].id,
        }
        # a feature's access.py may build its own objects: setup_world(users) -> placeholders
        for module in ACCESS_MODULES:
            setup = getattr(module, "setup_world", None)
            if setup is not None:
                placeholders.update(setup(users))
        usernames = {visitor: user.username for visitor, user in users.items()}
        db.session.commit()
        db.session.remove()
    return {"usernames": usernames, "placeholders": placeholders}


@pytest.fixture
def app(_matrix_connection, world):
    """The matrix's application: each test in a savepoint of the matrix's transaction, so
    what one route's request changes is gone before the next."""
    app, connection = _matrix_connection
    limiter.reset()
    with app.app_context():
        savepoint = connection.begin_nested()
        db.session.remove()
        try:
            yield app
        finally:
            db.session.remove()
            if savepoint.is_active:
                savepoint.rollback()


def test_every_route_is_in_the_matrix(app):
    declared = {(r.endpoint, r.method) for r in ROUTES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            if (rule.endpoint, method) not in declared:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without an authorisation entry:\n" + "\n".join(missing)


def test_matrix_names_only_real_routes(app):
    registered = {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods
    }
    stale = [f"{r.method} {r.url}" for r in ROUTES if (r.endpoint, r.method) not in registered]
    assert not stale, f"matrix entries for routes that do not exist: {stale}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.url}")
def test_route_access(app, world, route: Route):
    url = route.url.format(**world["placeholders"])
    for visitor in route.expect:  # the declared visitors, and any a feature adds
        limiter.reset()
        client = app.test_client()  # a fresh browser for each visitor
        if visitor != "anon":
            response = client.login(world["usernames"][visitor])
            assert response.status_code == 302, f"{visitor} could not log in"
        token = client.csrf_token()
        if route.method == "GET":
            response = client.get(url)
        elif route.json is not None:
            response = client.open(
                url, method=route.method, json=route.json, headers={"X-CSRFToken": token}
            )
        else:
            data = dict(route.data or {})
            data["csrf_token"] = token
            response = client.open(url, method=route.method, data=data)
        expected = route.expect[visitor]
        assert response.status_code == expected, (
            f"{route.method} {url} as {visitor}: {response.status_code}, expected {expected}"
        )
        needs_login = route.expect["anon"] == LOGIN and route.expect["cadre"] != LOGIN
        if visitor == "anon" and needs_login and route.method == "GET":
            assert "/login" in response.headers.get("Location", ""), "not sent to login"

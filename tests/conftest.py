"""Fixtures: every database test runs on SQLite and, with TEST_DATABASE_URL, on
PostgreSQL. Each test runs inside a transaction that is rolled back (the "join a session
into an external transaction" recipe), so tests are isolated and fast.

XUEKAO_TEST_CLOCK=2026-12-04T23:30:00Z runs the whole session on a clock started at that
moment (time-machine, ticking), to prove the suite passes at any hour: from 16:00 to 24:00 UTC
the machine's date is a day behind Shanghai's. The tests whose servers are other processes, on
the real clock (the browser journeys, the benchmark smoke runs, the cluster tests) are
deselected then, and XUEKAO_REAL_CLOCK_ONLY=1 runs just those: CI runs the suite as these two
halves, so no test runs twice (.ci/run)."""

from __future__ import annotations

import os
import re
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from flask.globals import _cv_app
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db, limiter
from bench.databases import scratch_pg_database
from tests.factories import PASSWORD

REQUIRE_ALL = os.environ.get("REQUIRE_ALL") == "1"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
TEST_CLOCK = os.environ.get("XUEKAO_TEST_CLOCK", "")
REAL_CLOCK_ONLY = os.environ.get("XUEKAO_REAL_CLOCK_ONLY") == "1"
REAL_CLOCK_FOLDERS = tuple(Path(__file__).resolve().parent / name for name in ("e2e", "bench"))
_session_clock: list[time_machine.travel] = []


def pytest_configure(config):
    if REQUIRE_ALL and not PG_URL:
        raise pytest.UsageError("REQUIRE_ALL=1 needs TEST_DATABASE_URL (PostgreSQL)")
    if TEST_CLOCK and REAL_CLOCK_ONLY:
        raise pytest.UsageError("XUEKAO_TEST_CLOCK and XUEKAO_REAL_CLOCK_ONLY=1 exclude each other")
    compile_translations()
    if TEST_CLOCK:
        _session_clock.append(time_machine.travel(_clock_start(TEST_CLOCK), tick=True))
        _session_clock[0].start()  # before any test module is imported or app created


def pytest_unconfigure(config):
    while _session_clock:
        _session_clock.pop().stop()


def _clock_start(value: str) -> datetime:
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise pytest.UsageError(
            f"XUEKAO_TEST_CLOCK={value!r}: give an ISO time with its offset, "
            "e.g. 2026-12-04T23:30:00Z"
        )
    return start


def pytest_report_header(config):
    if TEST_CLOCK:
        return f"clock: pinned at {TEST_CLOCK} and ticking (real-clock tests deselected)"
    if REAL_CLOCK_ONLY:
        return "clock: real; only the real-clock tests (e2e, bench, cluster)"
    return None


def needs_real_clock(item) -> bool:
    """A live server's clock cannot be moved: its journeys would compare two clocks. So are
    the benchmark smoke runs' (gunicorn and a load generator) and the cluster tests' (nginx,
    gunicorn hosts and the `flask` commands that set them up)."""
    path = Path(item.path)
    return any(folder in path.parents for folder in REAL_CLOCK_FOLDERS) or bool(
        item.get_closest_marker("cluster")
    )


def pytest_collection_modifyitems(config, items):
    if not (TEST_CLOCK or REAL_CLOCK_ONLY):
        return
    drop = [item for item in items if needs_real_clock(item) == bool(TEST_CLOCK)]
    if drop:
        config.hook.pytest_deselected(items=drop)
        dropped = set(map(id, drop))
        items[:] = [item for item in items if id(item) not in dropped]


def compile_translations() -> None:
    """Compile the .po catalogues (as `make translations` does) so a bare pytest run
    shows the same English as the served app."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).resolve().parents[1].glob("app/translations/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        with mo.open("wb") as fh:
            write_mo(fh, catalog)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Under REQUIRE_ALL a skip is a failure: nothing may hide behind a missing service.
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under REQUIRE_ALL=1: {report.longrepr}"


@pytest.fixture
def backend(app) -> str:
    return app.config["BACKEND"]


class Client(FlaskClient):
    """A test client that knows the page's CSRF token.

    The test holds an application context open (for factories and the rolled-back
    transaction), and Flask reuses it for requests; each request still gets an empty ``g``,
    as in production, so nothing (the logged-in user, the CSRF token) leaks between them.
    """

    def open(self, *args, **kwargs):
        ctx = _cv_app.get(None)
        if ctx is None:
            return super().open(*args, **kwargs)
        saved = dict(vars(ctx.g))
        vars(ctx.g).clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            vars(ctx.g).clear()
            vars(ctx.g).update(saved)

    def csrf_token(self) -> str:
        response = self.get("/login", follow_redirects=True)
        match = re.search(rb'name="csrf-token" content="([^"]+)"', response.data)
        assert match, "no csrf token on the page"
        return match.group(1).decode()

    def login(self, username: str, password: str = PASSWORD):
        token = self.csrf_token()
        return self.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture(scope="session", params=BACKENDS)
def _backend_app(request, tmp_path_factory):
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        else:
            url = stack.enter_context(scratch_pg_database(PG_URL, "xuekao_test"))
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "BACKEND": request.param})
        app.test_client_class = Client
        with app.app_context():
            db.create_all()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(_backend_app):
    """The application, with a database transaction rolled back after the test."""
    app = _backend_app
    limiter.reset()
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield app
        finally:
            db.session.remove()
            engines[None] = engine
            if transaction.is_active:
                transaction.rollback()
            connection.close()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()

"""Races on a real database: an application of its own (a file SQLite database, or a scratch
PostgreSQL one) whose requests run in threads released at the same instant. Shared by the
attempt and check-in race tests."""

from __future__ import annotations

import threading
from contextlib import ExitStack

import pytest

from app import create_app
from app.extensions import db, limiter
from bench.databases import scratch_pg_database
from tests.conftest import BACKENDS, PG_URL, Client


def live_app_fixture(prefix: str):
    """A fixture: a committed-for-real app per backend (no rolled-back transaction, so other
    threads see each other's writes); ``prefix`` names its PostgreSQL database."""

    @pytest.fixture(params=BACKENDS)
    def live_app(request, tmp_path):
        with ExitStack() as stack:
            if request.param == "sqlite":
                url = f"sqlite:///{tmp_path / 'live.db'}"
            else:
                url = stack.enter_context(scratch_pg_database(PG_URL, prefix))
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "BACKEND": request.param})
            app.test_client_class = Client
            limiter.reset()
            with app.app_context():
                db.create_all()
            yield app
            with app.app_context():
                db.session.remove()
                db.engine.dispose()

    return live_app


def together(*jobs):
    """Run the callables in threads released at the same instant; their results."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list = []

    def run(index, job):
        try:
            barrier.wait(5)
            results[index] = job()
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results

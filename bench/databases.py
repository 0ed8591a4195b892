"""A scratch PostgreSQL database of one run's own, dropped afterwards: the test suite's
fixtures and the benchmarks both use it, so concurrent runs on one server never share tables.

It lives here rather than in tests/ because the arrows run tests → bench → app (tests/bench
imports the benchmarks to smoke-test them); bench importing tests would close a cycle, and
tests/conftest.py drags in pytest and the test client."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def normalise_pg_url(url: str) -> str:
    """``postgres://``, ``postgresql://`` or any driver → the psycopg 3 driver we ship."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


@contextmanager
def scratch_pg_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new empty database on ``server_url``'s server; yields its URL, drops it at the end
    (``WITH (FORCE)``: a test or benchmark that left a connection open still cleans up)."""
    server = make_url(normalise_pg_url(server_url))
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

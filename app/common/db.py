"""Database plumbing: SQLite connection settings and how write transactions begin.

SQLite runs in WAL mode with a busy timeout and foreign keys on every connection. Its
driver's own transaction handling is switched off so that we emit ``BEGIN`` ourselves:
``BEGIN IMMEDIATE`` for anything that may write, because a deferred transaction that read
first and writes later fails with "database is locked" at once, whatever the busy timeout.
Read-only requests (GET/HEAD/OPTIONS) begin deferred, so readers never queue behind writers.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 10_000

# "IMMEDIATE" or "DEFERRED": how the next SQLite transaction on this context begins.
_begin_mode: contextvars.ContextVar[str] = contextvars.ContextVar(
    "sqlite_begin_mode", default="IMMEDIATE"
)


def set_begin_mode(mode: str) -> contextvars.Token:
    if mode not in {"IMMEDIATE", "DEFERRED"}:
        raise ValueError(mode)
    return _begin_mode.set(mode)


def reset_begin_mode(token: contextvars.Token) -> None:
    _begin_mode.reset(token)


@contextmanager
def write_intent(session):
    """Within a read-only request, end the read transaction and begin the next one
    IMMEDIATE, for a GET that has to write (e.g. an overdue attempt submitted on access)."""
    session.rollback()
    token = _begin_mode.set("IMMEDIATE")
    try:
        yield
    finally:
        _begin_mode.reset(token)


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from the driver; "begin" below issues BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(f"BEGIN {_begin_mode.get()}")

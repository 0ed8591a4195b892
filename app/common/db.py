"""Database plumbing: SQLite connection settings and how write transactions begin.

SQLite runs in WAL mode with a busy timeout and foreign keys on every connection. Its
driver's own transaction handling is switched off so that we emit ``BEGIN`` ourselves:
``BEGIN IMMEDIATE`` for anything that may write, because a deferred transaction that read
first and writes later fails with "database is locked" at once, whatever the busy timeout.
Read-only requests (GET/HEAD/OPTIONS) begin deferred, so readers never queue behind writers.

A writing view marked ``@reads_first`` begins deferred too: it loads and checks what it needs
(the user, the attempt, a password hash) without the write lock, then calls
``begin_write()`` just before its writes, which must re-check in SQL whatever could have
changed in between. The write lock is then held for the writes and the commit only — on the
busiest paths (saving an answer, starting a test, logging in) that is what lets SQLite serve
many processes. Writers queue for the lock at a gate (``sqlite_gate``) rather than poll it.
"""

from __future__ import annotations

import contextvars
import sqlite3
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app.common.sqlite_gate import GatedConnection

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


READS_FIRST_ATTR = "_reads_first"


def reads_first(view):
    """Mark a writing view whose SQLite transaction begins DEFERRED; it must call
    ``begin_write()`` before its first write."""
    setattr(view, READS_FIRST_ATTR, True)
    return view


def view_reads_first(view) -> bool:
    return bool(getattr(view, READS_FIRST_ATTR, False))


def begin_write(session) -> None:
    """Before the first write of a ``@reads_first`` request: on SQLite, end the read
    transaction and begin an IMMEDIATE one on the same connection (loaded objects stay as
    they are, unexpired: re-check in the writes what may have changed). On other databases
    reads and writes share one transaction and this does nothing. Later transactions of the
    request begin IMMEDIATE. In a transaction that began IMMEDIATE it does nothing."""
    if _begin_mode.get() == "IMMEDIATE" or session.get_bind().dialect.name != "sqlite":
        return  # the transaction holds the write lock already, or needs none
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_write() must come before the first write")
    connection = session.connection()
    _begin_mode.set("IMMEDIATE")
    if connection.in_nested_transaction():
        return  # inside a savepoint (the tests' outer transaction): nothing to end
    if connection.connection.dbapi_connection.in_transaction:
        _driver_commit(connection)  # the read transaction
    _driver_begin(connection, "IMMEDIATE")


# BEGIN and COMMIT go straight to the driver's connection: through SQLAlchemy's statement
# machinery each cost about 35 µs, and an answer save ran three of them (issue 16).
def _driver_begin(connection, mode: str) -> None:
    """``BEGIN <mode>`` on ``connection``'s driver connection, through the write gate first
    for IMMEDIATE."""
    dbapi_connection = connection.connection.dbapi_connection
    with _raised_as_sqlalchemy(connection, f"BEGIN {mode}"):
        if mode == "IMMEDIATE":
            _enter_gate(dbapi_connection)
        dbapi_connection.execute(f"BEGIN {mode}")


def _driver_commit(connection) -> None:
    with _raised_as_sqlalchemy(connection, "COMMIT"):
        connection.connection.dbapi_connection.commit()  # a GatedConnection leaves its gate


@contextmanager
def _raised_as_sqlalchemy(connection, sql: str):
    """A driver error raised as SQLAlchemy raises it (``OperationalError``…, a lost database
    marked as invalidated), so a locked, read-only or closed database is answered with a 503
    (``database_unavailable``), not a 500."""
    try:
        yield
    except sqlite3.Error as exc:
        dialect = connection.dialect
        dbapi_connection = connection.connection.dbapi_connection
        raise DBAPIError.instance(
            sql,
            (),
            exc,
            sqlite3.Error,
            dialect=dialect,
            connection_invalidated=dialect.is_disconnect(exc, dbapi_connection, None),
        ) from exc


def sqlite_engine_options(options: dict) -> dict:
    """Engine options for a SQLite database: connections that queue at the write gate."""
    connect_args = {**options.get("connect_args", {}), "factory": GatedConnection}
    return {**options, "connect_args": connect_args}


def _enter_gate(dbapi_connection) -> None:
    if isinstance(dbapi_connection, GatedConnection):
        dbapi_connection.enter_gate(BUSY_TIMEOUT_MS / 1000)


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
        _driver_begin(connection, _begin_mode.get())

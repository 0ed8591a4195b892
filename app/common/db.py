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
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

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
def _raised_as_sqlalchemy(connection, sql: str, parameters: Any = (), *, invalidate=False):
    """A driver error raised as SQLAlchemy raises it (``OperationalError``…, a lost database
    marked as invalidated), so a locked, read-only or closed database is answered with a 503
    (``database_unavailable``), not a 500. With ``invalidate``, a lost connection is
    invalidated as SQLAlchemy's own execution does, so that ending the transaction does not
    talk to it again and the pool does not hand it out."""
    dialect = connection.dialect
    driver_error = dialect.loaded_dbapi.Error
    try:
        yield
    except driver_error as exc:
        dbapi_connection = connection.connection.dbapi_connection
        lost = dialect.is_disconnect(exc, dbapi_connection, None)
        error = DBAPIError.instance(
            sql, parameters, exc, driver_error, dialect=dialect, connection_invalidated=lost
        )
        if lost and invalidate:
            connection.invalidate(error)
        raise error from exc


class DriverStatement:
    """A Core statement for the hottest path (the answer save and its login check), run
    straight on the driver's cursor of a SQLAlchemy ``Connection``.

    Through ``Connection.execute`` the save's three statements cost about 0.2 ms of CPU,
    most of it SQLAlchemy's execution machinery (execution context, result object, events)
    around the driver's calls; here about 0.09 ms (py-spy of ``bench/save_cpu.py``, issue
    16). The statement is compiled once per dialect, and each run only orders the
    parameters, applies the column types' own bind and result processors (the ones
    SQLAlchemy applies: SQLite's DATETIME strings, JSON) and executes. A driver error is
    raised as SQLAlchemy's, so it is answered as any other.

    What it leaves out, and why that is safe where it is used: the engine's statement
    events (the notify jobs' statement timer counts only inside jobs; the SQLite integer
    guard's values here all come from bounded URL and JSON integers) and the ORM (no
    autoflush, as with ``Connection.execute`` before it; the rows are plain tuples that
    refresh none of the session's objects). Only plain statements: one whose SQL is
    finished at execution (an expanding IN, a literal-execute value) or whose parameter
    names the compiler escapes is refused when its plan is built, not run wrongly."""

    def __init__(self, build: Callable[[str], Executable]) -> None:
        """``build(dialect_name)`` makes the statement, once per dialect."""
        self._build = build
        self._plans: dict[tuple[str, str], _DriverPlan] = {}

    def rows(self, connection: Connection, parameters: Mapping[str, Any]) -> list[tuple]:
        """Run it in ``connection``'s transaction; every row, each a tuple in the
        statement's column order."""
        dialect = connection.dialect
        key = (dialect.name, dialect.driver)
        plan = self._plans.get(key)
        if plan is None:  # two threads may both build it: the same plan, kept once
            plan = self._plans[key] = _DriverPlan(self._build(dialect.name), dialect)
        arguments = plan.arguments(parameters)
        dbapi_connection = connection.connection.dbapi_connection
        with _raised_as_sqlalchemy(connection, plan.sql, arguments, invalidate=True):
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(plan.sql, arguments)
                fetched = cursor.fetchall() if cursor.description else []
            finally:
                cursor.close()
        return plan.processed(fetched)


class _DriverPlan:
    """One statement compiled for one dialect: its SQL, how to order its parameters for
    the driver's paramstyle, and the types' processors."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.post_compile_params or compiled.literal_execute_params:
            raise ValueError("DriverStatement: the SQL would be finished at execution")
        if compiled.escaped_bind_names:
            raise ValueError("DriverStatement: a parameter name the compiler escapes")
        self.sql = compiled.string
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        if any(bind.callable is not None for bind in binds.values()):
            raise ValueError("DriverStatement: a parameter whose value is called at execution")
        self.defaults = {name: bind.value for name, bind in binds.items() if not bind.required}
        self.names: Sequence[str] = (
            list(compiled.positiontup) if dialect.positional else list(binds)
        )
        self.positional = dialect.positional
        self.bind_processors = {
            name: processor
            for name, bind in binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))
        }
        columns = getattr(statement, "exported_columns", ())
        self.result_processors = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]
        if not any(self.result_processors):
            self.result_processors = []

    def arguments(self, parameters: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        values = {}
        for name in self.names:
            value = parameters[name] if name in parameters else self.defaults[name]
            processor = self.bind_processors.get(name)
            values[name] = processor(value) if processor is not None else value
        if self.positional:
            return tuple(values[name] for name in self.names)
        return values

    def processed(self, rows: list) -> list[tuple]:
        processors = self.result_processors
        if not processors:
            return [tuple(row) for row in rows]
        return [
            tuple(
                value if processor is None or value is None else processor(value)
                for processor, value in zip(processors, row, strict=True)
            )
            for row in rows
        ]


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

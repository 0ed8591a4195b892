"""``DriverStatement``: a Core statement run on the driver's cursor gives what SQLAlchemy's
own execution gives — the same typed values back, on SQLite and PostgreSQL — and fails as
SQLAlchemy fails, so the error handlers answer it alike (issue 16)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from app.common.db import DriverStatement
from app.common.error_pages import database_unavailable
from app.extensions import db

_metadata = MetaData()
_rows = Table(
    "driver_statement_rows",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("other", Integer, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("doc", JSON),
    Column("flag", Boolean, nullable=False),
    Column("note", String(40), nullable=False),
)

_INSERT = DriverStatement(
    lambda _dialect: (
        insert(_rows)
        .values(
            id=bindparam("id", type_=Integer),
            other=bindparam("other", type_=Integer),
            at=bindparam("at", type_=DateTime),
            doc=bindparam("doc", type_=JSON),
            flag=bindparam("flag", type_=Boolean),
            note=bindparam("note", "默认", type_=String),  # a default: may be left out
        )
        .returning(_rows.c.at, _rows.c.doc, _rows.c.flag, _rows.c.note)
    )
)


def _either_column() -> select:
    """The same parameter twice: in SQLite's positional style it is bound twice."""
    key = bindparam("key", type_=Integer)
    return select(_rows).where(or_(_rows.c.id == key, _rows.c.other == key)).order_by(_rows.c.id)


_BY_EITHER = DriverStatement(lambda _dialect: _either_column())

AT = datetime(2026, 12, 5, 8, 30, 15, 123456)
DOC = {"答案": [1, 2], "说明": "正确", "nested": {"ok": True}}


@pytest.fixture
def connection(app):
    connection = db.session.connection()
    _rows.create(connection)  # inside the test's transaction: rolled back with it
    return connection


def test_values_come_back_typed_as_sqlalchemy_gives_them(connection):
    returned = _INSERT.rows(connection, {"id": 1, "other": 10, "at": AT, "doc": DOC, "flag": False})
    assert returned == [(AT, DOC, False, "默认")]
    _INSERT.rows(
        connection, {"id": 2, "other": 1, "at": AT, "doc": None, "flag": True, "note": "n"}
    )
    ours = _BY_EITHER.rows(connection, {"key": 1})
    theirs = connection.execute(_either_column(), {"key": 1}).all()
    assert ours == [tuple(row) for row in theirs]
    assert ours == [(1, 10, AT, DOC, False, "默认"), (2, 1, AT, None, True, "n")]
    assert isinstance(ours[0][2], datetime) and isinstance(ours[0][4], bool)


def test_parameters_reach_the_driver_in_the_statements_order(connection):
    """Three places, two names, in an order other than the mapping's: a positional driver
    (SQLite) gets them in the SQL's order, a named one (psycopg) by name."""
    ordered = DriverStatement(
        lambda _dialect: select(
            bindparam("b", type_=String),
            bindparam("a", type_=Integer),
            bindparam("b", type_=String) + "!",
            bindparam("a", type_=Integer) * 2,
        )
    )
    assert ordered.rows(connection, {"a": 21, "b": "乙"}) == [("乙", 21, "乙!", 42)]


@pytest.mark.parametrize(
    "build",
    [
        lambda: select(_rows.c.id).where(_rows.c.id.in_(bindparam("ids", expanding=True))),
        lambda: select(_rows.c.id).where(_rows.c.id == bindparam("id", callable_=lambda: 1)),
    ],
    ids=["expanding IN", "value called at execution"],
)
def test_a_statement_it_cannot_run_as_written_is_refused(connection, build):
    with pytest.raises(ValueError, match="DriverStatement"):
        DriverStatement(lambda _dialect: build()).rows(connection, {"ids": [1], "id": 1})


def test_no_row_is_an_empty_list(connection):
    assert _BY_EITHER.rows(connection, {"key": 99}) == []


def test_a_missing_parameter_is_refused_before_the_database(connection):
    with pytest.raises(KeyError):
        _INSERT.rows(connection, {"id": 1, "other": 1, "at": AT, "doc": None})


def test_a_refused_row_raises_sqlalchemys_error(connection):
    row = {"id": 1, "other": 1, "at": AT, "doc": None, "flag": True}
    _INSERT.rows(connection, row)
    with pytest.raises(IntegrityError) as raised:
        _INSERT.rows(connection, row)
    assert raised.value.orig is not None and "driver_statement_rows" in raised.value.statement


def test_a_database_that_cannot_answer_raises_what_is_answered_with_a_503(app, backend, tmp_path):
    """A read-only SQLite file, a PostgreSQL connection lost: SQLAlchemy's
    OperationalError, which the app answers as ``database_unavailable``."""
    if backend == "sqlite":
        path = tmp_path / "ro.db"
        with create_engine(f"sqlite:///{path}").begin() as setup:
            setup.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        read_only = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        statement = DriverStatement(lambda _dialect: text("INSERT INTO t (id) VALUES (1)"))
        with read_only.connect() as connection, pytest.raises(OperationalError) as raised:
            statement.rows(connection, {})
        read_only.dispose()
    else:  # a lost connection: its server process ended, as in a restart
        separate = create_engine(db.engine.engine.url)  # the test binds a connection
        with separate.connect() as connection, separate.connect() as other:
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
            statement = DriverStatement(lambda _dialect: text("SELECT 1"))
            with pytest.raises(OperationalError) as raised:
                statement.rows(connection, {})
            assert raised.value.connection_invalidated and connection.invalidated
        separate.dispose()
    assert database_unavailable(raised.value)

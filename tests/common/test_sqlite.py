"""SQLite settings every connection gets, and why writes begin IMMEDIATE."""

import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from app.common import db as db_module
from app.common.db import (
    begin_write,
    configure_engine,
    reset_begin_mode,
    set_begin_mode,
    sqlite_engine_options,
)
from app.common.error_pages import database_unavailable
from app.common.sqlite_gate import gate_for


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "t"
    id: Mapped[int] = mapped_column(primary_key=True)
    v: Mapped[int] = mapped_column()


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    configure_engine(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)"))
        conn.execute(text("INSERT INTO t (id, v) VALUES (1, 0)"))
    yield engine
    engine.dispose()


def test_every_connection_has_wal_busy_timeout_and_foreign_keys(engine):
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_app_engine_is_configured(app, backend):
    from app.extensions import db

    if backend == "sqlite":
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def _two_read_then_write_transactions(engine, mode: str) -> tuple[int, list[Exception]]:
    """B reads while A is between its read and its write; then both write the row."""
    a_read, b_read = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def run(first: bool):
        token = set_begin_mode(mode)
        try:
            if not first:
                a_read.wait(5)
            with engine.begin() as conn:
                value = conn.execute(text("SELECT v FROM t WHERE id = 1")).scalar()
                if first:
                    a_read.set()
                    b_read.wait(0.5)  # under IMMEDIATE, B is still waiting to begin
                else:
                    b_read.set()
                conn.execute(text("UPDATE t SET v = :v WHERE id = 1"), {"v": value + 1})
        except Exception as exc:
            errors.append(exc)
        finally:
            reset_begin_mode(token)

    threads = [threading.Thread(target=run, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as conn:
        return conn.execute(text("SELECT v FROM t")).scalar(), errors


def test_read_then_write_waits_its_turn_when_begun_immediate(engine):
    value, errors = _two_read_then_write_transactions(engine, "IMMEDIATE")
    assert not errors
    assert value == 2


def test_read_then_write_fails_when_begun_deferred(engine):
    """The failure BEGIN IMMEDIATE prevents: no busy timeout helps a stale reader write."""
    value, errors = _two_read_then_write_transactions(engine, "DEFERRED")
    assert len(errors) == 1 and "locked" in str(errors[0])
    assert value == 1


def test_begin_write_lets_a_deferred_reader_write_after_another_writer(engine):
    """A @reads_first request: it reads while another transaction holds the write lock, then
    ``begin_write`` ends the stale read and waits its turn instead of failing."""
    holder_has_lock, reader_has_read = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def holder():
        with engine.begin() as conn:  # IMMEDIATE: holds the write lock
            conn.execute(text("UPDATE t SET v = v + 10 WHERE id = 1"))
            holder_has_lock.set()
            reader_has_read.wait(5)

    def reader():
        token = set_begin_mode("DEFERRED")
        try:
            holder_has_lock.wait(5)
            with Session(engine) as session:
                seen = session.execute(text("SELECT v FROM t WHERE id = 1")).scalar()
                assert seen == 0  # read without waiting, the holder's change not committed
                reader_has_read.set()
                begin_write(session)  # waits for the holder's commit, then writes
                session.execute(text("UPDATE t SET v = v + 1 WHERE id = 1"))
                session.commit()
        except Exception as exc:
            errors.append(exc)
        finally:
            reset_begin_mode(token)

    threads = [threading.Thread(target=holder), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM t")).scalar() == 11


def test_begin_write_refuses_after_a_pending_write(engine):
    token = set_begin_mode("DEFERRED")
    try:
        with Session(engine) as session:
            session.execute(text("SELECT 1"))
            session.add(_Row(id=2, v=0))
            with pytest.raises(RuntimeError):
                begin_write(session)
    finally:
        reset_begin_mode(token)


def test_a_write_lock_that_never_comes_is_sqlalchemys_error(tmp_path, monkeypatch):
    """BEGIN and COMMIT run straight on the driver's connection (app/common/db.py); when the
    write lock does not come within the busy timeout, the error is still SQLAlchemy's
    OperationalError, which the app answers with a 503 (``database_unavailable``), not the
    driver's, which would be a 500. The write gate is left on the way out."""
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "gated.db"
    engine = create_engine(f"sqlite:///{path}", **sqlite_engine_options({}))
    configure_engine(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)"))
        conn.execute(text("INSERT INTO t (id, v) VALUES (1, 0)"))
    gate = gate_for(str(path))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's writer, outside our gate
    try:
        with pytest.raises(OperationalError) as begun_immediate, engine.begin() as conn:
            conn.execute(text("UPDATE t SET v = 1"))
        assert not gate.thread_lock.locked()
        token = set_begin_mode("DEFERRED")
        try:
            with Session(engine) as session:
                assert session.execute(text("SELECT v FROM t")).scalar() == 0
                with pytest.raises(OperationalError) as begun_late:
                    begin_write(session)
        finally:
            reset_begin_mode(token)
        assert not gate.thread_lock.locked()  # the session's rollback left it
    finally:
        holder.rollback()
        holder.close()
    for raised in (begun_immediate.value, begun_late.value):
        assert "locked" in str(raised) and database_unavailable(raised)
    written = threading.Thread(target=_write_two, args=(engine,))
    written.start()  # another thread gets through the gate and writes
    written.join(5)
    assert not written.is_alive()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM t")).scalar() == 2
    engine.dispose()


def _write_two(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE t SET v = 2"))

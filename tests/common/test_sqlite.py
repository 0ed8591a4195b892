"""SQLite settings every connection gets, and why writes begin IMMEDIATE."""

import threading

import pytest
from sqlalchemy import create_engine, text

from app.common.db import configure_engine, reset_begin_mode, set_begin_mode


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

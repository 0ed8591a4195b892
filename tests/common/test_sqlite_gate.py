"""The SQLite write gate: writers of many threads and processes queue for the write lock,
the gate opens at commit and at rollback, and it can never turn a wait into a deadlock."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import sqlite3
import threading
import time

import pytest

from app.common import sqlite_gate
from app.common.sqlite_gate import GatedConnection

TIMEOUT = 10.0


def _connect(path) -> GatedConnection:
    conn = sqlite3.connect(
        str(path), factory=GatedConnection, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def _increment(path, times: int) -> None:
    conn = _connect(path)
    for _ in range(times):
        conn.enter_gate(TIMEOUT)
        conn.execute("BEGIN IMMEDIATE")
        value = conn.execute("SELECT v FROM t").fetchone()[0]
        conn.execute("UPDATE t SET v = ?", (value + 1,))
        conn.commit()
    conn.close()


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "gate.db"
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (v INTEGER)")
    conn.execute("INSERT INTO t VALUES (0)")
    conn.close()
    return path


def _value(path) -> int:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("SELECT v FROM t").fetchone()[0]
    finally:
        conn.close()


def test_threads_and_processes_take_turns_without_losing_an_update(database):
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_increment, args=(database, 50)) for _ in range(2)]
    threads = [threading.Thread(target=_increment, args=(database, 50)) for _ in range(4)]
    for worker in processes + threads:
        worker.start()
    for worker in processes + threads:
        worker.join(60)
    assert all(p.exitcode == 0 for p in processes)
    assert _value(database) == 300
    assert os.path.exists(str(database) + "-writegate")


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_gate_opens_when_the_transaction_ends(database, end):
    first, second = _connect(database), _connect(database)
    first.enter_gate(TIMEOUT)
    first.execute("BEGIN IMMEDIATE")
    getattr(first, end)()
    waited = threading.Event()

    def write():
        started = time.monotonic()
        second.enter_gate(TIMEOUT)
        second.execute("BEGIN IMMEDIATE")
        second.execute("UPDATE t SET v = 7")
        second.commit()
        waited.wait_time = time.monotonic() - started
        waited.set()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(TIMEOUT + 5)
    assert waited.is_set() and waited.wait_time < TIMEOUT / 2  # not held until the timeout
    assert _value(database) == 7
    second.close()


def test_a_second_connection_of_one_thread_does_not_wait_on_itself(database):
    first, second = _connect(database), _connect(database)
    first.enter_gate(TIMEOUT)
    started = time.monotonic()
    second.enter_gate(TIMEOUT)  # passes at once; SQLite's own lock decides from here
    assert time.monotonic() - started < 1
    first.rollback()
    second.close()


def test_a_gate_held_elsewhere_delays_a_writer_only_up_to_the_timeout(database, monkeypatch):
    """Another process holds the gate file but not the database: after the timeout the
    writer goes on to SQLite, which lets it write."""
    holder = os.open(str(database) + "-writegate", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        conn = _connect(database)
        started = time.monotonic()
        conn.enter_gate(0.3)
        assert 0.25 <= time.monotonic() - started < 3
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE t SET v = 5")
        conn.commit()
        assert _value(database) == 5
        # the writer that gave up holds nothing: this thread's next connection queues again
        other = _connect(database)
        started = time.monotonic()
        other.enter_gate(0.2)
        assert time.monotonic() - started >= 0.15
        other.close()
        conn.close()
    finally:
        fcntl.flock(holder, fcntl.LOCK_UN)
        os.close(holder)


def test_in_memory_databases_have_no_gate():
    conn = sqlite3.connect(":memory:", factory=GatedConnection, isolation_level=None)
    conn.enter_gate(TIMEOUT)
    conn.execute("BEGIN IMMEDIATE")
    conn.commit()
    assert sqlite_gate.gate_for(":memory:") is None
    conn.close()


def test_the_app_opens_sqlite_through_the_gate(tmp_path):
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}"})
    with app.app_context():
        connection = db.session.connection().connection.dbapi_connection
        assert isinstance(connection, GatedConnection)
        db.session.remove()
        db.engine.dispose()

"""A queue for SQLite's one write lock, so writers wait their turn instead of polling it.

When a writer finds the database locked, SQLite's busy handler sleeps and retries, with
sleeps growing to 100 ms; with many writers (gunicorn's workers × threads at the start of a
test) most of that waiting is sleep, and the lock sits free while the next writer dozes.
Each connection therefore passes a gate before ``BEGIN IMMEDIATE`` and leaves it at commit
or rollback: inside a process a ``threading.Lock`` (a waiter wakes as soon as it is
released), between processes an exclusive ``flock`` on ``<database>-writegate`` held by the
one thread of each process that is through the first. The wait is bounded by the same busy
timeout; past it SQLite's own busy handling takes over as before, so the gate can only make
waiting shorter, never turn it into a failure or a deadlock.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time

# SQLite's busy handler sleeps at most this long between tries; ours polls the other
# processes' flock more often than that, and a thread of this process not at all.
_POLL_SECONDS = 0.0005
_MAX_POLL_SECONDS = 0.002

_gates: dict[str, _Gate] = {}
_gates_lock = threading.Lock()
_held = threading.local()  # the gate this thread is through, if any


class _Gate:
    def __init__(self, path: str):
        self.path = path
        self.thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def _lock_fd(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked worker opens its own
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def enter(self, timeout: float) -> bool:
        """Through the gate within ``timeout`` seconds, or False."""
        deadline = time.monotonic() + timeout
        if not self.thread_lock.acquire(timeout=timeout):
            return False
        try:
            fd = self._lock_fd()
            pause = _POLL_SECONDS
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(pause)
                    pause = min(pause * 2, _MAX_POLL_SECONDS)
        except OSError:
            pass  # no gate file (read-only folder…): SQLite's busy handling alone
        self.thread_lock.release()
        return False

    def leave(self) -> None:
        try:
            fcntl.flock(self._lock_fd(), fcntl.LOCK_UN)
        finally:
            self.thread_lock.release()


def gate_for(database: str) -> _Gate | None:
    """The gate of a database file (None for an in-memory database)."""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    path = os.path.abspath(database) + "-writegate"
    with _gates_lock:
        return _gates.setdefault(path, _Gate(path))


class GatedConnection(sqlite3.Connection):
    """A sqlite3 connection that can queue at its database's gate before a write
    transaction and leaves it when the transaction ends."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._gate = gate_for(os.fspath(database))
        self._through = False

    def enter_gate(self, timeout: float) -> None:
        """Before ``BEGIN IMMEDIATE``. Does nothing if this thread is through the gate
        already (a second connection of one thread would wait on itself)."""
        if self._gate is None or self._through or getattr(_held, "gate", None) is self._gate:
            return
        if self._gate.enter(timeout):
            self._through = True
            _held.gate = self._gate

    def _leave_gate(self) -> None:
        if self._through:
            self._through = False
            _held.gate = None
            self._gate.leave()

    def commit(self):
        try:
            return super().commit()
        finally:
            self._leave_gate()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self._leave_gate()

    def close(self):
        try:
            return super().close()
        finally:
            self._leave_gate()

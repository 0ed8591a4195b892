"""A PostgreSQL server of a test's own (initdb in a temp folder, its own port), to stop and
start: the shared server on 127.0.0.1:5432 is never restarted by a test."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.ops.tcp_proxy import TcpProxy


def pg_bin(name: str) -> str | None:
    found = shutil.which(name) or sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1] if isinstance(found, list) and found else found or "") or None


def available() -> bool:
    return bool(pg_bin("initdb") and pg_bin("pg_ctl"))


@dataclass
class PrivatePostgres:
    url: str  # its ``postgres`` database, as the app's URL
    folder: Path
    _ctl: object

    def stop(self) -> None:
        """Fast shutdown: the server ends every session and stops."""
        self._ctl("stop", "-m", "fast")

    def start(self) -> None:
        self._ctl("start")


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError("needs PostgreSQL's server binaries (initdb, pg_ctl)")
    # Not under pytest's tmp_path: the server's user must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="xuekao-pg-"))
    data = folder / "pgdata"
    data.mkdir()
    run_as = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(folder, "postgres")
        shutil.chown(data, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = TcpProxy("127.0.0.1", 0).port  # a free port
    subprocess.run(
        [*run_as, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    def ctl(*args: str) -> None:
        if args == ("start",):
            args = ("-o", options, "-l", str(folder / "pg.log"), "start")
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "-w", "-t", "30", *args],
            check=True,
            capture_output=True,
        )

    ctl("start")
    try:
        yield PrivatePostgres(
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", folder, ctl
        )
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "stop", "-m", "immediate"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)

"""gunicorn serving ``bench.bench_app:create_bench_app()`` on a free loopback port, and
py-spy recording its workers."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def proc_stat(path: Path) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (the state first), or None
    for a process gone meanwhile."""
    try:
        return path.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def cpu_with_reaped_children(fields: list[str]) -> tuple[float, float]:
    """User and system CPU seconds of a process and of its children it has reaped
    (``cutime``, ``cstime``): gunicorn replaces a worker after ``max_requests``, and the CPU
    of the one it replaced must stay in the count (a cluster phase once read -34 % of a core
    without it)."""
    ticks = os.sysconf("SC_CLK_TCK")
    return (
        (int(fields[11]) + int(fields[13])) / ticks,
        (int(fields[12]) + int(fields[14])) / ticks,
    )


@dataclass
class Server:
    url: str
    workers: int = 4
    threads: int = 4
    log: Path | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    sources: dict[str, list[str]] = field(default_factory=dict)
    app: str = "bench.bench_app:create_bench_app()"
    ready_path: str = "/api/v1/openapi.json"
    secret: str = field(default_factory=lambda: secrets.token_hex(32))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        worker_class = (
            ["-k", "gthread", "--threads", str(self.threads)]
            if self.threads > 1
            else ["-k", "sync"]
        )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            "-b",
            f"127.0.0.1:{self.port}",
            "-w",
            str(self.workers),
            *worker_class,
            "--backlog",
            "4096",
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ]
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "SECRET_KEY": self.secret,
            "PYTHONPATH": str(ROOT),
        }
        from bench.exam_day.profiling import BY_LINE

        self.snapshot_sources([suffix for pairs in BY_LINE.values() for _f, suffix in pairs])
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log}"
                )
            try:
                with urllib.request.urlopen(f"{self.base}{self.ready_path}", timeout=2):
                    pass
                if len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def worker_pids(self) -> list[int]:
        """The master's children (gunicorn's workers), from /proc."""
        if self.process is None:
            return []
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            fields = proc_stat(stat)
            if fields is not None and int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return sorted(found)

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far."""
        return sum(self.cpu_times())

    def cpu_times(self) -> tuple[float, float]:
        """User and system (kernel) CPU of the master and its workers so far, apart; a
        worker that has exited counts in the master's reaped children (``cutime``)."""
        user = system = 0.0
        for pid in [self.process.pid, *self.worker_pids()] if self.process else []:
            fields = proc_stat(Path(f"/proc/{pid}/stat"))
            if fields is not None:
                pid_user, pid_system = cpu_with_reaped_children(fields)
                user, system = user + pid_user, system + pid_system
        return user, system

    def wait_idle(self, limit: float = 600, quiet: float = 0.1) -> float:
        """Wait until the workers have drained what clients gave up on (CPU below ``quiet``
        of a core for a second), so one phase's backlog does not slow the next."""
        began = time.monotonic()
        before = self.cpu_seconds()
        while time.monotonic() - began < limit:
            time.sleep(1)
            now = self.cpu_seconds()
            if now - before < quiet:
                break
            before = now
        return time.monotonic() - began

    def snapshot_sources(self, paths: list[str]) -> None:
        """The source lines the workers run, for the profile's line numbers (the tree may
        change while the benchmark runs)."""
        self.sources = {}
        for path in paths:
            try:
                self.sources[path] = (ROOT / path).read_text(encoding="utf-8").splitlines()
            except OSError:
                self.sources[path] = []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Profiler:
    """py-spy on every worker for the duration of a phase (collapsed stacks, one file each)."""

    def __init__(self, server: Server, outdir: Path, name: str) -> None:
        self.server, self.outdir, self.name = server, outdir, name
        self.processes: list[subprocess.Popen] = []
        self.files: list[Path] = []

    @staticmethod
    def available() -> bool:
        return (
            shutil.which("py-spy") is not None or (Path(sys.executable).parent / "py-spy").exists()
        )

    def start(self, seconds: int) -> None:
        binary = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        for pid in self.server.worker_pids():
            path = self.outdir / f"{self.name}-{pid}.txt"
            self.files.append(path)
            self.processes.append(
                subprocess.Popen(
                    [
                        binary,
                        "record",
                        "--pid",
                        str(pid),
                        "--duration",
                        str(seconds),
                        "--rate",
                        "200",
                        "--format",
                        "raw",
                        "--output",
                        str(path),
                        "--nonblocking",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def wait(self) -> list[Path]:
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        return [f for f in self.files if f.exists()]

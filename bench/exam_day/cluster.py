"""``--cluster N``: the exam day through nginx to N app hosts on PostgreSQL (deploy/cluster.py,
the tested deployment), with the server-side figures the single-server run reports: CPU of
every process of the installation (nginx, the hosts' masters and workers, the scheduler)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from deploy.cluster import Cluster


@dataclass
class ClusterServer:
    url: str
    hosts: int
    workers: int
    work: Path
    threads: int = 1
    sources: dict[str, list[str]] = field(default_factory=dict)
    cluster: Cluster | None = None

    @property
    def base(self) -> str:
        return self.cluster.base

    @property
    def secret(self) -> str:
        return self.cluster.secret_key

    @property
    def log(self) -> Path:
        return self.work / "host0.log"

    def start(self) -> None:
        self.cluster = Cluster(
            self.url,
            hosts=self.hosts,
            workers=self.workers,
            work=self.work,
            app="bench.bench_app:create_bench_app()",
            extra_env={
                "REQUEST_LOG": "0",  # the log line is not what is measured
                "GUNICORN_WORKER_CLASS": "gthread" if self.threads > 1 else "sync",
                "GUNICORN_THREADS": str(self.threads),
            },
        )
        try:
            self.cluster.start(migrate=False)
        except RuntimeError:
            self.cluster.stop()
            raise

    def stop(self) -> None:
        if self.cluster:
            self.cluster.stop()

    def _groups(self) -> set[int]:
        return {p.pid for p in self.cluster.processes.values()} if self.cluster else set()

    def cpu_seconds(self) -> float:
        """User + system CPU of every process in the installation's process groups."""
        return sum(self.cpu_times())

    def cpu_times(self) -> tuple[float, float]:
        """The same, user and system (kernel) apart. Each process's reaped children count
        too (``cutime``, ``cstime``): gunicorn replaces a worker after ``max_requests``
        (deploy/gunicorn.conf.py), and the CPU of the one it replaced must not vanish from
        the phase (it did: a phase measured at -34 % of a core)."""
        groups, ticks = self._groups(), os.sysconf("SC_CLK_TCK")
        user = system = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) in groups:  # the process group
                user += (int(fields[11]) + int(fields[13])) / ticks
                system += (int(fields[12]) + int(fields[14])) / ticks
        return user, system

    def wait_idle(self, limit: float = 600, quiet: float = 0.1) -> float:
        began = time.monotonic()
        before = self.cpu_seconds()
        while time.monotonic() - began < limit:
            time.sleep(1)
            now = self.cpu_seconds()
            if now - before < quiet * self.hosts:
                break
            before = now
        return time.monotonic() - began

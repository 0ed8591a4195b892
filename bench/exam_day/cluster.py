"""``--cluster N``: the exam day through nginx to N app hosts on PostgreSQL (deploy/cluster.py,
the tested deployment), with the server-side figures the single-server run reports: CPU of
every process of the installation (nginx, the hosts' masters and workers, the scheduler)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.exam_day.server import cpu_with_reaped_children, proc_stat
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
        """The same, user and system (kernel) apart, reaped children included (a worker
        gunicorn replaced after ``max_requests``, deploy/gunicorn.conf.py)."""
        groups = self._groups()
        user = system = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            fields = proc_stat(stat)
            if fields is not None and int(fields[2]) in groups:  # the process group
                pid_user, pid_system = cpu_with_reaped_children(fields)
                user, system = user + pid_user, system + pid_system
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

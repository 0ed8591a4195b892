"""The exam-day bench counts a server's CPU across worker replacements: gunicorn replaces a
worker after ``max_requests`` (deploy/gunicorn.conf.py), and the CPU the replaced one spent
must stay in the phase's figure (a cluster phase once measured -34 % of a core without it)."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

from bench.exam_day.cluster import ClusterServer
from bench.exam_day.server import Server

# A stand-in gunicorn master: a worker that burns about 0.4 s of CPU and exits, reaped.
MASTER = """
import os, sys, time
pid = os.fork()
if pid == 0:
    end = time.process_time() + 0.4
    while time.process_time() < end:
        pass
    os._exit(0)
os.waitpid(pid, 0)
print("reaped", flush=True)
sys.stdin.read()
"""


def _master() -> subprocess.Popen:
    master = subprocess.Popen(
        [sys.executable, "-c", MASTER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as the cluster's hosts
    )
    assert master.stdout.readline().strip() == "reaped"
    return master


def _stop(master: subprocess.Popen) -> None:
    master.stdin.close()
    master.wait(timeout=10)


def test_one_hosts_count_keeps_an_exited_workers_cpu():
    master = _master()
    try:
        assert sum(Server(url="unused", process=master).cpu_times()) >= 0.35
    finally:
        _stop(master)


def test_the_clusters_count_keeps_an_exited_workers_cpu(tmp_path):
    master = _master()
    try:
        server = ClusterServer(url="unused", hosts=1, workers=1, work=tmp_path)
        server.cluster = SimpleNamespace(processes={"host0": master})
        assert sum(server.cpu_times()) >= 0.35
    finally:
        _stop(master)

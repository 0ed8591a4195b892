"""Fault 2 of issue 16 through nginx: cadres save answers through nginx to two app hosts
while the PostgreSQL server they use is restarted. Requests in the window are answered 503
with the Chinese message (never a 500, never a trace); the exam page's queue resends what was
not acknowledged; no acknowledged save is lost; the same gunicorn processes serve again once
the server is back (no restart of the app).

The server is one of the test's own (tests/ops/private_pg.py: initdb in a temp folder, its
own port): the shared PostgreSQL is never restarted. About a minute on a quiet machine.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest

from bench.exam_day import setup
from bench.exam_day.verify import check_answers
from deploy.cluster import Cluster, http_status
from tests.ops import private_pg
from tests.ops.sitting import SAVES_EACH, Sitting, run_loop

pytestmark = pytest.mark.cluster

CADRES = 100
DOWN_SECONDS = 3  # the server is stopped this long, then started again
GIVE_UP_SECONDS = 90
UNAVAILABLE = "数据库暂时无法访问，本次操作没有保存。请稍后重试。"


@pytest.fixture
def cluster_on_private_postgres(tmp_path_factory):
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("needs nginx (Debian's package)")
    if not private_pg.available():
        pytest.skip("needs PostgreSQL's server binaries (initdb, pg_ctl)")
    work = tmp_path_factory.mktemp("pg-restart")
    with private_pg.private_postgres() as server:
        prepared = setup.prepare(server.url, CADRES, work)
        running = Cluster(server.url, hosts=2, workers=2, work=work)
        try:
            running.start(migrate=False)  # setup.prepare migrated it
            yield running, prepared, server
        finally:
            running.stop()


def test_a_postgresql_restart_mid_exam_is_a_503_then_everything_is_resent(
    cluster_on_private_postgres,
):
    running, prepared, server = cluster_on_private_postgres
    hosts_before = {name: p.pid for name, p in running.processes.items() if name != "scheduler"}
    sitting = None

    async def run() -> dict:
        nonlocal sitting
        sitting = Sitting(running.base, prepared, prepared.usernames)  # in the loop: aiohttp
        await sitting.begin()
        began = time.monotonic()
        tasks, halfway = await sitting.until_a_quarter_saved(GIVE_UP_SECONDS)
        acked_at_stop = sitting.acked
        await asyncio.to_thread(server.stop)  # every session of the app is ended
        halfway.set()  # cadres go on saving into the outage
        await asyncio.sleep(DOWN_SECONDS)
        failures_while_down = sitting.failures
        await asyncio.to_thread(server.start)
        await asyncio.gather(*tasks)
        await sitting.client.close()
        return {
            "acked_at_stop": acked_at_stop,
            "failures_while_down": failures_while_down,
            "finish_s": round(time.monotonic() - began, 1),
        }

    outcome = run_loop(run())
    cadres = sitting.client.cadres
    check = check_answers(prepared.url, cadres)
    statuses = {s for counter in sitting.client.recorder.statuses.values() for s in counter}
    seen = f"statuses {statuses}, 503 messages {dict(sitting.unavailable)}, {outcome}"
    assert not sitting.refused, (sitting.refused[:5], seen)
    # The outage was seen, mid-run, and only as the 503 with its message.
    assert outcome["failures_while_down"] > 0, seen
    assert outcome["acked_at_stop"] < check.acknowledged
    assert statuses <= {200, 201, 503}, seen
    assert set(sitting.unavailable) == {UNAVAILABLE}, seen
    # The page's queue resent everything: each save acknowledged once at least, none lost.
    assert check.acknowledged == CADRES * SAVES_EACH
    assert check.lost == 0, check.samples
    assert all(c.submitted for c in cadres)
    assert check.submits_acknowledged == CADRES and check.submits_missing == 0
    # Recovered without a restart: the same masters, ready again, no trace in any log.
    assert {n: p.pid for n, p in running.processes.items() if n != "scheduler"} == hosts_before
    assert all(p.poll() is None for n, p in running.processes.items() if n != "scheduler")
    for port in running.host_ports:
        assert http_status(f"http://127.0.0.1:{port}/readyz", timeout=5) == 200
    for i in range(running.hosts):
        log = (running.work / f"host{i}.log").read_text(errors="replace")
        assert "Traceback" not in log, log[-3000:]

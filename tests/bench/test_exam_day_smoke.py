"""The exam-day benchmark still works: its quick mode end to end with very small numbers
(gunicorn, the load generator, the lost-answer check), on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL. A failure here means the benchmark or the exam API broke.
One worker with two threads, so that no start waits long for SQLite's write lock: this checks
that the benchmark works, not how fast the server is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.databases import normalise_pg_url
from tests.conftest import BACKENDS, PG_URL

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("database", BACKENDS)
def test_exam_day_quick_run_loses_nothing(database, tmp_path):
    out = tmp_path / "result.json"
    command = [
        sys.executable,
        str(ROOT / "bench" / "exam_day.py"),
        "--quick",
        "--database",
        database,
        "--cadres",
        "20",
        "--start-window",
        "2",
        "--duration",
        "3",
        "--concurrency",
        "8",
        "--saves-per-attempt",
        "12",
        "--workers",
        "2",
        "--threads",
        "2",
        "--json",
        str(out),
    ]
    if database == "postgresql":
        command += ["--database-url", normalise_pg_url(PG_URL)]
    else:  # the login storm's path too (everyone at once, the login queue's waits followed)
        command += ["--login-window", "1"]
    run = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300
    )  # a hang guard; loaded machine: ~2 min
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]

    (result,) = json.loads(out.read_text())
    phases = {row["endpoint"]: row for row in result["rows"]}
    if database == "postgresql":
        assert phases["login"]["requests"] == 20
    else:
        assert phases["login (until in)"]["requests"] == 20
        storm = result["login_storm"]
        assert storm["in"] == 20 and storm["failed"] == 0 and storm["all_in_s"] > 0
    assert phases["start"]["requests"] == 20
    assert phases["save answer"]["requests"] > 0 and phases["submit"]["requests"] > 0
    assert phases["ceiling (1 row)"]["requests"] > 0
    alone = [r for r in result["rows"] if r["phase"].startswith("save alone")]
    assert [r["endpoint"] for r in alone] == ["save answer"]  # no submit among them
    assert alone[0]["requests"] > 0 and result["save_alone_per_second"] > 0
    assert result["medians"]["cpu_ms_per_alone"] > 0 and result["medians"]["cpu_bare_alone"] > 0
    assert result["acknowledged"] > 0 and result["submits"] > 0
    assert result["lost_answers"] == 0 and result["lost_submits"] == 0
    assert result["errors"] == 0 and result["status_5xx"] == 0

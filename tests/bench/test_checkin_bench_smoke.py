"""The check-in benchmark still works: a tiny run end to end (gunicorn, the load generator,
double taps, the lookup of every member), on SQLite and, with TEST_DATABASE_URL, on
PostgreSQL. It checks that the benchmark works and loses nothing, not how fast it is."""

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
def test_checkin_bench_tiny_run_records_everyone_once(database, tmp_path):
    out = tmp_path / "result.json"
    command = [
        sys.executable,
        str(ROOT / "bench" / "checkin_bench.py"),
        "--database",
        database,
        "--members",
        "12",
        "--window",
        "2",
        "--double-tap",
        "0.5",
        "--workers",
        "1",
        "--threads",
        "2",
        "--json",
        str(out),
    ]
    if database == "postgresql":
        command += ["--database-url", normalise_pg_url(PG_URL)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=150)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    (result,) = json.loads(out.read_text())
    assert result["recorded"] == 12 and result["missing"] == 0
    assert result["lost"] == [] and result["duplicated"] == 0
    assert result["tap"]["statuses"].get("302") == 12
    assert result["double_taps"]["both_ok"] == 0 and result["double_taps"]["other"] == 0

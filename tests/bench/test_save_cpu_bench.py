"""The in-process save benchmark still runs: the app's save route and the bare ceiling both
answer its requests (each a 200 that applied the save, or the run stops), and it prints both
figures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_save_cpu_bench_measures_both_sides():
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "save_cpu.py"), "--saves", "30", "--rounds", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = re.search(r"save ([\d.]+) ms, bare ceiling ([\d.]+) ms", run.stdout)
    assert figures and float(figures[1]) > 0 and float(figures[2]) > 0, run.stdout
    assert "quiz_api.save_answer" not in run.stdout + run.stderr  # the log goes to a file

"""`make bench`: run every benchmark in turn with its defaults (set BENCH_DATABASE_URL to
include PostgreSQL where a benchmark supports it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "import_bench.py",
    "text_bank_bench.py",
    "course_search_bench.py",
    "user_import_bench.py",
    "stats_bench.py",
    "notify_bench.py",
    "evaluation_team_bench.py",
    "save_cpu.py",
    "exam_day.py",
]


def main() -> int:
    failed = []
    pg = os.environ.get("BENCH_DATABASE_URL", "")
    for name in BENCHMARKS:
        script = HERE / name
        if not script.exists():
            continue
        args = [sys.executable, str(script)]
        if pg and name not in ("exam_day.py", "text_bank_bench.py", "save_cpu.py"):
            args += ["--database-url", pg]
        print(f"\n=== {name}", flush=True)
        if subprocess.run(args, cwd=HERE.parent).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Import speed: a 10,000-question xlsx through the whole import, against openpyxl alone
reading the same file, measured in the same run (the machine is shared and noisy: read the
ratios, not the seconds).

    .venv/bin/python bench/import_bench.py [--questions 10000] [--repeat 3]
                                           [--database-url postgresql+psycopg://…]

Each measurement runs in its own process, so its peak memory (max RSS) is its own. Goal from
the issue: the whole import within 2x the bare read.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "答案",
    "解析",
    "难度",
    "知识点",
    "分值",
    "出处",
]
AREAS = ["理论学习", "政治领导", "选好干部", "政治训练", "政治生活", "责任监督"]


def build_file(path: Path, count: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(20261128)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("题库")
    sheet.append(HEADER)
    for n in range(count):
        kind = rng.choice(["单选", "单选", "多选", "判断", "填空", "简答"])
        stem = f"第{n}题：关于领导班子政治建设的第{n}项要求，下列说法正确的是（ ）。"
        if kind == "填空":
            stem = f"第{n}题：理论中心组学习通过____、____等方式抓实。"
        options = [f"选项内容{n}-{k}" for k in "ABCD"]
        answer = {
            "单选": "B",
            "多选": "ACD",
            "判断": rng.choice(["正确", "错误"]),
            "填空": "计划备案|结果通报/通报",
            "简答": "要点一；要点二。",
        }[kind]
        if kind in ("判断", "填空", "简答"):
            options = ["", "", "", ""]
        category = f"{rng.choice(AREAS)}/专题{rng.randint(1, 5)}"
        sheet.append(
            [kind, stem, *options, answer, f"解析{n}", rng.randint(1, 5), category, 2, "第一部分"]
        )
    workbook.save(path)


def measure(mode: str, file: Path, database_url: str) -> dict:
    started = time.perf_counter()
    if mode == "bare":
        from openpyxl import load_workbook

        workbook = load_workbook(file, read_only=True, data_only=True)
        cells = sum(
            1 for sheet in workbook for row in sheet.iter_rows(values_only=True) for _ in row
        )
        workbook.close()
        detail = {"cells": cells}
    elif mode == "parse":
        from app.quiz.bank.importers import parse

        result = parse(file.read_bytes(), file.name)
        detail = {"questions": len(result.questions), "errors": len(result.errors)}
    else:
        detail = _full_import(file, database_url)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"mode": mode, "seconds": elapsed, "peak_mib": peak_kib / 1024, **detail}


def _full_import(file: Path, database_url: str) -> dict:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.quiz.bank.services.importing import import_file

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        data = file.read_bytes()
        started = time.perf_counter()
        outcome = import_file(None, data, file.name, bank_name="基准题库")
        db.session.commit()
        seconds = time.perf_counter() - started
        return {
            "created": outcome.created,
            "errors": len(outcome.errors),
            "import_seconds_without_setup": seconds,
        }


def run_child(mode: str, file: Path, database_url: str) -> dict:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--measure",
            mode,
            "--file",
            str(file),
            "--database-url",
            database_url,
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def fresh_database(base_url: str | None, workdir: Path, n: int) -> str:
    if not base_url:
        return f"sqlite:///{workdir / f'bench-{n}.db'}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"xuekao_bench_{os.getpid()}_{n}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--measure", choices=["bare", "parse", "import"])
    parser.add_argument("--file", type=Path)
    args = parser.parse_args()

    if args.measure:
        print(json.dumps(measure(args.measure, args.file, args.database_url)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        file = workdir / "bench.xlsx"
        build_file(file, args.questions)
        print(f"file: {args.questions} questions, {file.stat().st_size / 1024:.0f} KiB")
        runs: dict[str, list[dict]] = {"bare": [], "parse": [], "import": []}
        for n in range(args.repeat):
            # Interleaved, so a burst of load on the shared machine hits all three alike.
            runs["bare"].append(run_child("bare", file, ""))
            runs["parse"].append(run_child("parse", file, ""))
            runs["import"].append(
                run_child("import", file, fresh_database(args.database_url or None, workdir, n))
            )
    median = {
        mode: statistics.median(r["seconds"] for r in results) for mode, results in runs.items()
    }
    median_import_only = statistics.median(
        r["import_seconds_without_setup"] for r in runs["import"]
    )
    peak = {mode: max(r["peak_mib"] for r in results) for mode, results in runs.items()}
    created = runs["import"][-1]["created"]
    print(
        f"database: {'PostgreSQL' if args.database_url else 'SQLite'}; "
        f"imported {created} questions, {runs['import'][-1]['errors']} errors"
    )
    print(f"{'step':<28}{'median s':>10}{'x bare read':>13}{'peak MiB':>10}")
    print(f"{'openpyxl bare read':<28}{median['bare']:>10.2f}{1:>13.2f}{peak['bare']:>10.0f}")
    print(
        f"{'parse + validate':<28}{median['parse']:>10.2f}"
        f"{median['parse'] / median['bare']:>13.2f}{peak['parse']:>10.0f}"
    )
    print(
        f"{'whole import (into DB)':<28}{median_import_only:>10.2f}"
        f"{median_import_only / median['bare']:>13.2f}{peak['import']:>10.0f}"
    )
    print("goal: whole import <= 2.00x bare read")
    print(
        "runs (s): "
        + "; ".join(
            f"{mode} "
            + ", ".join(
                f"{r.get('import_seconds_without_setup', r['seconds']):.2f}" for r in results
            )
            for mode, results in runs.items()
        )
    )


if __name__ == "__main__":
    main()

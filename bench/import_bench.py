"""Import speed: a 10,000-question xlsx through the whole import, against openpyxl alone
reading the same file, measured in the same run (the machine is shared and noisy: read the
ratios, not the seconds). Then XML entity bombs ("billion laughs") in an xlsx and a docx,
against parsing the same small file without the bomb.

    .venv/bin/python bench/import_bench.py [--questions 10000] [--repeat 3]
                                           [--database-url postgresql+psycopg://…]

Each measurement of the import runs in its own process, so its peak memory (max RSS) is its
own. Goals from the issue: parsing and the whole import within 2x the bare read; a bomb refused
or neutralised about as fast as the clean file is parsed. (The tests check only that the
imports are complete and that bombs are refused or neutralised: a speed limit in a test fails
on a loaded machine.)
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import scratch_pg_database  # noqa: E402

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


def fresh_database(base_url: str | None, workdir: Path, n: int, stack: ExitStack) -> str:
    if not base_url:
        return f"sqlite:///{workdir / f'bench-{n}.db'}"
    return stack.enter_context(scratch_pg_database(base_url, "xuekao_bench"))


# Nine levels of ten: 10⁹ "lol"s (3 GB) if a parser expanded them.
LAUGHS = b"".join(
    b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"lol") * 10)
    for n in range(1, 10)
)


def with_member_changed(data: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == member else content)
    return out.getvalue()


def bomb(root: bytes, marker: bytes):
    """``&lol9;`` in place of the first ``marker``, under a DTD declaring the entities."""

    def change(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        body = body.replace(marker, marker + b"&lol9;", 1)
        return b'<?xml version="1.0"?><!DOCTYPE ' + root + b" [" + LAUGHS + b"]>" + body

    return change


def bomb_cases() -> list[tuple[str, str, bytes, bytes]]:
    """(label, file name, clean file, bombed file): the entity in a cell's text and in the
    sheet's name of an xlsx, and in a paragraph of a docx."""
    import docx

    from app.quiz.bank.exporters.xlsx import export_xlsx
    from app.quiz.bank.importers.base import ParsedQuestion

    xlsx = export_xlsx([ParsedQuestion("judge", f"说法{n}", answer=True) for n in range(20)])
    document = docx.Document()
    document.add_paragraph("三、判断题")
    for n in range(20):
        document.add_paragraph(f"{n + 1}. 说法{n}。（√）")
    buffer = io.BytesIO()
    document.save(buffer)
    word = buffer.getvalue()
    return [
        (
            "xlsx, cell text",
            "a.xlsx",
            xlsx,
            with_member_changed(xlsx, "xl/worksheets/sheet1.xml", bomb(b"worksheet", b"<t>")),
        ),
        (
            "xlsx, sheet name",
            "a.xlsx",
            xlsx,
            with_member_changed(xlsx, "xl/workbook.xml", bomb(b"workbook", b'name="')),
        ),
        (
            "docx, paragraph",
            "a.docx",
            word,
            with_member_changed(word, "word/document.xml", bomb(b"w:document", b"<w:t>")),
        ),
    ]


def bombs(repeat: int) -> None:
    from app.quiz.bank.importers import parse
    from app.quiz.bank.importers.base import ImportRejected

    def best_of(data: bytes, name: str) -> tuple[float, str]:
        best, outcome = float("inf"), ""
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                result = parse(data, name)
                outcome = f"parsed, longest stem {max((len(q.stem) for q in result.questions), default=0)}"
            except ImportRejected:
                outcome = "refused"
            best = min(best, time.perf_counter() - started)
        return best, outcome

    print(f"\n{'entity bomb':<20}{'clean s':>9}{'bomb s':>9}{'x clean':>9}  outcome")
    for label, name, clean, bombed in bomb_cases():
        clean_s, _ = best_of(clean, name)
        bomb_s, outcome = best_of(bombed, name)
        print(f"{label:<20}{clean_s:>9.3f}{bomb_s:>9.3f}{bomb_s / clean_s:>9.2f}  {outcome}")
    print("goal: every bomb refused or neutralised (stems short), at about the clean parse's cost")


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

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as databases:
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
                run_child(
                    "import", file, fresh_database(args.database_url or None, workdir, n, databases)
                )
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
    print("goal: parse + validate and whole import <= 2.00x bare read")
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
    bombs(args.repeat)


if __name__ == "__main__":
    main()

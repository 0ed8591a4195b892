"""Parsing a long Chinese text bank (the layout of ``importers/chinese_text``): a 3,000-question
.txt as banks arrive after being pasted from a PDF — section headings, numbered stems (some
starting with a year), options one per line or four on a line, 答案/解析 lines, judge answers
as check marks, separator lines and a page header and footer on every page — parsed by the
importer, against reading the same file (bytes → text → lines) in the same run. The machine
is shared and noisy: read the ratio, not the seconds.

    .venv/bin/python bench/text_bank_bench.py [--questions 3000] [--repeat 5] [--gbk]

The content is generated from a fixed seed in the project's own words. The parse must find
every question with no error (exit 1 otherwise), so the figure is for a bank read right.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = "理论学习中心组领导班子集体学习计划备案述学评议学习档案政治建设专题研讨领学考学心得"
PAGE_HEADER = "××市委党校 领导干部理论学习题库（内部资料）"
LINES_PER_PAGE = 45


def phrase(rng: random.Random, low: int = 6, high: int = 18) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def build_bank(count: int, seed: int = 20261205) -> str:
    rng = random.Random(seed)
    sections = [
        ("一、单项选择题（每题 1 分）", "single"),
        ("二、多项选择题（每题 2 分）", "multiple"),
    ]
    sections += [("三、判断题", "judge"), ("四、简答题", "essay")]
    per_section = count // len(sections)
    lines: list[str] = []
    number = 0
    for index, (heading, kind) in enumerate(sections):
        lines += ["", heading, ""]
        total = per_section if index < len(sections) - 1 else count - per_section * index
        for n in range(1, total + 1):
            number += 1
            year = "2025年" if n % 17 == 0 else ""
            lines.append(f"{n}.{year}{phrase(rng)}（ ）。")
            if kind in ("single", "multiple"):
                options = [phrase(rng, 2, 8) for _ in range(4)]
                if n % 2:
                    lines += [f"{k}. {t}" for k, t in zip("ABCD", options, strict=True)]
                else:
                    lines.append(
                        "  ".join(f"{k}.{t}" for k, t in zip("ABCD", options, strict=True))
                    )
                answer = (
                    rng.choice("ABCD")
                    if kind == "single"
                    else "".join(sorted(rng.sample("ABCD", rng.randint(2, 4))))
                )
                lines.append(f"答案：{answer}")
            elif kind == "judge":
                lines.append(f"答案：{rng.choice(['✔', '❌', '√', '×', '对', '错'])}")
            else:
                lines += ["参考答案：", phrase(rng, 20, 60), phrase(rng, 20, 60)]
            if n % 3 == 0:
                lines.append(f"解析：{phrase(rng, 10, 40)}")
            if n % 10 == 0:
                lines.append("-----")
    paged: list[str] = []
    for page, start in enumerate(range(0, len(lines), LINES_PER_PAGE), start=1):
        paged.append(PAGE_HEADER)
        paged += lines[start : start + LINES_PER_PAGE]
        paged.append(f"第 {page} 页")
    return "\n".join(paged) + "\n"


def timed(function, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--gbk", action="store_true", help="write the file in GBK, not UTF-8")
    args = parser.parse_args()

    from app import create_app
    from app.quiz.bank.importers import chinese_layout, chinese_text
    from app.quiz.bank.importers.base import decode_text

    text = build_bank(args.questions)
    data = text.encode("gb18030" if args.gbk else "utf-8")
    path = Path("/tmp") / f"xuekao-text-bank-{args.questions}.txt"
    path.write_bytes(data)

    def read() -> list[str]:
        return chinese_layout.LINE_BREAK.split(decode_text(path.read_bytes()))

    def parse():
        return chinese_text.parse(path.read_bytes(), path.name)

    app = create_app("testing")
    with app.app_context():
        read_s, lines = timed(read, args.repeat)
        parse_s, result = timed(parse, args.repeat)
    found = len(result.questions)
    print(
        f"text bank: {args.questions} questions, {len(lines)} lines, {len(data) / 1024:.0f} KiB "
        f"({'GBK' if args.gbk else 'UTF-8'})"
    )
    print(f"  read file (bytes → lines)   {read_s * 1000:8.1f} ms")
    print(
        f"  parse (chinese_text.parse)  {parse_s * 1000:8.1f} ms   x{parse_s / read_s:.0f} the read"
    )
    print(f"  per question                {parse_s / max(found, 1) * 1e6:8.1f} µs")
    print(f"  questions found {found}, errors {len(result.errors)}, notes {len(result.notes)}")
    if found != args.questions or result.errors:
        for issue in result.errors[:10]:
            print(f"  ! {issue}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

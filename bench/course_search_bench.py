"""Course search speed, measured against a baseline in the same run on the same rows (the
machine is shared and noisy: read the ratios, not the milliseconds).

- filter: the service's database cut (``LIKE '%term%'`` on title and body, ``%``/``_``
  escaped, within the visible courses) against the baseline, the naive way: load every
  visible lesson and test ``term in text`` in Python. Same question, same answer (checked).
- search: the whole service as a reader gets it (the cut, the check against the rendered
  text, the title-first order and up to 50 highlighted snippets), in milliseconds.

    .venv/bin/python bench/course_search_bench.py [--courses 50] [--lessons 12] [--repeat 5]
                                                   [--database-url postgresql+psycopg://…]

Goal: the database cut beats the naive scan (ratio < 1), and a whole search stays well
within ~100 ms at a realistic size (hundreds of lessons of a few thousand characters).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = ["中心组", "计划备案", "一岗双责", "两代表一委员", "政治画像 考察", "学", "没有这个词"]


def paragraphs() -> list[str]:
    """The demo course's paragraphs, the raw material of the generated lessons."""
    found = []
    for path in sorted((ROOT / "courses" / "political-building").glob("0*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        found += [p.strip() for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
    return found


def build(courses: int, lessons: int) -> None:
    from app.auth.services import create_user
    from app.courses.services import content
    from app.extensions import db

    rng = random.Random(20261128)
    material = paragraphs()
    for c in range(courses):
        course = content.create_course(
            None, slug=f"bench-{c}", title=f"基准课程{c}", published=True, open_to_all=True
        )
        for n in range(lessons):
            sections = []
            for s in range(5):
                sections.append(f"## 第{s + 1}节 {{#s{s}}}")
                sections += rng.sample(material, 8)
            content.create_lesson(
                None,
                course,
                slug=f"l{n}",
                title=f"第{n + 1}讲 {rng.choice(['理论学习', '政治领导', '选人用人', '政治训练'])}",
                body="\n\n".join(sections),
                estimated_minutes=10,
            )
    create_user(
        None, username="bench-reader", name="读者", password="bench-pass-123", roles=["cadre"]
    )
    db.session.commit()


def baseline(user, query: str) -> set[int]:
    """The naive way: load every visible lesson and look in Python."""
    from sqlalchemy import select

    from app.courses import policy
    from app.courses.models import Lesson
    from app.extensions import db

    terms = [t.lower() for t in query.split()]
    rows = db.session.execute(
        select(Lesson.id, Lesson.title, Lesson.body).where(
            Lesson.course_id.in_(policy.visible_course_ids(user))
        )
    ).all()
    return {
        id_
        for id_, title, body in rows
        if all(t in title.lower() or t in body.lower() for t in terms)
    }


def database_cut(user, query: str) -> set[int]:
    """The service's first step alone: the lessons the database says match."""
    from sqlalchemy import select

    from app.courses import policy
    from app.courses.models import Lesson
    from app.courses.services.search import _where, query_terms
    from app.extensions import db

    return set(
        db.session.scalars(
            select(Lesson.id).where(
                Lesson.course_id.in_(policy.visible_course_ids(user)),
                _where(query_terms(query)),
            )
        )
    )


def timed(func, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--lessons", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from app import create_app
    from app.auth.services import find_user
    from app.courses.models import Lesson
    from app.courses.services.search import search_lessons
    from app.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "COURSE_ATTACHMENT_DIR": folder})
        with app.app_context():
            db.drop_all()
            db.create_all()
            build(args.courses, args.lessons)
            user = find_user("bench-reader")
            bodies = db.session.scalars(db.select(Lesson.body)).all()
            print(
                f"{db.engine.dialect.name}: {len(bodies)} lessons, "
                f"{sum(map(len, bodies)) / 1e6:.1f} M characters; median of {args.repeat}"
            )
            print(
                f"{'query':<12}{'lessons':>8}{'filter ms':>11}{'naive ms':>10}{'ratio':>7}"
                f"{'search ms':>11}{'hits':>6}"
            )
            ratios, searches = [], []
            for query in QUERIES:
                cut_ms, cut = timed(lambda q=query: database_cut(user, q), args.repeat)
                base_ms, naive = timed(lambda q=query: baseline(user, q), args.repeat)
                search_ms, hits = timed(lambda q=query: search_lessons(user, q), args.repeat)
                db.session.rollback()
                assert cut == naive, f"{query}: the cut and the naive scan disagree"
                ratios.append(cut_ms / base_ms)
                searches.append(search_ms)
                print(
                    f"{query:<12}{len(cut):>8}{cut_ms:>11.1f}{base_ms:>10.1f}"
                    f"{cut_ms / base_ms:>7.2f}{search_ms:>11.1f}{len(hits):>6}"
                )
            print(
                f"filter / naive, geometric mean: {statistics.geometric_mean(ratios):.2f}; "
                f"slowest whole search: {max(searches):.0f} ms"
            )
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()

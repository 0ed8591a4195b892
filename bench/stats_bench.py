"""Study statistics at scale: the pages against the bare SQL of the same aggregates, in the
same run on the same rows (the machine is shared and noisy: read the ratios).

Generates (at ``--scale 1``) 10,000 cadres in 500 teams (50 units of 10 teams), 5 level
tests with 10,000 audience pairs each, 50,000 submitted attempts and 2,500,000 answers (50
per attempt, with their paper items), a required course with completions; then times:

- the admin overview (``/stats/overview``: every unit's figures from the registry);
- a secretary dashboard (``/stats/?team=…``: their unit, its trend by month, members);
- one exam's results by unit (``/stats/exams/<id>/units``) and for the root's subtree
  (``/stats/exams/<id>/teams/<root>``);

each against the bare aggregate calls the page makes (``team_figures``,
``member_figures``, ``unit_counts``, ``team_results``) without rendering.
Goal: each page within 2x its queries and under one second.

    .venv/bin/python bench/stats_bench.py [--scale 1.0] [--repeat 3]
                                          [--database-url postgresql+psycopg://…]
    .venv/bin/python bench/stats_bench.py --scale 0.01     # a smoke run: 100 cadres, 5 teams

Rows are bulk-inserted (no audit, no hashing) so that building the data does not dominate.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FULL = {"cadres": 10_000, "units": 50, "teams_per_unit": 10, "exams": 5, "answers": 50}
PASSWORD = "bench-pass-123"


def sizes(scale: float) -> dict[str, int]:
    units = max(1, round(FULL["units"] * scale))
    return {
        "cadres": max(10, round(FULL["cadres"] * scale)),
        "units": units,
        "teams_per_unit": FULL["teams_per_unit"] if scale >= 0.1 else 1,
        "exams": FULL["exams"],
        "answers": FULL["answers"] if scale >= 0.1 else 10,
    }


def _batched(rows: list[dict], size: int = 20_000):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


ITEM_COLUMNS = (
    "attempt_id",
    "position",
    "question_id",
    "points",
    "option_order",
    "option_ids",
    "flagged",
)
ANSWER_COLUMNS = (
    "attempt_id",
    "question_id",
    "response",
    "seq",
    "saved_at",
    "score",
    "correct",
    "comment",
)


def _bulk_items_and_answers(attempt_ids, question_ids, points, now, rng) -> None:
    """The 2.5 million paper items and answers straight through the driver, in the session's
    transaction: ``COPY`` on PostgreSQL, ``executemany`` of tuples on SQLite (the ORM's bulk
    insert of dicts spent most of the build on per-row Python work)."""
    from app.extensions import db

    raw = db.session.connection().connection.driver_connection
    postgres = db.engine.dialect.name == "postgresql"
    # SQLAlchemy's SQLite storage formats: DATETIME as text, NUMERIC bound as float
    saved = now.strftime("%Y-%m-%d %H:%M:%S.%f") if not postgres else now
    worth = points if postgres else float(points)
    zero = Decimal(0) if postgres else 0.0
    items, answers = [], []

    def flush() -> None:
        if postgres:
            with raw.cursor() as cursor:
                for table, cols, rows in (
                    ("exam_attempt_items", ITEM_COLUMNS, items),
                    ("exam_attempt_answers", ANSWER_COLUMNS, answers),
                ):
                    with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
        else:
            for table, cols, rows in (
                ("exam_attempt_items", ITEM_COLUMNS, items),
                ("exam_attempt_answers", ANSWER_COLUMNS, answers),
            ):
                marks = ", ".join("?" * len(cols))
                raw.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
        items.clear()
        answers.clear()

    for attempt_id in attempt_ids:
        for position, question_id in enumerate(question_ids):
            right = rng.random() < 0.7
            items.append((attempt_id, position, question_id, worth, "[]", "[]", False))
            answers.append(
                (
                    attempt_id,
                    question_id,
                    "true" if right else "false",
                    1,
                    saved,
                    worth if right else zero,
                    right,
                    "",
                )
            )
        if len(items) >= 100_000:
            flush()
    flush()


def build(n: dict[str, int], rng: random.Random) -> dict:
    from sqlalchemy import insert, select

    from app.auth import services as accounts
    from app.auth.models import Team, User, UserRole
    from app.common.timeutil import utcnow
    from app.courses.models import Assignment, Course, CourseCompletion
    from app.extensions import db
    from app.quiz.bank.models import Category, Question, QuestionBank
    from app.quiz.exams.models import Attempt, Exam, ExamAudience

    now = utcnow().replace(microsecond=0)
    root = accounts.create_team(None, name="基准省委", kind="department")
    teams: list[Team] = []
    units = []
    for u in range(n["units"]):
        unit = accounts.create_team(None, name=f"单位{u}", parent=root, kind="unit")
        units.append(unit)
        teams.append(unit)
        for t in range(n["teams_per_unit"] - 1):
            teams.append(accounts.create_team(None, name=f"班子{u}-{t}", parent=unit))
    admin = accounts.create_user(
        None,
        username="bench-admin",
        name="管理员",
        password=PASSWORD,
        roles=["admin"],
        team=root,
        must_change_password=False,
    )
    secretary = accounts.create_user(
        None,
        username="bench-sec",
        name="秘书",
        password=PASSWORD,
        roles=["secretary"],
        team=units[0],
        secretary_teams=[units[0]],
        must_change_password=False,
    )
    db.session.flush()
    ranks = ("county", "township", "other")
    users = [
        {
            "username": f"c{i}",
            "name": f"干部{i}",
            "rank": ranks[i % 3],
            "team_id": teams[i % len(teams)].id,
            "active": True,
        }
        for i in range(n["cadres"])
    ]
    for chunk in _batched(users):
        db.session.execute(insert(User), chunk)
    user_ids = list(db.session.scalars(select(User.id).where(User.username.like("c%"))))
    for chunk in _batched([{"user_id": uid, "role": "cadre"} for uid in user_ids]):
        db.session.execute(insert(UserRole), chunk)

    bank = QuestionBank(name="基准题库")
    db.session.add(bank)
    db.session.flush()
    categories = []
    for c in range(5):
        category = Category(bank_id=bank.id, name=f"知识点{c}", path="")
        db.session.add(category)
        db.session.flush()
        category.path = f"/{category.id}/"
        categories.append(category)
    questions = []
    for q in range(n["answers"]):
        question = Question(
            bank_id=bank.id,
            category_id=categories[q % 5].id,
            type="judge",
            stem=f"基准判断题{q}",
            answer=True,
            fingerprint=f"bench-{q}",
        )
        db.session.add(question)
        questions.append(question)
    db.session.flush()

    exams = []
    for e in range(n["exams"]):
        exam = Exam(
            kind="level_test",
            title=f"基准水平测试{e}",
            opens_at=now - timedelta(days=30 + e),
            closes_at=now - timedelta(days=1 + e),
            status="closed",
            pass_mark=Decimal(60),
            score_policy="at_submit",
        )
        exam.audience.append(ExamAudience(kind="team", team_id=root.id))
        db.session.add(exam)
        exams.append(exam)
    db.session.flush()

    attempts = []
    for exam in exams:
        for uid in user_ids:
            score = rng.randint(0, n["answers"])
            attempts.append(
                {
                    "exam_id": exam.id,
                    "user_id": uid,
                    "number": 1,
                    "status": "submitted",
                    "started_at": exam.opens_at,
                    "deadline": exam.closes_at,
                    "submitted_at": exam.opens_at + timedelta(minutes=rng.randint(5, 60)),
                    "score": Decimal(score) * 100 / n["answers"],
                    "max_score": Decimal(100),
                    "passed": score * 100 / n["answers"] >= 60,
                    "graded": True,
                }
            )
    for chunk in _batched(attempts):
        db.session.execute(insert(Attempt), chunk)
    attempt_ids = list(db.session.scalars(select(Attempt.id)))
    points = Decimal(100) / n["answers"]
    _bulk_items_and_answers(attempt_ids, [q.id for q in questions], points, now, rng)

    course = Course(slug="bench-course", title="基准必修课", published=True)
    db.session.add(course)
    db.session.flush()
    db.session.add(
        Assignment(
            course_id=course.id,
            kind="rotation",
            team_id=root.id,
            required=True,
            due_at=now - timedelta(days=3),
            created_at=now - timedelta(days=40),
        )
    )
    completions = [
        {
            "user_id": uid,
            "course_id": course.id,
            "completed_at": now - timedelta(days=5),
            "hours": Decimal(2),
        }
        for uid in user_ids
        if rng.random() < 0.6
    ]
    for chunk in _batched(completions):
        db.session.execute(insert(CourseCompletion), chunk)
    db.session.commit()
    return {
        "root": root.id,
        "unit": units[0].id,
        "exam": exams[0].id,
        "admin": admin.id,
        "secretary": secretary.id,
        "attempts": len(attempt_ids),
        "answers": len(attempt_ids) * n["answers"],
        "teams": len(teams) + 1,
    }


def kept_pg_database(server_url: str, name: str) -> str:
    """Database ``name`` on the server (made if missing), kept after the run."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bench.databases import normalise_pg_url

    server = make_url(normalise_pg_url(server_url))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def kept_ids(n: dict[str, int]) -> dict | None:
    """The ids of a kept build of the same size, after adding any table or index the models
    gained since it was built; None when there is none to reuse."""
    from sqlalchemy import func, inspect, select

    from app.auth.models import Team, User
    from app.extensions import db
    from app.quiz.exams.models import Attempt, Exam

    if "users" not in inspect(db.engine).get_table_names():
        return None
    admin = db.session.scalar(select(User).where(User.username == "bench-admin"))
    cadres = db.session.scalar(select(func.count()).where(User.username.like("c%")))
    if admin is None or cadres != n["cadres"]:
        return None
    db.session.commit()  # SQLite: the session's transaction holds the write lock
    db.create_all()
    for table in db.metadata.sorted_tables:
        for index in table.indexes:
            index.create(db.engine, checkfirst=True)
    attempts = db.session.scalar(select(func.count(Attempt.id)))
    return {
        "root": db.session.scalar(select(Team.id).where(Team.name == "基准省委")),
        "unit": db.session.scalar(select(Team.id).where(Team.name == "单位0")),
        "exam": db.session.scalar(select(func.min(Exam.id))),
        "admin": admin.id,
        "secretary": db.session.scalar(select(User.id).where(User.username == "bench-sec")),
        "attempts": attempts,
        "answers": attempts * n["answers"],
        "teams": db.session.scalar(select(func.count(Team.id))),
    }


def timed(func, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def fresh_g_client_class():
    """A test client whose every request gets an empty ``g`` (Flask reuses the bench's open
    application context for requests; without this the logged-in user would leak)."""
    from flask.globals import _cv_app
    from flask.testing import FlaskClient

    class Client(FlaskClient):
        def open(self, *args, **kwargs):
            ctx = _cv_app.get(None)
            if ctx is None:
                return super().open(*args, **kwargs)
            saved = dict(vars(ctx.g))
            vars(ctx.g).clear()
            try:
                return super().open(*args, **kwargs)
            finally:
                vars(ctx.g).clear()
                vars(ctx.g).update(saved)

    return Client


def login(client, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code


def measure(app, ids: dict, repeat: int) -> list[tuple[str, float, float]]:
    from app.auth.models import Team, User
    from app.common import figures as registry
    from app.extensions import db
    from app.quiz.exams.models import Exam
    from app.quiz.exams.services import team_results
    from app.stats import dashboard, services

    rows = []
    app.test_client_class = fresh_g_client_class()
    admin_client, sec_client = app.test_client(), app.test_client()
    login(admin_client, "bench-admin")
    login(sec_client, "bench-sec")

    def page(client, url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    with app.test_request_context():
        admin = db.session.get(User, ids["admin"])
        unit = db.session.get(Team, ids["unit"])
        root = db.session.get(Team, ids["root"])
        exam = db.session.get(Exam, ids["exam"])
        period = dashboard.default_period()
        units = services.comparable_units()

        def overview_sql():
            registry.team_figures([u.id for u in units], period)
            dashboard.member_counts(units)

        def dashboard_sql():
            registry.team_figures([unit.id], period)
            dashboard.member_counts([unit])
            registry.team_figures_periods([unit.id], dashboard.months(period))
            people = [u.id for u in dashboard.members(unit)]
            registry.member_figures(people, period)  # the members table and the reminders

        def units_sql():
            team_results.unit_counts(exam, units, True)

        def root_sql():
            team_results.team_results(exam, root, admin, page=1)

        cases = [
            ("admin overview", page(admin_client, "/stats/overview"), overview_sql),
            ("secretary dashboard", page(sec_client, f"/stats/?team={unit.id}"), dashboard_sql),
            ("exam by unit", page(admin_client, f"/stats/exams/{exam.id}/units"), units_sql),
            (
                "exam, root subtree",
                page(admin_client, f"/stats/exams/{exam.id}/teams/{root.id}"),
                root_sql,
            ),
        ]
        for name, page_call, sql_call in cases:
            page_call()  # warm both
            sql_call()
            rows.append((name, timed(page_call, repeat), timed(sql_call, repeat)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 10,000 cadres")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (scratch db)")
    parser.add_argument(
        "--keep",
        default="",
        metavar="NAME",
        help="build into NAME (SQLite: /tmp/NAME.db; PostgreSQL: database NAME) and keep it; "
        "a later run with the same NAME times the kept rows without rebuilding them",
    )
    args = parser.parse_args(argv)

    from app import create_app
    from app.extensions import db
    from bench.databases import scratch_pg_database

    n = sizes(args.scale)
    failures = 0
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        if args.keep and args.database_url:
            url = kept_pg_database(args.database_url, args.keep)
        elif args.keep:
            url = f"sqlite:///{tempfile.gettempdir()}/{args.keep}.db"
        elif args.database_url:
            url = stack.enter_context(scratch_pg_database(args.database_url, "stats_bench"))
        else:
            url = f"sqlite:///{folder}/bench.db"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "WTF_CSRF_ENABLED": False,
                "TESTING": True,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            started = time.perf_counter()
            ids = kept_ids(n) if args.keep else None
            reused = ids is not None
            if ids is None:
                db.drop_all()
                db.create_all()
                ids = build(n, random.Random(20261205))
                if db.engine.dialect.name == "postgresql":
                    # what autovacuum would have done by the time anyone reads the figures:
                    # without statistics on the freshly copied rows the planner guesses
                    with db.engine.connect() as conn:
                        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                            "ANALYZE"
                        )
            built = time.perf_counter() - started
            print(
                f"{db.engine.dialect.name}: {n['cadres']} cadres, {ids['teams']} teams, "
                f"{ids['attempts']} attempts, {ids['answers']} answers "
                f"({'reused' if reused else 'built'} in {built:.1f} s); "
                f"median of {args.repeat}"
            )
            print(f"{'page':<22}{'page ms':>10}{'sql ms':>10}{'ratio':>7}  goal")
            for name, page_ms, sql_ms in measure(app, ids, args.repeat):
                ratio = page_ms / sql_ms if sql_ms else float("inf")
                ok = ratio <= 2 and page_ms < 1000
                failures += not ok
                print(
                    f"{name:<22}{page_ms:>10.1f}{sql_ms:>10.1f}{ratio:>7.2f}  "
                    f"{'ok' if ok else 'MISSED (2x, 1 s)'}"
                )
            db.session.remove()
            db.engine.dispose()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

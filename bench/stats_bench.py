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
from datetime import date, timedelta
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


def add_checkin(rng: random.Random) -> int:
    """The centre-group records of this year for every team (when none exist yet, so that a
    kept build gains them): a plan of 12 items, a session on the 10th of each month with a
    lead and a report speaker and every member's attendance (9 in 10 present), two
    reflections and a self-study record a month per member, a party lecture for half of
    them. Returns how many rows were added."""
    from sqlalchemy import func, insert, select

    from app.auth.models import User
    from app.checkin.models import (
        Attendance,
        PartyLecture,
        Reflection,
        SelfStudy,
        SessionSpeaker,
        StudyPlan,
        StudyPlanItem,
        StudySession,
    )
    from app.checkin.services.base import local_midnight
    from app.common.timeutil import to_local, utcnow
    from app.extensions import db

    if db.session.scalar(select(func.count(StudySession.id))):
        return 0
    now = utcnow().replace(microsecond=0)
    year = to_local(now).year
    members: dict[int, list[int]] = {}
    for user_id, team_id in db.session.execute(
        select(User.id, User.team_id).where(User.username.like("c%"), User.team_id.is_not(None))
    ):
        members.setdefault(team_id, []).append(user_id)
    added = 0

    def put(model, rows: list[dict]) -> None:
        nonlocal added
        for chunk in _batched(rows):
            db.session.execute(insert(model), chunk)
        added += len(rows)

    put(StudyPlan, [{"team_id": t, "year": year, "status": "acknowledged"} for t in members])
    plans = dict(
        db.session.execute(
            select(StudyPlan.team_id, StudyPlan.id).where(StudyPlan.year == year)
        ).all()
    )
    put(
        StudyPlanItem,
        [
            {"plan_id": plans[t], "month": m, "topic": f"专题{m}"}
            for t in members
            for m in range(1, 13)
        ],
    )
    put(
        StudySession,
        [
            {
                "team_id": t,
                "starts_at": local_midnight(date(year, m, 10)) + timedelta(hours=9),
                "ends_at": local_midnight(date(year, m, 10)) + timedelta(hours=11),
                "topic": f"专题{m}",
            }
            for t in members
            for m in range(1, 13)
        ],
    )
    sessions = db.session.execute(select(StudySession.id, StudySession.team_id)).all()
    speakers, marks = [], []
    for session_id, team_id in sessions:
        people = members[team_id]
        for role in ("lead", "report"):
            speakers.append({"session_id": session_id, "user_id": rng.choice(people), "role": role})
        for user_id in people:
            present = rng.random() < 0.9
            marks.append(
                {
                    "session_id": session_id,
                    "user_id": user_id,
                    "status": "present" if present else "absent",
                    "method": "code" if present else "manual",
                }
            )
    put(SessionSpeaker, speakers)
    put(Attendance, marks)
    everyone = [(u, t) for t, people in members.items() for u in people]
    put(
        Reflection,
        [
            {
                "user_id": u,
                "team_id": t,
                "title": "心得",
                "body": "悟" * 200,
                "submitted_at": local_midnight(date(year, 1 + 5 * k, 20)),
            }
            for u, t in everyone
            for k in range(2)
        ],
    )
    put(
        SelfStudy,
        [
            {
                "user_id": u,
                "studied_on": date(year, m, 15),
                "minutes": rng.randint(30, 180),
                "material_kind": "book",
                "material_title": "读本",
                "material_key": "book:读本",
            }
            for u, _t in everyone
            for m in range(1, 13)
        ],
    )
    put(
        PartyLecture,
        [
            {
                "user_id": u,
                "team_id": t,
                "given_on": date(year, 6, 1),
                "branch": "支部",
                "topic": "党课",
                "audience": 20,
            }
            for u, t in everyone
            if rng.random() < 0.5
        ],
    )
    db.session.commit()
    return added


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


def timed(page, sql, repeat: int) -> tuple[float, float]:
    """Median ms of the page and of its bare SQL, run alternately so that a burst of load
    from the shared machine falls on both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for func, times in ((page, samples[0]), (sql, samples[1])):
            started = time.perf_counter()
            func()
            times.append(time.perf_counter() - started)
    return statistics.median(samples[0]) * 1000, statistics.median(samples[1]) * 1000


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
            # the teams table and the trend by month: one call, the year and its months
            registry.team_figures_periods([unit.id], [period, *dashboard.months(period)])
            dashboard.member_counts([unit])
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
            rows.append((name, *timed(page_call, sql_call, repeat)))
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
            checkin_rows = add_checkin(random.Random(20261206))
            if checkin_rows and db.engine.dialect.name == "postgresql":
                with db.engine.connect() as conn:
                    conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
            built = time.perf_counter() - started
            from app.quiz.exams.services import tallies

            started = time.perf_counter()
            stored = tallies.refresh()  # what the exams.refresh_tallies job keeps up
            db.session.commit()
            tallied = time.perf_counter() - started
            print(
                f"{db.engine.dialect.name}: {n['cadres']} cadres, {ids['teams']} teams, "
                f"{ids['attempts']} attempts, {ids['answers']} answers, centre-group records "
                f"(+{checkin_rows} rows) "
                f"({'reused' if reused else 'built'} in {built:.1f} s); "
                f"median of {args.repeat}, page and SQL alternately; stored sums by question of {stored} (exam, team) "
                f"refreshed in {tallied:.1f} s"
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

"""The team assessment (领导班子政治功能研判) of a large round, against its bare SQL, in the
same run on the same rows (the machine is shared and noisy: read the ratios).

A round over ``--teams`` × ``--members`` cadres (default 50 × 10 = 500), each with
``--ballots`` anonymous ballots (default 10: 5,000 in all) and a published result. For one team:

- bare SQL: the round's minimum and the team's name, then two queries (the team's subjects
  with their results and names; their ballots' grades) and the grade counting in a loop — the least any page showing these numbers must do;
- service: what the page computes (subjects with their users, ballot summaries with the
  minimum-count rule, the roll-up);
- page: the whole ``GET /evaluation/rounds/<id>/teams/<id>`` as an administrator gets it.

    .venv/bin/python bench/evaluation_team_bench.py [--teams 50] [--members 10] [--ballots 10]
                                                   [--repeat 7] [--database-url postgresql://…]

- floor page: a bench-only page on the bench's own app, the same stack (login session,
  permission check, the base layout and its menus) printing what the bare SQL read.

Goal (issue 17): the team assessment page within 2× its bare SQL. The whole page cannot be:
any page of this app costs many times a 1 ms query (the floor page shows it). So the figures
are the service against the bare SQL, and the page against the floor page; both goal ≤ 2.
``--profile`` prints the page's SQL statements and where its time goes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import normalise_pg_url  # noqa: E402

GRADES = ("good", "fair", "average", "poor")


def build(teams: int, members: int, ballots_each: int):
    """Rows inserted in bulk (no password hashing, no per-row services): only the reading is
    measured."""
    from app.auth.models import User
    from app.auth.services import create_team, create_user
    from app.evaluation.demo import build_framework
    from app.evaluation.models import Ballot, Evaluation
    from app.evaluation.services import rounds
    from app.extensions import db

    rng = random.Random(20270101)
    root = create_team(None, name="基准部门", kind="department")
    framework = build_framework(2027)
    round_ = rounds.create_round(
        None, title="基准考察", purpose="annual", framework=framework, min_ballots=5
    )
    dims = [d.id for d in framework.dimensions]
    team_ids = []
    for t in range(teams):
        team = create_team(None, name=f"基准班子{t}", parent=root)
        team_ids.append(team.id)
        users = [
            User(username=f"b{t}-{m}", name=f"干部{t}-{m}", team_id=team.id, rank="county")
            for m in range(members)
        ]
        db.session.add_all(users)
        db.session.flush()
        subjects = [Evaluation(round_id=round_.id, kind="team", team_id=team.id)] + [
            Evaluation(
                round_id=round_.id,
                kind="cadre",
                team_id=team.id,
                user_id=u.id,
                dimension_scores={str(d): rng.randint(10, 20) for d in dims},
                total=rng.randint(60, 100),
                grade=rng.choice(["好", "较好", "一般"]),
                published_at=round_.created_at,
            )
            for u in users
        ]
        db.session.add_all(subjects)
        db.session.flush()
        db.session.add_all(
            Ballot(
                id=secrets.token_hex(16),
                evaluation_id=s.id,
                grades={str(d): rng.choice(GRADES) for d in dims},
                comment=rng.choice(["", "", "希望加强调研"]),
            )
            for s in subjects[1:]
            for _ in range(ballots_each)
        )
    admin = create_user(
        None,
        username="bench-admin",
        name="管理员",
        password="bench-pass-123",
        roles=["admin"],
        must_change_password=False,
    )
    db.session.commit()
    return round_.id, team_ids[len(team_ids) // 2], admin.username


def bare_sql(round_id: int, team_id: int) -> tuple[int, int]:
    minimum, name, subjects, counts, ballots = bare_rows(round_id, team_id)
    return len(subjects), ballots


def bare_rows(round_id: int, team_id: int):
    from sqlalchemy import text

    from app.extensions import db

    # what any page must read first: the round's minimum count, the team's name
    minimum = db.session.execute(
        text("SELECT min_ballots FROM eval_rounds WHERE id = :r"), {"r": round_id}
    ).scalar()
    name = db.session.execute(text("SELECT name FROM teams WHERE id = :t"), {"t": team_id}).scalar()
    subjects = db.session.execute(
        text(
            "SELECT e.id, u.name, e.dimension_scores, e.total, e.grade, e.veto "
            "FROM eval_evaluations e LEFT JOIN users u ON u.id = e.user_id "
            "WHERE e.round_id = :r AND e.team_id = :t ORDER BY e.kind DESC, e.id"
        ),
        {"r": round_id, "t": team_id},
    ).all()
    rows = db.session.execute(
        text(
            "SELECT b.evaluation_id, b.grades, b.comment FROM eval_ballots b "
            "JOIN eval_evaluations e ON e.id = b.evaluation_id "
            "WHERE e.round_id = :r AND e.team_id = :t"
        ),
        {"r": round_id, "t": team_id},
    ).all()
    counts: dict = {}
    for eid, grades, _comment in rows:
        grades = grades if isinstance(grades, dict) else json.loads(grades)
        per = counts.setdefault(eid, {})
        for dim, grade in grades.items():
            per[(dim, grade)] = per.get((dim, grade), 0) + 1
    assert minimum is not None
    return minimum, name, subjects, counts, len(rows)


def service(round_id: int, team_id: int) -> tuple[int, int]:
    from app.auth.models import Team
    from app.evaluation.models import EvaluationRound
    from app.evaluation.services.team_assessment import assess_team
    from app.extensions import db

    round_ = db.session.get(EvaluationRound, round_id)
    team = db.session.get(Team, team_id)  # the page loads both (to check scope; the names)
    assessment = assess_team(round_, team)
    return len(assessment.rows), sum(row.summary.count for row in assessment.rows)


FLOOR_TEMPLATE = """{% extends "base.html" %}{% block content %}<h1>{{ name }}</h1>
<table>{% for s in subjects %}<tr><td>{{ s[1] }}</td><td>{{ s[2] }}</td><td>{{ s[3] }}</td>
<td>{{ s[4] }}</td><td>{{ counts.get(s[0], {})|length }}</td></tr>{% endfor %}</table>
{% endblock %}"""


def add_floor_page(app) -> str:
    """A bench-only page on the bench's own app (production never has it): the same stack as
    the real page — login session, permission check, base layout with its menus — printing
    what the bare SQL read. The least any page showing these numbers costs here."""
    from flask import render_template
    from jinja2 import ChoiceLoader, DictLoader

    from app.common.permissions import role_required

    # a named template, so Jinja compiles it once as it does the real page's
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"bench/floor.html": FLOOR_TEMPLATE}), app.jinja_env.loader]
    )

    @role_required("admin")
    def floor(round_id: int, team_id: int):
        minimum, name, subjects, counts, _n = bare_rows(round_id, team_id)
        return render_template("bench/floor.html", name=name, subjects=subjects, counts=counts)

    app.add_url_rule("/bench/floor/<int:round_id>/<int:team_id>", "bench_floor", floor)
    return "/bench/floor/{}/{}"


def _login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"username": username, "password": "bench-pass-123", "csrf_token": token}
    )
    assert response.status_code == 302, "bench login failed"


def sample(subjects: dict, repeat: int, reset) -> dict[str, list[float]]:
    """Milliseconds per call, the subjects taken in turn each round: on a shared machine a burst
    of someone else's load then falls on all of them alike. The median says what a user waits
    under that load; the fastest, what the code itself costs."""
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    for _ in range(repeat):
        for name, func in subjects.items():
            reset()
            started = time.perf_counter()
            func()
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def profile(client, url: str, db) -> None:
    import cProfile
    import pstats

    from sqlalchemy import event

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split())[:110])

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", record)
    client.get(url)
    event.remove(db.engine, "before_cursor_execute", record)
    print(f"the page runs {len(statements)} SQL statements:")
    for statement in statements:
        print("  ", statement)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        db.session.expire_all()
        client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--ballots", type=int, default=10, help="ballots per cadre")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", action="store_true", help="the page's SQL and hot spots")
    args = parser.parse_args(argv)

    from app import create_app
    from app.extensions import db
    from bench.databases import scratch_pg_database

    with tempfile.TemporaryDirectory() as folder:
        if args.database_url:
            context = scratch_pg_database(normalise_pg_url(args.database_url), "bench_eval")
        else:
            context = nullcontext(f"sqlite:///{folder}/bench.db")
        with context as url:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOGIN_RATE_LIMIT": "1000/minute"})
            floor_url = add_floor_page(app)
            with app.app_context():
                db.create_all()
                round_id, team_id, username = build(args.teams, args.members, args.ballots)
                client = app.test_client()
                _login(client, username)
                page_url = f"/evaluation/rounds/{round_id}/teams/{team_id}"
                first = client.get(page_url)
                assert first.status_code == 200, (first.status_code, first.location)
                floor_url = floor_url.format(round_id, team_id)
                assert client.get(floor_url).status_code == 200
                bare = bare_sql(round_id, team_id)
                svc = service(round_id, team_id)
                assert bare == svc, f"bare SQL {bare} and the service {svc} disagree"
                samples = sample(
                    {
                        "bare SQL": lambda: bare_sql(round_id, team_id),
                        "service": lambda: service(round_id, team_id),
                        "page": lambda: client.get(page_url),
                        "floor page": lambda: client.get(floor_url),
                    },
                    args.repeat,
                    db.session.expire_all,
                )
                total = args.teams * args.members
                print(
                    f"{db.engine.dialect.name}: {total} cadres, {total * args.ballots} ballots; "
                    f"team of {args.members}; {args.repeat} rounds, interleaved"
                )
                if args.profile:
                    profile(client, page_url, db)
                for label, pick in (("median", statistics.median), ("fastest", min)):
                    ms = {name: pick(values) for name, values in samples.items()}
                    print(
                        f"{label}: "
                        + " · ".join(f"{name} {value:.1f} ms" for name, value in ms.items())
                    )
                    print(
                        f"  service / bare SQL {ms['service'] / ms['bare SQL']:.2f} (goal ≤ 2) · "
                        f"page / bare SQL {ms['page'] / ms['bare SQL']:.2f} · "
                        f"page / floor page {ms['page'] / ms['floor page']:.2f} (goal ≤ 2)"
                    )
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

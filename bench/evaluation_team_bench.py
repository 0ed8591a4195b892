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

Goal: the service within 2× the bare SQL.
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
    from sqlalchemy import text

    from app.extensions import db

    # what any page must read first: the round's minimum count, the team's name
    minimum = db.session.execute(
        text("SELECT min_ballots FROM eval_rounds WHERE id = :r"), {"r": round_id}
    ).scalar()
    db.session.execute(text("SELECT name FROM teams WHERE id = :t"), {"t": team_id}).scalar()
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
    return len(subjects), len(rows)


def service(round_id: int, team_id: int) -> tuple[int, int]:
    from app.auth.models import Team
    from app.evaluation.models import EvaluationRound
    from app.evaluation.services import appraisal, ballots
    from app.extensions import db

    round_ = db.session.get(EvaluationRound, round_id)
    team = db.session.get(Team, team_id)  # the page loads it (to check scope; its name)
    subjects = appraisal.team_subjects(round_, team_id)
    summaries = ballots.summaries(subjects)
    appraisal.team_rollup(subjects)
    names = [s.subject_name for s in subjects]
    assert team is not None
    return len(names), sum(s.count for s in summaries.values())


def _login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"username": username, "password": "bench-pass-123", "csrf_token": token}
    )
    assert response.status_code == 302, "bench login failed"


def timed(func, repeat: int, reset) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        reset()
        started = time.perf_counter()
        result = func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--ballots", type=int, default=10, help="ballots per cadre")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", default="")
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
            with app.app_context():
                db.create_all()
                round_id, team_id, username = build(args.teams, args.members, args.ballots)
                client = app.test_client()
                _login(client, username)
                page_url = f"/evaluation/rounds/{round_id}/teams/{team_id}"
                first = client.get(page_url)
                assert first.status_code == 200, (first.status_code, first.location)
                reset = db.session.expire_all
                bare_ms, bare = timed(lambda: bare_sql(round_id, team_id), args.repeat, reset)
                svc_ms, svc = timed(lambda: service(round_id, team_id), args.repeat, reset)
                page_ms, _ = timed(lambda: client.get(page_url), args.repeat, reset)
                assert bare == svc, f"bare SQL {bare} and the service {svc} disagree"
                total = args.teams * args.members
                print(
                    f"{db.engine.dialect.name}: {total} cadres, {total * args.ballots} ballots; "
                    f"team of {args.members}; median of {args.repeat}"
                )
                print(
                    f"bare SQL {bare_ms:.1f} ms · service {svc_ms:.1f} ms · page {page_ms:.1f} ms"
                )
                print(
                    f"service / bare: {svc_ms / bare_ms:.2f} (goal ≤ 2) · "
                    f"page / bare: {page_ms / bare_ms:.2f}"
                )
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

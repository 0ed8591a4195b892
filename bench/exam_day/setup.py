"""The exam-day database: a fresh SQLite file or PostgreSQL database, migrated with the
project's own ``flask db upgrade``, the shipped bank imported with ``questions import``, N
cadres bulk-inserted with one precomputed password hash, and a published 50-question test
created with ``exams create`` from a spec file (docs/exam-spec.md)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from bench.databases import scratch_pg_database

ROOT = Path(__file__).resolve().parents[2]
BANK_DIR = ROOT / "question_bank" / "bank"
BANK_NAME = "领导班子政治建设题库"
PASSWORD = "Bench-pass-2026"
# The paper: 50 questions drawn by rules from the shipped bank (60/36/36/24/12 available).
PAPER = (
    ("single", 20, 1),
    ("multiple", 12, 2),
    ("judge", 12, 1),
    ("blank", 4, 2),
    ("essay", 2, 10),
)
TEAM = ("基准测试单位", "参考干部")
HASHES = {"fast": "pbkdf2:sha256:1000", "scrypt": "scrypt"}


@dataclass
class Prepared:
    url: str
    exam_id: int
    usernames: list[str]
    password: str


@contextmanager
def fresh_database(kind: str, workdir: Path, server_url: str = "") -> Iterator[str]:
    """A new empty database; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'exam_day_{uuid.uuid4().hex[:6]}.db'}"
        return
    with scratch_pg_database(server_url, "xuekao_examday") as url:
        yield url


def flask_cli(url: str, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "XUEKAO_CONFIG": "development",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(url: str, cadres: int, workdir: Path, password_hash: str = "fast") -> Prepared:
    """Schema, bank, team, cadres and the published test; the ceiling's table too."""
    flask_cli(url, "db", "upgrade")
    flask_cli(url, "questions", "import", str(BANK_DIR))
    from app import create_app
    from app.extensions import db
    from bench.bench_app import create_ceiling_table

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        create_ceiling_table(db.engine)
        team_path = _team()
        usernames = _bulk_cadres(cadres, password_hash)
        db.session.commit()
        spec = workdir / "exam-day.json"
        spec.write_text(json.dumps(exam_spec(team_path), ensure_ascii=False), encoding="utf-8")
        flask_cli(url, "exams", "create", str(spec))
        exam_id = db.session.scalar(text("SELECT max(id) FROM exams"))
        db.session.remove()
        db.engine.dispose()
    return Prepared(url, exam_id, usernames, PASSWORD)


def exam_spec(team_path: str) -> dict:
    """The test, in the format of docs/exam-spec.md."""
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    return {
        "title": "政治理论水平测试（压力测试）",
        "kind": "level_test",
        "opens_at": (now - timedelta(minutes=5)).isoformat() + "Z",
        "closes_at": (now + timedelta(hours=6)).isoformat() + "Z",
        "duration_minutes": 240,
        "attempts_allowed": 1,
        "grace_seconds": 30,
        "shuffle_questions": True,
        "shuffle_options": True,
        "multiple_policy": "partial",
        "score_policy": "at_submit",
        "review_policy": "after_close",
        "audience": {"teams": [team_path]},
        "paper": {
            "rules": [
                {"bank": BANK_NAME, "type": qtype, "count": count, "points": points}
                for qtype, count, points in PAPER
            ]
        },
        "publish": True,
    }


def _team() -> str:
    from app.auth import services as accounts

    unit = accounts.create_team(None, name=TEAM[0], kind="unit")
    accounts.create_team(None, name=TEAM[1], parent=unit, kind="team")
    return "/".join(TEAM)


def _bulk_cadres(count: int, method: str) -> list[str]:
    """Bench-only: one hash for everyone (2,000 scrypt hashes would take minutes)."""
    from werkzeug.security import generate_password_hash

    from app.auth.models import Team, User, UserRole
    from app.common.timeutil import utcnow
    from app.extensions import db

    team_id = db.session.scalar(select(Team.id).where(Team.name == TEAM[1]))
    digest = generate_password_hash(PASSWORD, method=HASHES[method])
    now = utcnow()
    usernames = [f"bench{n:05d}" for n in range(1, count + 1)]
    rows = [
        {
            "username": u,
            "name": f"干部{n}",
            "rank": "county",
            "team_id": team_id,
            "email": "",
            "phone": "",
            "active": True,
            "password_hash": digest,
            "must_change_password": False,
            "session_token": secrets.token_hex(8),
            "created_at": now,
            "updated_at": now,
        }
        for n, u in enumerate(usernames, 1)
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(User), rows[start : start + 1000])
    ids = db.session.scalars(select(User.id).where(User.username.in_(usernames))).all()
    db.session.execute(insert(UserRole), [{"user_id": i, "role": "cadre"} for i in ids])
    db.session.flush()
    return usernames

"""The application as ``bench/exam_day.py`` serves it under gunicorn: the production
configuration, a raised login limit, and one bench-only route that writes one row — the
ceiling of this stack (same app, session, login, CSRF and database; nothing but one UPSERT).

    gunicorn 'bench.bench_app:create_bench_app()'   (with DATABASE_URL and SECRET_KEY set)

Production code never imports this module, so the ceiling route exists only here.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request
from flask_login import current_user
from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, Table
from sqlalchemy.dialects import postgresql, sqlite

from app import create_app
from app.common.http import json_error
from app.common.permissions import role_required
from app.common.timeutil import utcnow
from app.extensions import db
from config import ProductionConfig

# Its own metadata: the bench creates this table itself; migrations never see it.
bench_metadata = MetaData()
ceiling_rows = Table(
    "bench_ceiling_rows",
    bench_metadata,
    Column("attempt_id", Integer, primary_key=True),
    Column("question_id", Integer, primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("response", JSON),
    Column("seq", Integer, nullable=False, default=0),
    Column("saved_at", DateTime, nullable=False),
)


class BenchConfig(ProductionConfig):
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    # The load generator speaks plain HTTP to 127.0.0.1.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    LOGIN_RATE_LIMIT = "1000000 per minute"


def create_ceiling_table(engine) -> None:
    bench_metadata.create_all(engine)


def create_bench_app() -> Flask:
    if not BenchConfig.SECRET_KEY or not BenchConfig.SQLALCHEMY_DATABASE_URI:
        raise RuntimeError("bench app: set SECRET_KEY and DATABASE_URL")
    app = create_app(BenchConfig)
    app.add_url_rule(
        "/api/v1/bench/ceiling/<int:attempt_id>/answers/<int:question_id>",
        "bench.ceiling",
        ceiling,
        methods=["PUT"],
    )
    return app


@role_required("cadre")
def ceiling(attempt_id: int, question_id: int):
    """The save-answer route minus the exam rules: parse the same body, write one row."""
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict) or "response" not in data:
        return json_error(422, "invalid", "{response, seq}")
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    now = utcnow()
    values = {
        "attempt_id": attempt_id,
        "question_id": question_id,
        "user_id": current_user.id,
        "response": data["response"],
        "seq": int(data.get("seq") or 0),
        "saved_at": now,
    }
    statement = dialect.insert(ceiling_rows).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={k: statement.excluded[k] for k in ("user_id", "response", "seq", "saved_at")},
    )
    db.session.execute(statement)
    db.session.commit()
    return jsonify({"saved_at": now.isoformat(timespec="milliseconds") + "Z", "applied": True})

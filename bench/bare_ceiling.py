"""The bare ceiling: what one answer save could cost without the app's stack. A Flask app
of a dozen lines that does only what the save cannot skip — reads the same signed session
cookie (Flask's, with the same SECRET_KEY), checks the same CSRF header against it (the
token Flask-WTF signed), parses the same JSON body and does the same one-row upsert into the
bench's table with the same SQLite pragmas — and nothing else: no Flask-Login, no user or
session row, no limiter, no Babel, no ORM.

    gunicorn 'bench.bare_ceiling:create_bare_app()'   (with DATABASE_URL and SECRET_KEY set)

bench/exam_day.py serves it beside the app and reports the save against both ceilings.
"""

from __future__ import annotations

import hmac
import json
import os
import re
from datetime import UTC, datetime

from flask import Flask, abort, jsonify, request, session
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import create_engine, event

UPSERT = (
    "INSERT INTO bench_ceiling_rows (attempt_id, question_id, user_id, response, seq, saved_at) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}) ON CONFLICT (attempt_id, question_id) DO UPDATE SET "
    "user_id = excluded.user_id, response = excluded.response, seq = excluded.seq, "
    "saved_at = excluded.saved_at"
)


def _engine(url: str):
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    engine = create_engine(url, pool_pre_ping=False)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # autocommit: one statement, one write
            for pragma in (
                "journal_mode=WAL",
                "busy_timeout=10000",
                "foreign_keys=ON",
                "synchronous=NORMAL",
            ):
                dbapi_connection.execute(f"PRAGMA {pragma}")

    return engine


def create_bare_app() -> Flask:
    secret, url = os.environ.get("SECRET_KEY", ""), os.environ.get("DATABASE_URL", "")
    if not secret or not url:
        raise RuntimeError("bare ceiling: set SECRET_KEY and DATABASE_URL")
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secret
    # As the app (config.py): an unchanged session cookie is not signed and sent again on
    # every answer. Flask's default does that for a permanent session, which cost this
    # ceiling about a sixth of its CPU for work the save does not do.
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    engine = _engine(url)
    placeholder = "?" if engine.dialect.name == "sqlite" else "%s"
    upsert = UPSERT.format(p=placeholder)
    csrf = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.put("/api/v1/bench/bare/<int:attempt_id>/answers/<int:question_id>")
    def save(attempt_id: int, question_id: int):
        user = session.get("_user_id")
        if not user:
            abort(401)
        try:
            token = csrf.loads(request.headers.get("X-CSRFToken", ""))
        except BadData:
            abort(400)
        if not hmac.compare_digest(str(token), str(session.get("csrf_token", ""))):
            abort(400)
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or "response" not in data:
            abort(422)
        now = datetime.now(UTC).replace(tzinfo=None)
        values = (
            attempt_id,
            question_id,
            0,
            json.dumps(data["response"]),
            int(data.get("seq") or 0),
            now,
        )
        with engine.begin() as conn:
            conn.exec_driver_sql(upsert, values)
        return jsonify({"saved_at": now.isoformat(timespec="milliseconds") + "Z", "applied": True})

    return app

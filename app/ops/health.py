"""Health for the proxy and the orchestrator: ``/healthz`` (this process answers) and
``/readyz`` (it can serve: the database answers, its schema is at the migrations' head, Redis
answers when the login throttle uses it). Both are cheap, public and never touch the session,
so a load balancer may poll them every few seconds."""

from __future__ import annotations

import time

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.common.permissions import public
from app.extensions import db, limiter

bp = Blueprint("ops", __name__)

# Redis and the database get this long before /readyz calls them down.
CHECK_TIMEOUT_SECONDS = 2


@bp.route("/healthz")
@public
def healthz():
    return jsonify({"status": "ok"})


@bp.route("/readyz")
@public
def readyz():
    checks = {"database": _database(), "redis": _redis()}
    ready = all(c["ok"] for c in checks.values())
    response = jsonify({"status": "ok" if ready else "unavailable", "checks": checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def migration_heads() -> set[str]:
    """The heads of migrations/versions, read once per process (they change only with a
    release, and a release restarts the workers)."""
    cached = current_app.extensions.get("xuekao_migration_heads")
    if cached is None:
        config = current_app.extensions["migrate"].migrate.get_config()
        cached = set(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions["xuekao_migration_heads"] = cached
    return cached


def _database() -> dict:
    began = time.perf_counter()
    try:
        rows = db.session.execute(text("SELECT version_num FROM alembic_version"))
        revisions = {row[0] for row in rows}
    except SQLAlchemyError as exc:
        return {"ok": False, "error": type(getattr(exc, "orig", None) or exc).__name__}
    finally:
        _end_read()
    heads = migration_heads()
    result = {"ok": revisions == heads, "ms": round((time.perf_counter() - began) * 1000, 1)}
    if revisions != heads:
        result["error"] = f"schema at {sorted(revisions)}, code expects {sorted(heads)}"
    return result


def _end_read() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.remove()  # the connection died: the pool replaces it


def _redis() -> dict:
    storage_uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not storage_uri.startswith(("redis", "rediss")):
        return {"ok": True, "skipped": "not configured"}
    began = time.perf_counter()
    try:
        ok = bool(limiter.storage.check())
    except Exception as exc:  # a down Redis raises whatever its client raises
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": ok, "ms": round((time.perf_counter() - began) * 1000, 1)}

"""JSON login for API clients and benchmarks: sets the session cookie, returns the CSRF
token to send as ``X-CSRFToken`` on writes."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.auth import login_queue, services
from app.auth.views import end_session, login_limit, start_session
from app.common.db import reads_first
from app.common.errors import DomainError
from app.common.http import json_error
from app.common.permissions import login_required, public
from app.extensions import csrf, db

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1/auth")


def user_json(user) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "rank": user.rank,
        "team": user.team.full_name if user.team else None,
        "roles": sorted(user.roles),
        "must_change_password": user.must_change_password,
    }


def busy_json(exc: login_queue.LoginBusy):
    """503 with the wait in seconds: the client tries again then."""
    return login_queue.with_wait(
        json_error(503, "login_busy", exc.message, retry_after=exc.retry_after), exc
    )


@bp.route("/login", methods=["POST"])
@public
@csrf.exempt  # JSON only: a cross-site page cannot send application/json without CORS
@login_limit
@reads_first  # the password hash is checked before the write lock is taken
def login():
    if not request.is_json:
        return json_error(415, "unsupported_media_type", _("请以 application/json 提交"))
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), str) for k in ("username", "password")
    ):
        return json_error(422, "invalid", _("需要字符串字段 username 和 password"))
    try:
        user = services.authenticate(
            data["username"], data["password"], waited=login_queue.waited(request)
        )
    except login_queue.LoginBusy as exc:
        return busy_json(exc)
    except DomainError as exc:
        g.login_failed = True
        return json_error(401, "invalid_credentials", exc.message)
    start_session(user, remember=bool(data.get("remember")))
    db.session.commit()
    return jsonify({"csrf_token": generate_csrf(), "user": user_json(user)})


@bp.route("/logout", methods=["POST"])
@public
def logout():
    end_session()
    return jsonify({"ok": True})


@bp.route("/me")
@login_required
def me():
    return jsonify({"csrf_token": generate_csrf(), "user": user_json(current_user)})

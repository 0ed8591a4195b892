"""JSON for a phone: check in to a session with the code on the screen, list my teams'
recent and upcoming sessions, and my year's standing. The same services and refusals as the
pages; writes carry the session's CSRF token (``X-CSRFToken``) like every JSON write of the
house, and a wrong code counts against the same throttle as the page's."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.checkin import policy
from app.checkin.models import Attendance, StudySession
from app.checkin.services import attendance, sessions, standings
from app.checkin.services.base import CheckinError, kind_labels
from app.checkin.throttle import code_limit, count_if_wrong
from app.common.db import begin_write, reads_first
from app.common.http import json_error
from app.common.permissions import login_required
from app.common.timeutil import to_local, utcnow
from app.extensions import db

bp = Blueprint("checkin_api", __name__, url_prefix="/api/v1/checkin")


def iso(value: datetime | None) -> str | None:
    """Naive UTC as ISO 8601 with Z."""
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def attendance_json(row: Attendance | None) -> dict | None:
    if row is None:
        return None
    return {
        "status": row.status,
        "late": row.late,
        "checked_in_at": iso(row.checked_in_at),
        "method": row.method,
    }


def session_json(session: StudySession, now: datetime) -> dict:
    window = attendance.checkin_window(session)
    return {
        "id": session.id,
        "team_id": session.team_id,
        "team": session.team.name,
        "kind": session.kind,
        "kind_label": kind_labels()[session.kind],
        "topic": session.topic,
        "place": session.place,
        "starts_at": iso(session.starts_at),
        "ends_at": iso(session.ends_at),
        "checkin_opens_at": iso(window.opens_at),
        "checkin_open": window.contains(now),
        "is_member": policy.is_member(current_user, session.team),
        "my_attendance": attendance_json(attendance.attendance_of(session, current_user)),
    }


@bp.route("/sessions/<int:session_id>/check-in", methods=["POST"])
@login_required
@code_limit
@reads_first  # membership, window and code are checked before the write lock is taken
def check_in(session_id: int):
    session = db.session.get(StudySession, session_id)
    if session is None:
        return json_error(404, "not_found", _("没有这次学习"))
    if not policy.can_view(current_user, session.team):
        return json_error(403, "forbidden", _("您不是本班子中心组成员，不能在此签到"))
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        return json_error(415, "unsupported_media_type", _("请以 application/json 提交"))
    code = data.get("code")
    if not isinstance(code, str):
        return json_error(422, "invalid", _("请输入签到码"), field="code")
    begin_write(db.session)
    try:
        row = attendance.check_in(current_user, session, code[:20])
    except CheckinError as exc:
        db.session.rollback()
        count_if_wrong(exc.field)
        if exc.field == "code":
            return json_error(422, "wrong_code", exc.message, field="code")
        return json_error(409, "refused", exc.message)
    db.session.commit()
    return jsonify(
        {
            "session_id": session.id,
            "message": _("签到成功（迟到）") if row.late else _("签到成功"),
            "attendance": attendance_json(row),
        }
    ), 201


@bp.route("/sessions")
@login_required
def my_sessions():
    now = utcnow()
    return jsonify(
        {
            "server_time": iso(now),
            "sessions": [session_json(s, now) for s in sessions.my_sessions(current_user, now=now)],
        }
    )


@bp.route("/me")
@login_required
def my_standing():
    year = request.args.get("year", type=int) or to_local(utcnow()).year
    if not 2000 <= year <= 2100:
        return json_error(422, "invalid", _("年份不正确"), field="year")
    standing = standings.member_standings([current_user], year)[0]
    return jsonify(
        {
            "user_id": current_user.id,
            "name": current_user.name,
            "team": current_user.team.name if current_user.team else None,
            "year": year,
            "met": standing.met,
            "lines": [
                {
                    "label": line.label,
                    "actual": line.actual,
                    "expected": line.expected,
                    "met": line.met,
                }
                for line in standing.lines
            ],
        }
    )

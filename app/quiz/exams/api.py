"""The exam JSON API (/api/v1): the exam page's script, the load benchmark and outside
clients use it. Session cookie plus ``X-CSRFToken`` on writes; shapes in app/openapi.yaml.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.db import reads_first, write_intent
from app.common.errors import DomainError
from app.common.http import client_ip, json_error
from app.common.permissions import light_user, role_required
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.exams import api_json
from app.quiz.exams.models import Attempt, Exam
from app.quiz.exams.services import attempts, flags, my_exams, results

bp = Blueprint("quiz_api", __name__, url_prefix="/api/v1")


# A refusal's code → the HTTP status it is answered with; every other code is a conflict.
STATUSES = {"not_found": 404, "not_in_audience": 403, "invalid": 422, "malformed": 422}


def _error(exc: DomainError):
    if not isinstance(exc, attempts.AttemptError):
        return json_error(409, "conflict", exc.message)
    extra = {}
    if exc.course is not None:
        extra = {
            "course_title": exc.course.title,
            "course_url": url_for("courses.course", course_slug=exc.course.slug),
        }
    return json_error(STATUSES.get(exc.code, 409), exc.code, exc.message, **extra)


def _body() -> dict | None:
    data = request.get_json(silent=True) if request.is_json else None
    return data if isinstance(data, dict) else None


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")


def _own_attempt(attempt_id: int) -> Attempt | None:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        return None
    return attempt


def settled(attempt: Attempt) -> Attempt:
    """The attempt, submitted first if its time is over (a read that must write)."""
    now = utcnow()
    if not attempt.is_overdue(now):
        return attempt
    attempt_id = attempt.id
    with write_intent(db.session):
        attempts.settle(db.session.get(Attempt, attempt_id), now)
        db.session.commit()
    return db.session.get(Attempt, attempt_id)


def _too_late(exc: attempts.AttemptError, attempt_id: int):
    """409 for a save or submit past the deadline and grace — the attempt is submitted with
    the answers saved in time, in a transaction of its own."""
    with write_intent(db.session):
        attempt = db.session.get(Attempt, attempt_id)
        if attempt is not None:
            attempts.settle(attempt)
            db.session.commit()
    return json_error(409, exc.code, exc.message, attempt_status="submitted")


@bp.route("/exams")
@role_required("cadre")
def list_exams():
    user = current_user._get_current_object()
    if my_exams.overdue_attempts(user):
        with write_intent(db.session):
            for attempt in my_exams.overdue_attempts(user):
                attempts.settle(attempt)
            db.session.commit()
    entries = my_exams.my_exams(user)
    return jsonify({"exams": [api_json.exam_entry(e) for e in entries]})


@bp.route("/exams/<int:exam_id>/attempts", methods=["POST"])
@role_required("cadre")
@reads_first
def start_attempt(exam_id: int):
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        return json_error(404, "not_found", _("没有这场考试"))
    try:
        attempt, created = attempts.start_attempt(
            current_user._get_current_object(),
            exam,
            ip=client_ip(),
            user_agent=_user_agent(),
        )
    except DomainError as exc:
        db.session.rollback()
        return _error(exc)
    body = api_json.attempt_state(attempt, utcnow())
    db.session.commit()
    return jsonify(body), 201 if created else 200


@bp.route("/attempts/<int:attempt_id>")
@role_required("cadre")
def attempt_state(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt is None:
        return json_error(404, "not_found", _("没有这份答卷"))
    attempt = settled(attempt)
    return jsonify(api_json.attempt_state(attempt, utcnow()))


@bp.route("/attempts/<int:attempt_id>/answers/<int:question_id>", methods=["PUT"])
@role_required("cadre")
@light_user  # the service reads only the user's id
@reads_first
def save_answer(attempt_id: int, question_id: int):
    data = _body()
    if data is None or "response" not in data:
        return json_error(422, "invalid", _("请以 JSON 提交 {response, seq}"))
    try:
        result = attempts.save_answer(
            current_user._get_current_object(),
            attempt_id,
            question_id,
            data["response"],
            data.get("seq"),
        )
    except attempts.AttemptError as exc:
        if exc.code == "deadline_passed":
            return _too_late(exc, attempt_id)
        db.session.rollback()
        return _error(exc)
    db.session.commit()
    return jsonify({"saved_at": api_json.iso(result.saved_at), "applied": result.applied})


@bp.route("/attempts/<int:attempt_id>/flags/<int:question_id>", methods=["PUT"])
@role_required("cadre")
def flag_question(attempt_id: int, question_id: int):
    data = _body()
    if data is None or "flagged" not in data:
        return json_error(422, "invalid", _("请以 JSON 提交 {flagged}"))
    try:
        flagged = flags.set_flag(
            current_user._get_current_object(), attempt_id, question_id, data["flagged"]
        )
    except attempts.AttemptError as exc:
        db.session.rollback()
        return _error(exc)
    db.session.commit()
    return jsonify({"question_id": question_id, "flagged": flagged})


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@role_required("cadre")
def submit_attempt(attempt_id: int):
    try:
        attempt = attempts.submit_by_user(
            current_user._get_current_object(),
            attempt_id,
            ip=client_ip(),
            user_agent=_user_agent(),
            timer=bool((_body() or {}).get("auto")),
        )
    except attempts.AttemptError as exc:
        if exc.code == "deadline_passed":
            return _too_late(exc, attempt_id)
        db.session.rollback()
        return _error(exc)
    db.session.commit()
    body = {"status": attempt.status}
    if results.score_visible(attempt, current_user):
        body["score"] = api_json.number(attempt.score)
        body["max_score"] = api_json.number(attempt.max_score)
        body["graded"] = attempt.graded
    return jsonify(body)


@bp.route("/attempts/<int:attempt_id>/result")
@role_required("cadre")
def attempt_result(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt is None:
        return json_error(404, "not_found", _("没有这份答卷"))
    attempt = settled(attempt)
    view = results.build_result(attempt, current_user._get_current_object())
    return jsonify(api_json.result_json(view))


@bp.route("/attempts/<int:attempt_id>/events", methods=["POST"])
@role_required("cadre")
def attempt_event(attempt_id: int):
    data = _body()
    if data is None:
        return json_error(422, "invalid", _("请以 JSON 提交 {kind}"))
    try:
        state = attempts.focus_event(
            current_user._get_current_object(),
            attempt_id,
            data.get("kind"),
            ip=client_ip(),
            user_agent=_user_agent(),
        )
    except attempts.AttemptError as exc:
        db.session.rollback()
        return _error(exc)
    db.session.commit()
    return jsonify(
        {
            "focus_losses": state.focus_losses,
            "limit": state.limit,
            "auto_submitted": state.auto_submitted,
        }
    )

"""JSON for the practice and daily-quiz pages: a session's state and answering one question
with immediate feedback. The key, the explanation and the source are sent only for questions
already answered."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.common.http import json_error
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.practice.models import PracticeSession
from app.quiz.practice.services import practice
from app.quiz.practice.services.pool import AnswerRefused

bp = Blueprint("practice_api", __name__, url_prefix="/api/v1")

REFUSALS = {
    "not_in_session": (404, "not_found"),
    "malformed": (422, "invalid"),
    "closed": (409, "closed"),
    "withheld": (409, "withheld"),
}


def _own_session(session_id: int) -> PracticeSession | None:
    session = db.session.get(PracticeSession, session_id)
    if session is None or not session.can_view(current_user):
        return None
    return session


def progress_json(session: PracticeSession) -> dict:
    state = practice.progress(session)
    return {
        "total": state.total,
        "answered": state.answered,
        "correct": state.correct,
        "finished": session.finished_at is not None,
    }


def feedback_json(feedback: practice.Feedback) -> dict:
    source = feedback.source
    return {
        "question_id": feedback.question.id,
        "response": feedback.response,
        "correct": feedback.correct,
        "score": float(feedback.fraction) if feedback.fraction is not None else None,
        "correct_answer": feedback.correct_answer,
        "correct_answer_text": feedback.correct_answer_text,
        "explanation_html": str(feedback.explanation_html),
        "source": {"text": source.text, "url": source.url or None, "title": source.title or None},
        "already_answered": feedback.already_answered,
        "withheld": feedback.withheld,
    }


@bp.route("/practice/<int:session_id>")
@role_required("cadre")
def practice_state(session_id: int):
    session = _own_session(session_id)
    if session is None:
        return json_error(404, "not_found", _("没有这次练习"))
    drawn = practice.session_questions(session)
    feedback = practice.session_feedback(current_user, session, drawn)
    questions = []
    for question in drawn:
        item = practice.present(question)
        given = feedback.get(question.id)
        item["feedback"] = feedback_json(given) if given is not None else None
        questions.append(item)
    return jsonify(
        {
            "id": session.id,
            "kind": session.kind,
            "progress": progress_json(session),
            "questions": questions,
        }
    )


@bp.route("/practice/<int:session_id>/answers/<int:question_id>", methods=["POST"])
@role_required("cadre")
def answer_question(session_id: int, question_id: int):
    """Body ``{"response": ...}`` with option indices (0 = A); the feedback comes back."""
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        return json_error(415, "unsupported_media_type", _("请以 application/json 提交"))
    session = _own_session(session_id)
    if session is None:
        return json_error(404, "not_found", _("没有这次练习"))
    if "response" not in data:
        return json_error(422, "invalid", _("缺少字段 response"))
    try:
        feedback = practice.answer(current_user, session, question_id, data["response"])
    except AnswerRefused as exc:
        db.session.rollback()
        status, code = REFUSALS[exc.reason]
        return json_error(status, code, exc.message)
    body = feedback_json(feedback)
    body["progress"] = progress_json(session)
    db.session.commit()
    return jsonify(body)

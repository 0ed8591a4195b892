"""The ``practice`` blueprint — practice, the daily quiz and the mistake book share it —
with the helpers their pages have in common."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template
from flask_babel import ngettext
from flask_login import current_user

from app.extensions import db
from app.quiz.bank.services.banks import type_labels
from app.quiz.practice.models import PracticeSession
from app.quiz.practice.services import mistakes, practice

bp = Blueprint("practice", __name__, template_folder="../templates")

CADRE = ("cadre",)


@bp.context_processor
def _helpers():
    return {
        "type_labels": type_labels(),
        "answer_text": practice.response_display,
        "source_labels": mistakes.source_labels(),
    }


def flash_shortfall(session: PracticeSession, asked) -> None:
    """Say so when the pool held fewer questions than the cadre asked for."""
    drawn, asked = len(session.question_ids), int(asked)
    if drawn < asked:
        flash(
            ngettext(
                "所选范围内只有 %(num)d 道可练习的题目（您选了 %(asked)d 道），本次就练这 %(num)d 道。",
                "所选范围内只有 %(num)d 道可练习的题目（您选了 %(asked)d 道），本次就练这 %(num)d 道。",
                drawn,
                asked=asked,
            ),
            "info",
        )


def own_session(session_id: int) -> PracticeSession:
    """The caller's session, or 404 — another person's session does not exist for them."""
    session = db.session.get(PracticeSession, session_id)
    if session is None or not session.can_view(current_user):
        abort(404)
    return session


def render_session(template: str, session: PracticeSession, **context):
    """A session's page: every question (answered ones with their feedback), the first
    unanswered one shown first."""
    questions = practice.session_questions(session)
    answers = practice.answers_by_question(session)
    feedback = practice.session_feedback(current_user, session, questions)
    current = next((i for i, q in enumerate(questions) if q.id not in answers), 0)
    return render_template(
        template,
        session=session,
        questions=[practice.present(q) for q in questions],
        feedback=feedback,
        current=current,
        progress=practice.progress(session),
        **context,
    )

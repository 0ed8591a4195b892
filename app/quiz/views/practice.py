"""练习 pages for cadres: choose knowledge points and a count, answer one question at a time
with immediate feedback (``practice.js`` and the JSON API), and see a summary.

The blueprint ``practice`` also carries the daily quiz (``views/daily.py``) and the mistake
book (``views/mistakes.py``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.forms import form_error
from app.common.nav import NavItem, register_nav
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.forms import category_choices
from app.quiz.models import Category, QuestionBank
from app.quiz.practice_forms import MistakePracticeForm, PracticeForm
from app.quiz.practice_models import PracticeSession
from app.quiz.services import categories as category_service
from app.quiz.services import mistakes, practice

bp = Blueprint("practice", __name__, template_folder="../templates")

CADRE = ("cadre",)
register_nav(
    NavItem("practice.start", lambda: gettext("练习"), CADRE, icon="pencil-square", order=30)
)
register_nav(
    NavItem("practice.daily", lambda: gettext("每日答题"), CADRE, icon="calendar-check", order=31)
)
register_nav(
    NavItem("practice.mistakes", lambda: gettext("错题本"), CADRE, icon="journal-x", order=32)
)


@bp.context_processor
def _helpers():
    from app.quiz.services.banks import type_labels

    return {
        "type_labels": type_labels(),
        "answer_text": practice.response_display,
        "source_labels": mistakes.source_labels(),
    }


def own_session(session_id: int) -> PracticeSession:
    """The caller's session, or 404 — another person's session does not exist for them."""
    session = db.session.get(PracticeSession, session_id)
    if session is None or not session.can_view(current_user):
        abort(404)
    return session


def _chosen_bank(value) -> QuestionBank | None:
    if value is None or not str(value).isdigit():
        return None
    return db.session.get(QuestionBank, int(value))


def _chosen_categories(bank: QuestionBank, values: list[str]) -> list[Category]:
    ids = {int(v) for v in values or [] if str(v).isdigit()}
    if not ids:
        return []
    found = [c for c in category_service.category_tree(bank) if c.id in ids]
    if len(found) != len(ids):
        raise DomainError(_("知识点不属于这个题库"), "categories")
    return found


def _start_page(form: PracticeForm, bank: QuestionBank | None, status: int = 200):
    available = practice.banks_with_questions()
    if bank is None and available:
        bank = available[0][0]
    if bank is not None:
        form.bank.data = str(bank.id)
        form.categories.choices = category_choices(category_service.category_tree(bank))
    return render_template(
        "quiz/practice_start.html",
        form=form,
        bank=bank,
        banks=available,
        mistake_form=MistakePracticeForm(),
        book=mistakes.counts(current_user),
        recent=practice.recent_sessions(current_user),
        progress=practice.progress,
    ), status


@bp.route("/practice/", methods=["GET", "POST"], endpoint="start")
@role_required(*CADRE)
def start_practice():
    form = PracticeForm()
    if request.method == "GET":
        return _start_page(form, _chosen_bank(request.args.get("bank")))
    bank = _chosen_bank(form.bank.data)
    if form.validate_on_submit():
        try:
            if bank is None:
                raise DomainError(_("请选择题库"), "bank")
            cats = _chosen_categories(bank, form.categories.data)
            session = practice.start_practice(current_user, bank, cats, form.count.data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            db.session.commit()
            return redirect(url_for("practice.session", session_id=session.id))
    return _start_page(form, bank, 422)


@bp.route("/practice/<int:session_id>", endpoint="session")
@role_required(*CADRE)
def session_page(session_id: int):
    session = own_session(session_id)
    if session.kind == "daily":
        return redirect(url_for("practice.daily"))
    if session.finished_at is not None:
        return redirect(url_for("practice.summary", session_id=session.id))
    return render_session("quiz/practice_session.html", session)


def render_session(template: str, session: PracticeSession, **context):
    """A session's page: every question (answered ones with their feedback), the first
    unanswered one shown first."""
    questions = practice.session_questions(session)
    answers = practice.answers_by_question(session)
    feedback = {
        qid: practice.feedback_for(current_user, q, answers[qid])
        for q in questions
        if (qid := q.id) in answers
    }
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


@bp.route("/practice/<int:session_id>/finish", methods=["POST"])
@role_required(*CADRE)
def finish(session_id: int):
    session = own_session(session_id)
    try:
        practice.finish(session)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return redirect(url_for("practice.daily"))
    db.session.commit()
    return redirect(url_for("practice.summary", session_id=session.id))


@bp.route("/practice/<int:session_id>/summary")
@role_required(*CADRE)
def summary(session_id: int):
    session = own_session(session_id)
    questions = practice.session_questions(session)
    answers = practice.answers_by_question(session)
    rows = [
        (
            practice.present(q),
            practice.feedback_for(current_user, q, answers[q.id]) if q.id in answers else None,
        )
        for q in questions
    ]
    return render_template(
        "quiz/practice_summary.html",
        session=session,
        rows=rows,
        progress=practice.progress(session),
    )


# The daily quiz and the mistake book share the blueprint; the to-do provider, the exam
# listener and the demo step register themselves on import.
from app.quiz import practice_demo, practice_hooks  # noqa: E402, F401
from app.quiz.views import daily as _daily_views  # noqa: E402, F401
from app.quiz.views import mistakes as _mistake_views  # noqa: E402, F401

"""练习 pages for cadres: choose knowledge points and a count, answer one question at a time
with immediate feedback (``practice.js`` and the JSON API), and see a summary.

"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.forms import form_error
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.bank.choices import category_choices
from app.quiz.bank.models import Category, QuestionBank
from app.quiz.bank.services import categories as category_service
from app.quiz.practice.forms import MistakePracticeForm, PracticeForm
from app.quiz.practice.services import mistakes, practice
from app.quiz.practice.views.blueprint import (
    CADRE,
    bp,
    flash_shortfall,
    own_session,
    render_session,
)


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
    available = practice.banks_with_questions(current_user)
    if bank is None and available:
        bank = available[0][0]
    if bank is not None:
        form.bank.data = str(bank.id)
        form.categories.choices = category_choices(category_service.category_tree(bank))
    return render_template(
        "practice/practice_start.html",
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
            flash_shortfall(session, form.count.data)
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
    return render_session("practice/practice_session.html", session)


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
    feedback = practice.session_feedback(current_user, session, questions)
    rows = [(practice.present(q), feedback.get(q.id)) for q in questions]
    return render_template(
        "practice/practice_summary.html",
        session=session,
        rows=rows,
        progress=practice.progress(session),
    )

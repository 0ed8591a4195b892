"""错题本: the questions a cadre got wrong, with misses, the way to mastery and the source
lesson; "practise these" starts a run drawn from the open entries. Both first take in the
misses of the cadre's tests whose answers have been published since the scheduler last ran."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.db import write_intent
from app.common.errors import DomainError
from app.common.pagination import paginate
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.exams import hooks as listeners
from app.quiz.practice.forms import MistakePracticeForm
from app.quiz.practice.models import MASTERY_STREAK
from app.quiz.practice.services import mistake_review, mistakes, practice
from app.quiz.practice.views.blueprint import CADRE, bp, flash_shortfall


@bp.route("/mistakes/", endpoint="mistakes")
@role_required(*CADRE)
def mistake_book():
    user = current_user._get_current_object()
    if listeners.due_attempt_ids(user=user):  # a read that must write
        with write_intent(db.session):
            listeners.release_due(user=user)
            db.session.commit()
    show = request.args.get("show", "open")
    if show not in mistakes.FILTERS:
        show = "open"
    page = paginate(mistakes.entries_query(current_user, show))
    latest = mistakes.latest_versions(page.items)
    rows = mistake_review.review(
        current_user._get_current_object(),
        [(entry, latest.get(entry.lineage_id) or entry.question) for entry in page.items],
    )
    return render_template(
        "practice/mistakes.html",
        page=page,
        rows=rows,
        show=show,
        book=mistakes.counts(current_user),
        form=MistakePracticeForm(),
        mastery=MASTERY_STREAK,
    )


@bp.route("/mistakes/practice", methods=["POST"])
@role_required(*CADRE)
def practise_mistakes():
    form = MistakePracticeForm()
    if not form.validate_on_submit():
        flash(_("请选择题目数量"), "warning")
        return redirect(url_for("practice.mistakes"))
    listeners.release_due(user=current_user)
    try:
        session = practice.start_practice(
            current_user, None, [], form.count.data, from_mistakes=True
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return redirect(url_for("practice.mistakes"))
    db.session.commit()
    flash_shortfall(session, form.count.data)
    return redirect(url_for("practice.session", session_id=session.id))

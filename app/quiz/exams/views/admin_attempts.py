"""Watching a sitting: the attempts of an exam with focus-loss counts, one attempt's events
and answers, and extending one cadre's time."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common.errors import DomainError
from app.common.permissions import role_required
from app.common.timeutil import format_local, utcnow
from app.extensions import db
from app.quiz.exams.forms import ExtendForm
from app.quiz.exams.models import Attempt, Exam
from app.quiz.exams.services import audience, deadlines, results
from app.quiz.exams.views._helpers import get_or_404
from app.quiz.exams.views.blueprint import admin_bp


@admin_bp.route("/<int:exam_id>/attempts")
@role_required("admin")
def attempts(exam_id: int):
    exam = get_or_404(Exam, exam_id)
    rows = db.session.scalars(
        select(Attempt)
        .where(Attempt.exam_id == exam.id)
        .options(selectinload(Attempt.user))
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
    ).all()
    sat = {a.user_id for a in rows}
    missing = [
        u for u in db.session.scalars(audience.audience_members_query(exam)) if u.id not in sat
    ]
    return render_template(
        "exams/admin/attempts.html",
        exam=exam,
        rows=rows,
        missing=missing,
        extend_form=ExtendForm(),
        now=utcnow(),
    )


@admin_bp.route("/attempts/<int:attempt_id>")
@role_required("admin")
def attempt(attempt_id: int):
    attempt = get_or_404(Attempt, attempt_id)
    return render_template(
        "exams/admin/attempt.html",
        attempt=attempt,
        exam=attempt.exam,
        view=results.build_result(attempt, current_user),
        extend_form=ExtendForm(),
    )


@admin_bp.route("/attempts/<int:attempt_id>/extend", methods=["POST"])
@role_required("admin")
def extend_attempt(attempt_id: int):
    attempt = get_or_404(Attempt, attempt_id)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            deadline = deadlines.extend_attempt(current_user, attempt, form.minutes.data)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            message = _("已延长，新的截止时间 %(t)s", t=format_local(deadline, "%Y-%m-%d %H:%M:%S"))
            if deadline >= attempt.exam.closes_at:
                message += _("（已到考试结束时间，不能再晚）")
            flash(message, "success")
    else:
        flash(_("请填写延长的分钟数"), "danger")
    back = request.form.get("back") == "attempt"
    if back:
        return redirect(url_for("exams_admin.attempt", attempt_id=attempt.id))
    return redirect(url_for("exams_admin.attempts", exam_id=attempt.exam_id))

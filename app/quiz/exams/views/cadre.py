"""The cadre's side: my exams, an exam's page with its start button, the exam page itself
(template and script by the exam-page feature) and the result."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.common.errors import DomainError
from app.common.http import client_ip
from app.common.permissions import role_required
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.exams.models import Exam
from app.quiz.exams.services import attempts, audience, results
from app.quiz.exams.services import my_exams as listing
from app.quiz.exams.views._helpers import (
    get_or_404,
    own_attempt_or_404,
    settle_attempt,
    settle_user,
)
from app.quiz.exams.views.blueprint import bp


def _me():
    return current_user._get_current_object()


@bp.route("/")
@role_required("cadre")
def my_exams():
    settle_user(_me())
    now = utcnow()
    entries = listing.my_exams(_me(), now)
    return render_template("exams/my_exams.html", entries=entries, now=now)


@bp.route("/<int:exam_id>")
@role_required("cadre")
def exam(exam_id: int):
    exam = get_or_404(Exam, exam_id)
    if not audience.can_see(_me(), exam):
        abort(404)
    settle_user(_me())
    now = utcnow()
    entry = listing.describe(_me(), exam, now)
    problem = attempts.refusal(_me(), exam, now)
    return render_template(
        "exams/exam.html",
        exam=exam,
        entry=entry,
        problem=problem,
        now=now,
        score_visible={a.id: results.score_visible(a, _me(), now) for a in entry.attempts},
    )


@bp.route("/<int:exam_id>/start", methods=["POST"])
@role_required("cadre")
def start_exam(exam_id: int):
    exam = get_or_404(Exam, exam_id)
    try:
        attempt, _created = attempts.start_attempt(
            _me(), exam, ip=client_ip(), user_agent=request.headers.get("User-Agent", "")
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("quiz.exam", exam_id=exam_id))
    db.session.commit()
    return redirect(url_for("quiz.take_attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@role_required("cadre")
def take_attempt(attempt_id: int):
    attempt = settle_attempt(own_attempt_or_404(_me(), attempt_id))
    if attempt.submitted:
        return redirect(url_for("quiz.attempt_result", attempt_id=attempt.id))
    return render_template("exams/attempt.html", attempt=attempt, exam=attempt.exam)


@bp.route("/attempts/<int:attempt_id>/result")
@role_required("cadre")
def attempt_result(attempt_id: int):
    attempt = settle_attempt(own_attempt_or_404(_me(), attempt_id))
    if not attempt.submitted:
        return redirect(url_for("quiz.take_attempt", attempt_id=attempt.id))
    now = utcnow()
    view = results.build_result(attempt, _me(), now)
    return render_template(
        "exams/result.html",
        view=view,
        attempt=attempt,
        exam=attempt.exam,
        review_message=results.review_message(attempt, _me(), now),
        only_missed=view.score_visible and request.args.get("only") == "missed",
    )

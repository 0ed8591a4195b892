"""One subject of a round: self-assessment, the anonymous ballot, the appraisal workspace
(evidence beside each standard, scores, negative-list marks, conclusion), interviews, portrait."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.permissions import login_required, role_required
from app.evaluation import policy
from app.evaluation.models import Evaluation, NegativeItem, NegativeMark
from app.evaluation.services import EvaluationError, appraisal, ballots, rounds
from app.evaluation.views._helpers import assessable, failed, form_date, get_or_404
from app.evaluation.views.blueprint import bp
from app.extensions import db


@bp.route("/subjects/<int:evaluation_id>/self", methods=["GET", "POST"])
@login_required
def self_assessment(evaluation_id: int):
    evaluation = get_or_404(Evaluation, evaluation_id)
    if not policy.can_self_assess(current_user, evaluation):
        abort(403)
    if request.method == "POST":
        entries = {
            dim.id: (
                request.form.get(f"score_{dim.id}", ""),
                request.form.get(f"statement_{dim.id}", ""),
            )
            for dim in evaluation.round.framework.dimensions
        }
        try:
            rounds.save_self_assessment(current_user, evaluation, entries)
        except EvaluationError as error:
            return failed(error, request.path)
        db.session.commit()
        flash(_("自评已提交"), "success")
        return redirect(url_for("evaluation.index"))
    saved = {row.dimension_id: row for row in evaluation.self_rows}
    return render_template("evaluation/self.html", evaluation=evaluation, saved=saved)


@bp.route("/subjects/<int:evaluation_id>/ballot", methods=["GET", "POST"])
@login_required
def ballot(evaluation_id: int):
    evaluation = get_or_404(Evaluation, evaluation_id)
    if not policy.can_vote(current_user, evaluation):
        abort(403)
    if request.method == "POST":
        grades = {
            dim.id: request.form.get(f"grade_{dim.id}", "")
            for dim in evaluation.round.framework.dimensions
        }
        try:
            ballots.cast(current_user, evaluation, grades, request.form.get("comment", ""))
        except EvaluationError as error:
            return failed(error, request.path)
        db.session.commit()
        flash(_("测评票已匿名提交"), "success")
        return redirect(url_for("evaluation.index"))
    return render_template(
        "evaluation/ballot.html",
        evaluation=evaluation,
        voted=ballots.has_voted(current_user, evaluation),
    )


@bp.route("/subjects/<int:evaluation_id>")
@role_required("admin", "assessor")
def appraise(evaluation_id: int):
    evaluation = assessable(evaluation_id)
    figs, record = appraisal.evidence(evaluation)
    beside = {
        s.id: appraisal.matching(s.evidence_keys, figs)
        for d in evaluation.round.framework.dimensions
        for s in d.standards
    }
    voted, eligible = ballots.participation(evaluation)
    return render_template(
        "evaluation/appraise.html",
        evaluation=evaluation,
        figures=figs,
        beside=beside,
        record=record,
        scores={row.standard_id: row for row in evaluation.score_rows},
        saved_self={row.dimension_id: row for row in evaluation.self_rows},
        summary=ballots.summaries([evaluation])[evaluation.id],
        voted=voted,
        eligible=eligible,
        preview=appraisal.compute(evaluation),
    )


def _back(evaluation: Evaluation) -> str:
    return url_for("evaluation.appraise", evaluation_id=evaluation.id)


@bp.route("/subjects/<int:evaluation_id>/scores", methods=["POST"])
@role_required("admin", "assessor")
def save_scores(evaluation_id: int):
    evaluation = assessable(evaluation_id)
    entries = {
        s.id: (request.form.get(f"score_{s.id}", ""), request.form.get(f"evidence_{s.id}", ""))
        for d in evaluation.round.framework.dimensions
        for s in d.standards
    }
    try:
        appraisal.save_scores(current_user, evaluation, entries)
    except EvaluationError as error:
        return failed(error, _back(evaluation))
    db.session.commit()
    flash(_("评分已保存"), "success")
    return redirect(_back(evaluation))


@bp.route("/subjects/<int:evaluation_id>/marks", methods=["POST"])
@role_required("admin", "assessor")
def mark_negative(evaluation_id: int):
    evaluation = assessable(evaluation_id)
    item = db.session.get(NegativeItem, request.form.get("item", type=int) or 0)
    try:
        appraisal.mark_negative(current_user, evaluation, item, request.form.get("note", ""))
    except EvaluationError as error:
        return failed(error, _back(evaluation))
    db.session.commit()
    return redirect(_back(evaluation))


def _mark(mark_id: int) -> tuple[NegativeMark, Evaluation]:
    mark = get_or_404(NegativeMark, mark_id)
    return mark, assessable(mark.evaluation_id)


@bp.route("/marks/<int:mark_id>/confirm", methods=["POST"])
@role_required("admin", "assessor")
def confirm_mark(mark_id: int):
    mark, evaluation = _mark(mark_id)
    try:
        appraisal.confirm_mark(current_user, mark)
    except EvaluationError as error:
        return failed(error, _back(evaluation))
    db.session.commit()
    return redirect(_back(evaluation))


@bp.route("/marks/<int:mark_id>/delete", methods=["POST"])
@role_required("admin", "assessor")
def delete_mark(mark_id: int):
    mark, evaluation = _mark(mark_id)
    try:
        appraisal.remove_mark(current_user, mark)
    except EvaluationError as error:
        return failed(error, _back(evaluation))
    db.session.commit()
    return redirect(_back(evaluation))


@bp.route("/subjects/<int:evaluation_id>/publish", methods=["POST"])
@role_required("admin", "assessor")
def publish(evaluation_id: int):
    evaluation = assessable(evaluation_id)
    try:
        appraisal.publish(current_user, evaluation, request.form.get("conclusion", ""))
    except EvaluationError as error:
        return failed(error, _back(evaluation))
    db.session.commit()
    flash(_("评价结果已发布"), "success")
    return redirect(url_for("evaluation.portrait", evaluation_id=evaluation.id))


@bp.route("/subjects/<int:evaluation_id>/interviews", methods=["GET", "POST"])
@role_required("admin", "assessor")
def interviews(evaluation_id: int):
    evaluation = assessable(evaluation_id)
    if request.method == "POST":
        try:
            appraisal.add_interview(
                current_user,
                evaluation,
                form_date("held_on"),
                request.form.get("interviewee", ""),
                request.form.get("notes", ""),
            )
        except EvaluationError as error:
            return failed(error, request.path)
        db.session.commit()
        return redirect(request.path)
    notes = appraisal.open_interviews(current_user, evaluation)
    db.session.commit()  # the opening's audit entry
    return render_template("evaluation/interviews.html", evaluation=evaluation, notes=notes)


@bp.route("/subjects/<int:evaluation_id>/portrait")
@login_required
def portrait(evaluation_id: int):
    evaluation = get_or_404(Evaluation, evaluation_id)
    if evaluation.kind != "cadre" or not policy.can_view_result(current_user, evaluation):
        abort(404 if evaluation.kind != "cadre" else 403)
    if evaluation.published_at is None:
        abort(404)
    return render_template(
        "evaluation/portrait.html",
        evaluation=evaluation,
        portrait=appraisal.portrait(evaluation),
        marks=[m for m in evaluation.marks if m.counts],
        scores={row.standard_id: row for row in evaluation.score_rows},
    )

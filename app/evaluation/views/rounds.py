"""政治素质考察 pages: everyone's evaluation home, the rounds (administrators and the assessors
they name), the team assessment (领导班子政治功能研判) and its export, assessors."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import Team, User
from app.common.permissions import login_required, role_required
from app.evaluation import policy
from app.evaluation.export import team_workbook
from app.evaluation.models import AssessorScope, Evaluation, EvaluationRound, Framework
from app.evaluation.services import (
    EvaluationError,
    appraisal,
    ballots,
    frameworks,
    meetings,
    round_changes,
    rounds,
)
from app.evaluation.services.rounds import local_today
from app.evaluation.services.team_assessment import TeamAssessment, assess_team
from app.evaluation.views._helpers import failed, form_date, get_or_404
from app.evaluation.views.blueprint import bp
from app.extensions import db


@bp.route("/")
@login_required
def index():
    is_assessor = current_user.is_admin or current_user.has_role("assessor")
    return render_template(
        "evaluation/index.html",
        my_subjects=rounds.my_subjects(current_user),
        to_vote=rounds.ballots_to_cast(current_user),
        results=appraisal.published_for(current_user.id),
        rounds=rounds.rounds_for(current_user) if is_assessor else [],
        managed_teams=current_user.secretary_teams,
        my_items=[i for i in meetings.items_for(current_user.id) if i.status == "open"],
        today=local_today(),
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
@role_required("admin")
def new_round():
    if request.method == "POST":
        form = request.form
        try:
            fw = db.session.get(Framework, form.get("framework", type=int) or 0)
            dues = [form_date(k) for k in ("self_due", "ballot_due", "appraisal_due")]
            round_ = rounds.create_round(
                current_user,
                title=form.get("title", ""),
                purpose=form.get("purpose", ""),
                framework=fw,
                min_ballots=form.get("min_ballots", "5"),
                self_due=dues[0],
                ballot_due=dues[1],
                appraisal_due=dues[2],
            )
        except EvaluationError as error:
            return failed(error, url_for("evaluation.new_round"))
        db.session.commit()
        return redirect(url_for("evaluation.round_page", round_id=round_.id))
    return render_template("evaluation/round_form.html", frameworks=frameworks.frameworks())


def _round_for_assessor(round_id: int) -> EvaluationRound:
    round_ = get_or_404(EvaluationRound, round_id)
    if not policy.is_round_assessor(current_user, round_):
        abort(403)
    return round_


@bp.route("/rounds/<int:round_id>")
@role_required("admin", "assessor")
def round_page(round_id: int):
    round_ = _round_for_assessor(round_id)
    subjects = rounds.visible_subjects(current_user, round_)
    teams = {}
    for e in subjects:
        teams.setdefault(e.team_id, e.team)
    return render_template(
        "evaluation/round.html",
        round=round_,
        subjects=subjects,
        teams=list(teams.values()),
        counts=ballots.counts(e.id for e in subjects),
        removable=round_changes.removable(subjects)
        if current_user.is_admin and round_.status == "open"
        else set(),
        all_teams=db.session.scalars(select(Team).order_by(Team.path)).all()
        if current_user.is_admin
        else [],
    )


@bp.route("/rounds/<int:round_id>/teams", methods=["POST"])
@role_required("admin")
def add_round_team(round_id: int):
    round_ = get_or_404(EvaluationRound, round_id)
    team = db.session.get(Team, request.form.get("team", type=int) or 0)
    back = url_for("evaluation.round_page", round_id=round_.id)
    if team is None:
        return failed(EvaluationError(_("请选择领导班子"), "team"), back)
    try:
        added = rounds.add_team(current_user, round_, team)
    except EvaluationError as error:
        return failed(error, back)
    db.session.commit()
    flash(_("已加入 %(n)d 个考察对象", n=added), "success")
    return redirect(back)


def _named_user() -> User | None:
    """The account the form's username field names (None: no such account)."""
    return db.session.scalar(
        select(User).where(User.username == request.form.get("username", "").strip())
    )


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_round(round_id: int):
    round_ = get_or_404(EvaluationRound, round_id)
    if request.method == "POST":
        try:
            dues = [form_date(k) for k in ("self_due", "ballot_due", "appraisal_due")]
            round_changes.update_round(
                current_user,
                round_,
                title=request.form.get("title", ""),
                min_ballots=request.form.get("min_ballots", ""),
                self_due=dues[0],
                ballot_due=dues[1],
                appraisal_due=dues[2],
            )
        except EvaluationError as error:
            return failed(error, url_for("evaluation.edit_round", round_id=round_.id))
        db.session.commit()
        flash(_("已保存"), "success")
        return redirect(url_for("evaluation.round_page", round_id=round_.id))
    return render_template("evaluation/round_edit.html", round=round_)


@bp.route("/rounds/<int:round_id>/cadres", methods=["POST"])
@role_required("admin")
def add_round_cadre(round_id: int):
    round_ = get_or_404(EvaluationRound, round_id)
    cadre = _named_user()
    back = url_for("evaluation.round_page", round_id=round_.id)
    try:
        round_changes.add_subject(current_user, round_, cadre)
    except EvaluationError as error:
        return failed(error, back)
    db.session.commit()
    return redirect(back)


@bp.route("/rounds/<int:round_id>/subjects/<int:evaluation_id>/delete", methods=["POST"])
@role_required("admin")
def remove_round_subject(round_id: int, evaluation_id: int):
    evaluation = get_or_404(Evaluation, evaluation_id)
    if evaluation.round_id != round_id:
        abort(404)
    back = url_for("evaluation.round_page", round_id=round_id)
    try:
        round_changes.remove_subject(current_user, evaluation)
    except EvaluationError as error:
        return failed(error, back)
    db.session.commit()
    flash(_("已移出考察"), "success")
    return redirect(back)


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@role_required("admin")
def close_round(round_id: int):
    round_ = get_or_404(EvaluationRound, round_id)
    rounds.close_round(current_user, round_)
    db.session.commit()
    flash(_("考察已结束：不再接受自评和测评"), "success")
    return redirect(url_for("evaluation.round_page", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/assessors", methods=["POST"])
@role_required("admin")
def add_round_assessor(round_id: int):
    round_ = get_or_404(EvaluationRound, round_id)
    user = _named_user()
    back = url_for("evaluation.round_page", round_id=round_.id)
    try:
        rounds.add_assessor(current_user, round_, user)
    except EvaluationError as error:
        return failed(error, back)
    db.session.commit()
    return redirect(back)


def _team_in_round(round_id: int, team_id: int) -> TeamAssessment:
    round_ = _round_for_assessor(round_id)
    team = get_or_404(Team, team_id)
    if not policy.can_view_team(current_user, round_, team):
        abort(403)
    assessment = assess_team(round_, team)
    if assessment is None:
        abort(404)
    return assessment


@bp.route("/rounds/<int:round_id>/teams/<int:team_id>")
@role_required("admin", "assessor")
def team_assessment(round_id: int, team_id: int):
    return render_template("evaluation/team.html", a=_team_in_round(round_id, team_id))


@bp.route("/rounds/<int:round_id>/teams/<int:team_id>.xlsx")
@role_required("admin", "assessor")
def team_export(round_id: int, team_id: int):
    assessment = _team_in_round(round_id, team_id)
    return send_file(
        team_workbook(assessment),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"team-assessment-{round_id}-{team_id}.xlsx",
    )


@bp.route("/assessors/<int:user_id>/<int:team_id>/delete", methods=["POST"])
@role_required("admin")
def revoke_assessor(user_id: int, team_id: int):
    scope = get_or_404(AssessorScope, {"user_id": user_id, "team_id": team_id})
    rounds.revoke_assessor(current_user, scope)
    db.session.commit()
    return redirect(url_for("evaluation.assessors"))


@bp.route("/assessors", methods=["GET", "POST"])
@role_required("admin")
def assessors():
    if request.method == "POST":
        user = _named_user()
        team = db.session.get(Team, request.form.get("team", type=int) or 0)
        try:
            rounds.grant_assessor(current_user, user, team)
        except EvaluationError as error:
            return failed(error, url_for("evaluation.assessors"))
        db.session.commit()
        return redirect(url_for("evaluation.assessors"))
    return render_template(
        "evaluation/assessors.html",
        scopes=rounds.assessor_scopes(),
        teams=db.session.scalars(select(Team).order_by(Team.path)).all(),
    )

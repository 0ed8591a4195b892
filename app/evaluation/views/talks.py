"""谈心谈话 pages: a team's talks this year and the members with none; one talk's confidential
record (each opening audit-logged), the reply to a 函询 and its verification, follow-up."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.models import Team, User
from app.common.permissions import login_required
from app.evaluation import policy
from app.evaluation.models import Talk
from app.evaluation.services import EvaluationError, talks
from app.evaluation.views._helpers import failed, form_date, get_or_404, this_year
from app.evaluation.views.blueprint import bp
from app.extensions import db


def _team(team_id: int) -> Team:
    team = get_or_404(Team, team_id)
    if not policy.can_view_team_records(current_user, team):
        abort(403)
    return team


@bp.route("/teams/<int:team_id>/talks", methods=["GET", "POST"])
@login_required
def team_talks(team_id: int):
    team = _team(team_id)
    year = this_year()
    if request.method == "POST":
        if not policy.runs_team(current_user, team):
            abort(403)
        try:
            talk = talks.record_talk(
                current_user,
                team,
                subject=db.session.get(User, request.form.get("subject", type=int) or 0),
                talker=request.form.get("talker", ""),
                kind=request.form.get("kind", ""),
                held_on=form_date("held_on"),
                record=request.form.get("record", ""),
            )
        except EvaluationError as error:
            return failed(error, request.path)
        db.session.commit()
        return redirect(url_for("evaluation.talk", talk_id=talk.id))
    return render_template(
        "evaluation/talks.html",
        team=team,
        year=year,
        talks=talks.team_talks(team, year),
        without=talks.members_without_talk(team, year),
        members=[m for m in team.members if m.active],
        can_run=policy.runs_team(current_user, team),
    )


@bp.route("/talks/<int:talk_id>", methods=["GET", "POST"])
@login_required
def talk(talk_id: int):
    talk = get_or_404(Talk, talk_id)
    if not policy.can_view_team_records(current_user, talk.team):
        abort(403)
    if request.method == "POST":
        if not policy.runs_team(current_user, talk.team):
            abort(403)
        try:
            talks.update_talk(
                current_user,
                talk,
                reply=request.form.get("reply", ""),
                verification=request.form.get("verification", ""),
                follow_up=request.form.get("follow_up", ""),
            )
        except EvaluationError as error:
            return failed(error, request.path)
        db.session.commit()
        return redirect(request.path)
    talks.open_talk(current_user, talk)
    db.session.commit()  # the opening's audit entry
    return render_template(
        "evaluation/talk.html", talk=talk, can_run=policy.runs_team(current_user, talk.team)
    )

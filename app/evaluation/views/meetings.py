"""民主生活会 pages: a team's meetings, one meeting with its criticism items and rectification
list, 叫停 / 责令重开 by the upper level, the rectification report (整改通报)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Team, User
from app.common.permissions import login_required
from app.evaluation import policy
from app.evaluation.models import LifeMeeting, RectificationItem
from app.evaluation.services import EvaluationError, meetings
from app.evaluation.services.rounds import local_today
from app.evaluation.views._helpers import failed, form_date, get_or_404
from app.evaluation.views.blueprint import bp
from app.extensions import db


def _viewable_team(team_id: int) -> Team:
    team = get_or_404(Team, team_id)
    if not policy.can_view_team_records(current_user, team):
        abort(403)
    return team


def _meeting(meeting_id: int) -> LifeMeeting:
    meeting = get_or_404(LifeMeeting, meeting_id)
    if not policy.can_view_team_records(current_user, meeting.team):
        abort(403)
    return meeting


def _run(meeting: LifeMeeting) -> None:
    if not policy.runs_team(current_user, meeting.team):
        abort(403)


def _member(team_id: int) -> User | None:
    user = db.session.get(User, request.form.get("member", type=int) or 0)
    return user if user is not None and user.team_id == team_id else None


@bp.route("/teams/<int:team_id>/meetings", methods=["GET", "POST"])
@login_required
def team_meetings(team_id: int):
    team = _viewable_team(team_id)
    if request.method == "POST":
        if not policy.runs_team(current_user, team):
            abort(403)
        try:
            meeting = meetings.create_meeting(
                current_user,
                team,
                topic=request.form.get("topic", ""),
                held_on=form_date("held_on"),
                attendees=request.form.get("attendees", ""),
                preparation=request.form.get("preparation", ""),
            )
        except EvaluationError as error:
            return failed(error, request.path)
        db.session.commit()
        return redirect(url_for("evaluation.meeting", meeting_id=meeting.id))
    return render_template(
        "evaluation/meetings.html",
        team=team,
        meetings=meetings.team_meetings(team),
        overdue=meetings.overdue_items(local_today(), team.id),
        can_run=policy.runs_team(current_user, team),
    )


@bp.route("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    meeting = _meeting(meeting_id)
    return render_template(
        "evaluation/meeting.html",
        meeting=meeting,
        members=[m for m in meeting.team.members if m.active],
        can_run=policy.runs_team(current_user, meeting.team),
        can_halt=policy.can_halt(current_user, meeting.team),
        today=local_today(),
    )


@bp.route("/meetings/<int:meeting_id>/outcome", methods=["POST"])
@login_required
def meeting_outcome(meeting_id: int):
    meeting = _meeting(meeting_id)
    _run(meeting)
    try:
        meetings.record_outcome(current_user, meeting, request.form.get("outcome", ""))
    except EvaluationError as error:
        return failed(error, url_for("evaluation.meeting", meeting_id=meeting.id))
    db.session.commit()
    return redirect(url_for("evaluation.meeting", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@login_required
def meeting_item(meeting_id: int):
    meeting = _meeting(meeting_id)
    _run(meeting)
    try:
        meetings.add_item(
            current_user,
            meeting,
            _member(meeting.team_id),
            request.form.get("kind", ""),
            request.form.get("text", ""),
        )
    except EvaluationError as error:
        return failed(error, url_for("evaluation.meeting", meeting_id=meeting.id))
    db.session.commit()
    return redirect(url_for("evaluation.meeting", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/halt", methods=["POST"])
@login_required
def halt_meeting(meeting_id: int):
    meeting = _meeting(meeting_id)
    if not policy.can_halt(current_user, meeting.team):
        abort(403)
    back = url_for("evaluation.meeting", meeting_id=meeting.id)
    try:
        again = meetings.halt(
            current_user, meeting, request.form.get("reason", ""), form_date("reheld_on")
        )
    except EvaluationError as error:
        return failed(error, back)
    db.session.commit()
    flash(_("已叫停并责令于 %(d)s 重新召开", d=again.held_on), "warning")
    return redirect(url_for("evaluation.meeting", meeting_id=again.id))


@bp.route("/meetings/<int:meeting_id>/rectifications", methods=["POST"])
@login_required
def add_rectification(meeting_id: int):
    meeting = _meeting(meeting_id)
    _run(meeting)
    back = url_for("evaluation.meeting", meeting_id=meeting.id)
    try:
        meetings.add_rectification(
            current_user,
            meeting,
            owner=_member(meeting.team_id),
            problem=request.form.get("problem", ""),
            measure=request.form.get("measure", ""),
            due_on=form_date("due_on"),
        )
    except EvaluationError as error:
        return failed(error, back)
    db.session.commit()
    return redirect(back)


@bp.route("/rectifications/<int:item_id>", methods=["POST"])
@login_required
def update_rectification(item_id: int):
    item = get_or_404(RectificationItem, item_id)
    if not policy.can_update_rectification(current_user, item):
        abort(403)
    # the owner may not see the team's records: they update from their own page
    if policy.can_view_team_records(current_user, item.meeting.team):
        back = url_for("evaluation.meeting", meeting_id=item.meeting_id)
    else:
        back = url_for("evaluation.index")
    try:
        meetings.update_rectification(
            current_user,
            item,
            status=request.form.get("status", ""),
            evidence=request.form.get("evidence", ""),
        )
    except EvaluationError as error:
        return failed(error, back)
    db.session.commit()
    return redirect(back)


@bp.route("/meetings/<int:meeting_id>/report")
@login_required
def rectification_report(meeting_id: int):
    meeting = _meeting(meeting_id)
    return render_template(
        "evaluation/report.html", meeting=meeting, report=meetings.report(meeting)
    )

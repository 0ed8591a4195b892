"""A team's group robots (admins and the team's secretary) and one-off reminders to the people
a page lists (secretaries and admins): a preview first, then send."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Team
from app.common.errors import DomainError
from app.common.forms import form_error, select_choices
from app.common.permissions import role_required
from app.extensions import db
from app.notify import manage
from app.notify.forms import ReminderForm, RobotForm
from app.notify.models import TeamRobot
from app.notify.views.blueprint import bp


def _team_for_robots(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    if not manage.can_manage_robots(current_user, team):
        abort(403)
    return team


@bp.route("/robots")
@role_required("admin", "secretary")
def robots_index():
    return render_template("notify/robots_index.html", teams=manage.manageable_teams(current_user))


@bp.route("/teams/<int:team_id>/robots", methods=["GET", "POST"])
@role_required("admin", "secretary")
def team_robots(team_id: int):
    team = _team_for_robots(team_id)
    form = RobotForm()
    form.kind.choices = select_choices(manage.robot_kind_labels().items())
    if form.validate_on_submit():
        try:
            manage.add_robot(
                current_user,
                team,
                kind=form.kind.data,
                name=form.name.data,
                url=form.url.data,
                secret=form.secret.data or "",
            )
        except DomainError as exc:
            form_error(form, exc, "url")
        else:
            db.session.commit()
            flash(_("群机器人已添加"), "success")
            return redirect(url_for("notify.team_robots", team_id=team.id))
    return render_template(
        "notify/robots.html",
        team=team,
        form=form,
        robots=manage.team_robots(team),
        kind_labels=manage.robot_kind_labels(),
    )


@bp.route("/robots/<int:robot_id>/delete", methods=["POST"])
@role_required("admin", "secretary")
def delete_robot(robot_id: int):
    robot = db.session.get(TeamRobot, robot_id)
    if robot is None:
        abort(404)
    team = _team_for_robots(robot.team_id)
    manage.remove_robot(current_user, robot)
    db.session.commit()
    flash(_("群机器人已删除"), "success")
    return redirect(url_for("notify.team_robots", team_id=team.id))


def _user_ids(raw: str) -> list[int]:
    return [int(part) for part in raw.replace(" ", "").split(",") if part.isdigit()][:10_000]


@bp.route("/remind", methods=["GET", "POST"])
@role_required("admin", "secretary")
def remind():
    """GET ``?users=1,2,3&message=…&link=…`` (from a statistics page): the form; POST without
    ``confirm``: the preview; POST with ``confirm``: send."""
    form = ReminderForm(request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.users.data = request.args.get("users", "")
        form.message.data = request.args.get("message", "")
        form.link.data = request.args.get("link", "")
    user_ids = _user_ids(form.users.data or "")
    recipients, preview = [], False
    if request.method == "POST" and form.validate():
        try:
            if form.confirm.data:
                batch = manage.send_reminder(
                    current_user, user_ids, form.message.data, form.link.data or ""
                )
                db.session.commit()
                flash(
                    _("提醒已发送给 %(n)d 人", n=batch.recipients),
                    "success",
                )
                return redirect(url_for("notify.inbox"))
            recipients, _message, _link = manage.check_reminder(
                current_user, user_ids, form.message.data, form.link.data or ""
            )
            preview = True
        except DomainError as exc:
            form_error(form, exc, "message")
    else:
        recipients = manage.reminder_recipients(current_user, user_ids) if user_ids else []
    return render_template("notify/remind.html", form=form, recipients=recipients, preview=preview)

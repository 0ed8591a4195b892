"""我的中心组: a secretary's teams, each team's members, and its progress in the assigned
courses. Admins see every team."""

from flask import abort, render_template
from flask_login import current_user

from app.auth.models import Team, User
from app.auth.services import teams_in_scope
from app.common.figures import member_figures, member_record
from app.common.permissions import role_required
from app.courses.services.content import course_by_id
from app.extensions import db
from app.stats import course_progress, dashboard, services
from app.stats.policy import team_scope_required
from app.stats.views.blueprint import bp


@bp.route("/teams/")
@role_required("secretary", "admin")
def my_teams():
    return render_template("stats/my_teams.html", teams=teams_in_scope(current_user))


@bp.route("/teams/<int:team_id>")
@role_required("secretary", "admin")
@team_scope_required
def team_detail(team):
    members = services.team_roster(team)
    period = dashboard.default_period()
    by_user = member_figures([m.id for m in members], period)
    return render_template(
        "stats/team.html",
        team=team,
        members=members,
        period=period,
        progress={uid: {f.key: f for f in figures} for uid, figures in by_user.items()},
    )


@bp.route("/teams/<int:team_id>/members/<int:user_id>")
@role_required("secretary", "admin")
@team_scope_required
def member_detail(team: Team, user_id: int):
    member = db.session.get(User, user_id)
    if member is None or member.team is None or not member.team.is_within(team):
        abort(404)
    period = dashboard.default_period()
    return render_template(
        "stats/member.html",
        team=team,
        member=member,
        period=period,
        figures=member_figures([member.id], period).get(member.id, []),
        record=member_record(member.id, period),
    )


# Course progress keeps the address it had under /courses/, where secretaries look for it.
@bp.route("/courses/teams/<int:team_id>")
@role_required("secretary", "admin")
@team_scope_required
def team_progress(team: Team):
    return render_template(
        "stats/team_progress.html", team=team, summaries=course_progress.team_progress(team)
    )


@bp.route("/courses/teams/<int:team_id>/<int:course_id>")
@role_required("secretary", "admin")
@team_scope_required
def team_course(team: Team, course_id: int):
    course = course_by_id(course_id)
    summaries = course_progress.team_progress(team, course) if course is not None else []
    if not summaries:
        abort(404)
    return render_template("stats/team_course.html", team=team, summary=summaries[0])

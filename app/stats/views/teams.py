"""我的中心组: a secretary's teams, each team's members, and its progress in the assigned
courses. Admins see every team."""

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Team, User
from app.auth.services import rank_labels, teams_in_scope
from app.common.figures import member_figures, member_record
from app.common.permissions import role_required
from app.common.timeutil import format_local
from app.courses.services.content import course_by_id
from app.extensions import db
from app.stats import course_progress, dashboard, services
from app.stats.policy import team_scope_required
from app.stats.tables import Table
from app.stats.views.blueprint import bp
from app.stats.views.exports import export_response


@bp.route("/teams/")
@role_required("secretary", "admin")
def my_teams():
    return render_template("stats/my_teams.html", teams=teams_in_scope(current_user))


def _roster(team: Team):
    members = services.team_roster(team)
    period = dashboard.default_period()
    by_user = member_figures([m.id for m in members], period)
    progress = {uid: {f.key: f for f in figures} for uid, figures in by_user.items()}
    return members, period, progress


@bp.route("/teams/<int:team_id>")
@role_required("secretary", "admin")
@team_scope_required
def team_detail(team):
    members, period, progress = _roster(team)
    return render_template(
        "stats/team.html", team=team, members=members, period=period, progress=progress
    )


@bp.route("/teams/<int:team_id>.<fmt>")
@role_required("secretary", "admin")
@team_scope_required
def team_detail_export(team: Team, fmt: str):
    members, _period, progress = _roster(team)
    ranks = rank_labels()

    def rate(member, key):
        figure = progress.get(member.id, {}).get(key)
        return figure.value if figure is not None else None

    table = Table(
        _("成员名册"),
        [
            _("姓名"),
            _("登录名"),
            _("职务"),
            _("职级"),
            _("所在班子"),
            _("必修课程完成率"),
            _("考试参与率"),
            _("最近登录"),
        ],
        [
            [
                m.name,
                m.username,
                m.post,
                ranks.get(m.rank, m.rank),
                m.team.name if m.team else "",
                rate(m, "courses.completion"),
                rate(m, "exams.participation"),
                format_local(m.last_login_at),
            ]
            for m in members
        ],
        rate_columns=(5, 6),
    )
    return export_response([table], fmt, f"team-{team.id}-roster")


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

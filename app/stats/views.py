from flask import Blueprint, render_template
from flask_login import current_user

from app.auth.services import teams_in_scope
from app.common.permissions import role_required
from app.stats import services
from app.stats.policy import team_scope_required

bp = Blueprint("stats", __name__, url_prefix="/teams", template_folder="templates")


@bp.route("/")
@role_required("secretary", "admin")
def my_teams():
    return render_template("stats/my_teams.html", teams=teams_in_scope(current_user))


@bp.route("/<int:team_id>")
@role_required("secretary", "admin")
@team_scope_required
def team_detail(team):
    return render_template("stats/team.html", team=team, members=services.team_roster(team))

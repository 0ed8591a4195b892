"""JSON for statistics: a team's figures for a period (the same registry the pages read),
scoped like the pages — an administrator any team, a secretary their teams' subtrees."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.auth.models import Team
from app.common.figures import team_figures
from app.common.http import json_error
from app.common.permissions import role_required
from app.stats import dashboard
from app.stats.policy import team_scope_required

bp = Blueprint("stats_api", __name__, url_prefix="/api/v1")


@bp.route("/stats/teams/<int:team_id>/figures")
@role_required("secretary", "admin")
@team_scope_required
def team_figures_json(team: Team):
    try:
        period = dashboard.parse_period(request.args.get("start"), request.args.get("end"))
    except dashboard.PeriodError as error:
        return json_error(422, "invalid", str(error))
    figures = team_figures([team.id], period).get(team.id, [])
    return jsonify(
        {
            "team_id": team.id,
            "team": team.full_name,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "figures": [
                {
                    "key": f.key,
                    "label": f.label,
                    "numerator": f.numerator,
                    "denominator": f.denominator,
                    "value": f.value,
                    "unit": f.unit,
                }
                for f in figures
            ],
        }
    )

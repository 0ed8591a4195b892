"""The statistics blueprint: 我的中心组, results by team, dashboards, exports, bulletins."""

from flask import Blueprint

bp = Blueprint("stats", __name__, template_folder="../templates")

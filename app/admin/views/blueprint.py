"""The ``admin`` blueprint: users, teams, bulk user import, audit log. Admin only."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="../templates")

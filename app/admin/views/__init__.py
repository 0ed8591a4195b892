"""Admin pages: users, teams, bulk user import, audit log. Every view is admin-only."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext

from app.common.nav import NavItem, register_nav

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="../templates")

register_nav(
    NavItem("admin.users", lambda: gettext("用户管理"), ("admin",), icon="people", order=80)
)
register_nav(
    NavItem("admin.teams", lambda: gettext("单位管理"), ("admin",), icon="diagram-3", order=81)
)
register_nav(
    NavItem(
        "admin.audit_log", lambda: gettext("审计日志"), ("admin",), icon="journal-text", order=82
    )
)

# The route modules register themselves on ``bp``.
from app.admin.views import audit, teams, user_import, users  # noqa: E402, F401

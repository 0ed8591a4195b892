"""Administration: users, teams, roles and secretary scopes, bulk user import, audit log."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.admin.cli import users_cli
from app.admin.views import bp
from app.common.nav import NavItem, register_nav


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    register_nav(
        NavItem("admin.users", lambda: gettext("用户管理"), ("admin",), icon="people", order=80)
    )
    register_nav(
        NavItem("admin.teams", lambda: gettext("单位管理"), ("admin",), icon="diagram-3", order=81)
    )
    register_nav(
        NavItem(
            "admin.audit_log",
            lambda: gettext("审计日志"),
            ("admin",),
            icon="journal-text",
            order=82,
        )
    )

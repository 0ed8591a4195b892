"""Team statistics for secretaries and administrators (rolls up the team tree). Reads the other
features through their services, never their tables."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.common.nav import NavItem, register_nav
from app.stats.views import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(
        NavItem(
            "stats.my_teams", lambda: gettext("我的中心组"), ("secretary",), icon="people", order=20
        )
    )

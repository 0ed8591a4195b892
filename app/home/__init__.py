"""Each role's home page: what this person has to do. Features add their items to the to-do
registry (``app.common.todo``) from their own ``register(app)``."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.common.nav import NavItem, register_nav
from app.common.todo import register_todo_provider
from app.home import services
from app.home.views import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(NavItem("home.index", lambda: gettext("首页"), (), icon="house", order=0))
    register_todo_provider(services.account_todos)

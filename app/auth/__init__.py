"""Authentication and accounts: teams, users, roles, login, passwords — the shared kernel every
feature may use — and the demo organisation."""

from __future__ import annotations

from flask import Flask

from app.auth import api, demo, throttled, views
from app.common.demo import register_demo_marker, register_demo_step


def register(app: Flask) -> None:
    app.register_error_handler(429, throttled.throttled)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_demo_step(demo.create_organisation, order=0)
    register_demo_marker(demo.demo_loaded, demo.print_accounts)

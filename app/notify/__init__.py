"""Notifications and the scheduler that sends reminders and rebuilds aggregates."""

from __future__ import annotations

from flask import Flask

from app.common.todo import register_todo_provider
from app.notify import views
from app.notify.cli import scheduler_cli


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.cli.add_command(scheduler_cli)
    register_todo_provider(views.notification_todos)

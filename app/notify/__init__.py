"""Notifications: the inbox, email and group robots through an outbox, and the scheduler that
runs every feature's jobs (docs/notifications.md)."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.common.metrics import register_metric_source
from app.common.nav import NavItem, register_nav
from app.common.todo import register_todo_provider
from app.notify import digest, jobs, metrics, tasks, views
from app.notify.cli import scheduler_cli


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    app.cli.add_command(scheduler_cli)
    app.context_processor(views.bell_context)
    register_todo_provider(views.notification_todos)
    register_nav(
        NavItem(
            "notify_admin.jobs",
            lambda: gettext("定时任务"),
            ("admin",),
            icon="clock-history",
            order=90,
        )
    )
    register_metric_source(metrics.notify_figures)
    tasks.register_tasks()
    jobs.register_job(
        "notify.weekly_digest",
        "cron",
        day_of_week=app.config["DIGEST_WEEKDAY"],
        hour=app.config["DIGEST_HOUR"],
        minute=0,
    )(digest.send_weekly_digest)

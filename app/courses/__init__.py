"""Courses: the study programme's materials, assignments and reading progress."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.common.demo import register_demo_step
from app.common.figures import register_figure_provider
from app.common.nav import NavItem, register_nav
from app.common.todo import register_todo_provider
from app.courses import api, demo, figures, reminders, todo, views
from app.courses.cli import courses_cli
from app.notify.jobs import register_job


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(courses_cli)
    register_nav(NavItem("courses.index", lambda: gettext("课程学习"), (), icon="book", order=10))
    register_nav(
        NavItem(
            "courses.manage_index",
            lambda: gettext("课程布置"),
            ("secretary",),
            icon="clipboard-check",
            order=21,
        )
    )
    register_nav(
        NavItem(
            "courses_admin.courses",
            lambda: gettext("课程管理"),
            ("admin",),
            icon="journal-richtext",
            order=72,
        )
    )
    register_todo_provider(todo.course_todos)
    register_figure_provider(figures.PROVIDER)
    # reminders (docs/notifications.md); the hourly ones pick their hour themselves
    register_job("courses.remind_assigned", "interval", minutes=5)(reminders.remind_assigned)
    register_job("courses.remind_due_soon", "cron", minute=0)(reminders.remind_due_soon)
    register_job("courses.remind_overdue", "cron", minute=0)(reminders.remind_overdue)
    register_demo_step(demo.import_demo_course, order=10)

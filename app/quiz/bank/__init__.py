"""题库: question banks, knowledge points, questions and their versions, the importers and
exporters, their admin pages and the ``questions`` CLI. It knows nothing of exams or practice:
they answer its usage hooks (``services/usage.py``)."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.common.demo import register_demo_step
from app.common.nav import NavItem, register_nav
from app.common.todo import register_todo_provider
from app.notify.jobs import register_job
from app.quiz.bank import demo, reminders, todo, views
from app.quiz.bank.cli import questions_cli


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.cli.add_command(questions_cli)
    register_nav(
        NavItem(
            "quiz_admin.banks", lambda: gettext("题库管理"), ("admin",), icon="collection", order=70
        )
    )
    register_todo_provider(todo.import_todos)
    register_demo_step(demo.import_shipped_bank, order=20)
    register_job("bank.remind_unconfirmed_imports", "interval", minutes=30)(
        reminders.remind_unconfirmed_imports
    )

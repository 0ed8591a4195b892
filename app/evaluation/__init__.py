"""Political-standard evaluation (政治标准评价): the framework with positive standards, the
negative list and one-vote veto; evaluation rounds with self-assessment, anonymous democratic
assessment, interviews, verification and appraisal; portraits, the team assessment and each
cadre's political-quality file (政治素质档案)."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.common.demo import register_demo_marker, register_demo_step
from app.common.nav import NavItem, register_nav
from app.common.todo import register_todo_provider
from app.evaluation import demo, jobs, todo, views
from app.notify.jobs import register_job


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
    register_nav(
        NavItem(
            "evaluation.index",
            lambda: gettext("政治素质考察"),
            ("cadre", "secretary", "assessor", "admin"),
            icon="clipboard-check",
            order=60,
        )
    )
    register_nav(
        NavItem(
            "evaluation.framework_list",
            lambda: gettext("评价标准"),
            ("admin",),
            icon="list-check",
            order=76,
        )
    )
    register_todo_provider(todo.evaluation_todos)
    register_job("evaluation.rectification_reminders", "cron", hour=8, minute=30)(
        jobs.rectification_reminders
    )
    register_demo_step(demo.evaluation_demo, order=70)
    register_demo_marker(demo.demo_loaded, demo.print_accounts)

"""Centre-group study (理论学习中心组学习): annual plans filed, sessions with lead-study and
report-study speakers, first-topic follow-up measures, check-in and attendance."""

from __future__ import annotations

import os

from flask import Flask
from flask_babel import gettext

from app.checkin import api, demo, figures, reminders, todo, views
from app.checkin.services import selfstudy
from app.common.demo import register_demo_step
from app.common.figures import register_figure_provider
from app.common.nav import NavItem, register_nav
from app.common.todo import register_todo_provider
from app.courses.hooks import register_lesson_studied_listener
from app.notify.jobs import register_job

# Settings and their defaults; each can come from the environment.
SETTINGS = {
    "CHECKIN_PLAN_DUE": "03-31",  # plans are due by this day (MM-DD) of their year
    "CHECKIN_OPEN_BEFORE_MINUTES": 30,  # check-in opens this long before the start
    "CHECKIN_LATE_GRACE_MINUTES": 5,  # after the start plus this, a check-in is late
    "CHECKIN_CODE_RATE_LIMIT": "10 per 10 minutes",  # wrong codes, per member and session
}


def register(app: Flask) -> None:
    for name, default in SETTINGS.items():
        app.config.setdefault(name, type(default)(os.environ.get(name, default)))
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_nav(
        NavItem(
            "checkin.index",
            lambda: gettext("中心组学习"),
            ("cadre", "secretary"),
            icon="people-fill",
            order=15,
        )
    )
    register_nav(
        NavItem(
            "checkin.plans_overview",
            lambda: gettext("学习计划备案"),
            ("admin",),
            icon="calendar-check",
            order=74,
        )
    )
    register_nav(
        NavItem(
            "checkin.quotas",
            lambda: gettext("中心组学习要求"),
            ("admin",),
            icon="bullseye",
            order=75,
        )
    )
    register_todo_provider(todo.checkin_todos)
    register_figure_provider(figures.provider())
    # 学完一节课程 records the day's self-study: courses announces, checkin listens
    register_lesson_studied_listener(selfstudy.on_lesson_studied)
    register_demo_step(demo.centre_group_study, order=50)
    # reminders (docs/notifications.md): hourly checks, each sent at its hour once by its key
    for job in (
        reminders.remind_session_tomorrow,
        reminders.remind_reflections,
        reminders.remind_plans_not_filed,
        reminders.remind_party_lectures,
    ):
        register_job(f"checkin.{job.__name__}", "cron", minute=0)(job)

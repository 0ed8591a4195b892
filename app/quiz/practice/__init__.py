"""练习: practice runs, the daily quiz and the mistake book, their pages and JSON API. Reads the
bank; hears about exam answers only through ``app.quiz.exams.hooks``."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.common.demo import register_demo_step
from app.common.nav import NavGroup, NavItem, register_nav, register_nav_group
from app.common.todo import register_todo_provider
from app.quiz.exams.hooks import register_answer_graded_listener
from app.quiz.practice import api, demo, todo, views
from app.quiz.practice.services import mistakes

CADRE = ("cadre",)


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    # one menu for the three, so the bar fits a narrow window in English too
    register_nav_group(NavGroup("practice", lambda: gettext("练习"), "pencil-square"))
    for endpoint, label, icon, order in (
        ("practice.start", lambda: gettext("练习"), "pencil-square", 30),
        ("practice.daily", lambda: gettext("每日答题"), "calendar-check", 31),
        ("practice.mistakes", lambda: gettext("错题本"), "journal-x", 32),
    ):
        register_nav(NavItem(endpoint, label, CADRE, icon=icon, order=order, group="practice"))
    register_todo_provider(todo.daily_quiz_todo)
    # Test misses reach the mistake book once the test's review policy releases them.
    register_answer_graded_listener(mistakes.on_exam_answers_graded)
    register_demo_step(demo.seed_practice, order=40)

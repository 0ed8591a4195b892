"""练习: practice runs, the daily quiz and the mistake book, their pages and JSON API. Reads the
bank; hears about exam answers only through ``app.quiz.exams.hooks``."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.common.demo import register_demo_step
from app.common.nav import NavItem, register_nav
from app.common.todo import register_todo_provider
from app.quiz.exams.hooks import register_answer_graded_listener
from app.quiz.practice import api, demo, todo, views
from app.quiz.practice.services import mistakes

CADRE = ("cadre",)


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_nav(
        NavItem("practice.start", lambda: gettext("练习"), CADRE, icon="pencil-square", order=30)
    )
    register_nav(
        NavItem(
            "practice.daily", lambda: gettext("每日答题"), CADRE, icon="calendar-check", order=31
        )
    )
    register_nav(
        NavItem("practice.mistakes", lambda: gettext("错题本"), CADRE, icon="journal-x", order=32)
    )
    register_todo_provider(todo.daily_quiz_todo)
    # Test misses reach the mistake book once the test's review policy releases them.
    register_answer_graded_listener(mistakes.on_exam_answers_graded)
    register_demo_step(demo.seed_practice, order=40)

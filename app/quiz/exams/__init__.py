"""考试: exams, paper assembly, audience, attempts and the answer store, grading and marking,
regrade, results, item analysis, the exam API, pages and CLI, and the scheduler's exam jobs.
Practice hears about graded answers through ``hooks``."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from app.common.demo import register_demo_step
from app.common.figures import register_figure_provider
from app.common.nav import NavItem, register_nav
from app.common.todo import register_todo_provider
from app.notify.jobs import register_job
from app.quiz.bank.services.holds import register_hold_provider
from app.quiz.bank.services.usage import register_in_use_checker, register_usage_provider
from app.quiz.exams import api, demo, figures, jobs, reminders, todo, views
from app.quiz.exams.cli import exams_cli
from app.quiz.exams.services import usage, withheld


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(exams_cli)
    register_nav(
        NavItem(
            "quiz.my_exams", lambda: gettext("我的考试"), ("cadre",), icon="stopwatch", order=15
        )
    )
    register_nav(
        NavItem(
            "exams_admin.exams_list",
            lambda: gettext("考试管理"),
            ("admin",),
            icon="clipboard-data",
            order=71,
        )
    )
    register_todo_provider(todo.exam_todos)
    register_figure_provider(figures.PROVIDER)
    register_todo_provider(todo.marking_todos)
    # The scheduler's start-up sweep (app/notify/jobs.py) runs it at once when a minute or more
    # has passed since its last run: an attempt left open past its deadline waits no interval.
    register_job("exams.auto_submit_overdue", "interval", minutes=1)(jobs.auto_submit_overdue)
    register_job("exams.release_mistakes", "interval", minutes=5)(jobs.release_mistakes)
    # the results by team's stored sums by question (services/tallies.py)
    register_job("exams.refresh_tallies", "interval", minutes=5)(jobs.refresh_tallies)
    # reminders (docs/notifications.md): checked often, each sent once by its dedupe key
    register_job("exams.remind_opened", "interval", minutes=5)(reminders.remind_opened)
    register_job("exams.remind_closing", "interval", minutes=5)(reminders.remind_closing)
    register_job("exams.remind_results", "interval", minutes=15)(reminders.remind_results)
    register_job("exams.remind_essays_waiting", "cron", hour=9, minute=0)(
        reminders.remind_essays_waiting
    )
    register_in_use_checker(usage.used_by_an_attempt)
    register_usage_provider(usage.exam_answer_counts)
    # the bank page says which exams hold its questions back from practice, and until when
    register_hold_provider(withheld.bank_holds)
    # After the bank (it sits the shipped bank's questions), before practice (its closed
    # test's misses are already in the mistake book when yesterday's practice ran).
    register_demo_step(demo.demo_exams, order=30)

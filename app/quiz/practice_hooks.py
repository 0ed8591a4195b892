"""Where practice plugs into the rest: the home to-do list ("今日每日答题未完成") and the
graded-answer listener, which feeds test mistakes into the mistake book once the test's
review policy lets them out (``app.quiz.services.listeners``)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app.home.todo import TodoItem, register_todo_provider
from app.quiz.services import daily, mistakes
from app.quiz.services.listeners import register_answer_graded_listener

register_answer_graded_listener(mistakes.on_exam_answers_graded)


@register_todo_provider
def daily_quiz_todo(user) -> list[TodoItem]:
    if not user.has_role("cadre") or daily.done_today(user):
        return []
    streak = daily.current_streak(user)
    detail = (
        _("已连续完成 %(n)d 天", n=streak) if streak else _("每天 %(n)d 题", n=daily.quiz_size())
    )
    return [TodoItem(_("今日每日答题未完成"), url_for("practice.daily"), "daily", detail=detail)]

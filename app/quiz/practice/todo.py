"""The cadre's home page: "今日每日答题未完成" until today's daily quiz is done."""

from __future__ import annotations

from flask_babel import gettext as _

from app.common import links
from app.common.todo import TodoItem
from app.quiz.practice.services import daily


def daily_quiz_todo(user) -> list[TodoItem]:
    if not user.has_role("cadre") or daily.done_today(user):
        return []
    streak = daily.current_streak(user)
    detail = (
        _("已连续完成 %(n)d 天", n=streak) if streak else _("每天 %(n)d 题", n=daily.quiz_size())
    )
    return [TodoItem(_("今日每日答题未完成"), links.url("practice.daily"), "daily", detail=detail)]

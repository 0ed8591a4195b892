"""The home page's to-do: for a cadre, exams open to sit and the one in progress; for an
administrator, essays waiting to be marked and closed exams whose results wait on them."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from app.common import links
from app.common.timeutil import utcnow
from app.common.todo import TodoItem
from app.quiz.exams.services import marking, my_exams


def exam_todos(user) -> list[TodoItem]:
    if not user.has_role("cadre"):
        return []
    now = utcnow()
    items = []
    for entry in my_exams.my_exams(user, now):
        exam = entry.exam
        if entry.state == "in_progress" and not entry.current.is_overdue(now):
            items.append(
                TodoItem(
                    _("继续作答《%(t)s》", t=exam.title),
                    links.url("quiz.take_attempt", attempt_id=entry.current.id),
                    "exam",
                    due=entry.current.deadline,
                    detail=_("答题进行中，到时将自动交卷"),
                    urgent=True,
                )
            )
        elif entry.state == "open" and entry.can_start:
            items.append(
                TodoItem(
                    _("参加考试《%(t)s》", t=exam.title),
                    links.url("quiz.exam", exam_id=exam.id),
                    "exam",
                    due=exam.closes_at,
                    detail=_("限时 %(m)d 分钟", m=exam.duration_minutes),
                    urgent=exam.closes_at - now < timedelta(days=1),
                )
            )
    return items


def marking_todos(user) -> list[TodoItem]:
    if not user.is_admin:
        return []
    pending = marking.pending_essay_count()
    if not pending:
        return []
    items = [
        TodoItem(
            ngettext("%(num)d 道简答题待阅卷", "%(num)d 道简答题待阅卷", pending),
            links.url("exams_admin.grading"),
            "marking",
            detail=_("考试成绩在阅卷完成后才完整"),
        )
    ]
    for exam, count in marking.closed_exams_awaiting_marks(utcnow()):
        items.append(
            TodoItem(
                _("《%(t)s》已结束，成绩待阅卷后公布", t=exam.title),
                links.url("exams_admin.grading", exam_id=exam.id),
                "marking",
                due=exam.closes_at,
                detail=ngettext(
                    "还有 %(num)d 道简答题未评分", "还有 %(num)d 道简答题未评分", count
                ),
                urgent=True,
            )
        )
    return items

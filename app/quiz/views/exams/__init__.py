"""Exam pages: cadres take tests (``quiz``: 我的考试, the exam page, results) and
administrators run them (``exams_admin``: define, publish, watch, mark, analyse)."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext

from app.common.nav import NavItem, register_nav

bp = Blueprint("quiz", __name__, url_prefix="/exams", template_folder="../../templates")
admin_bp = Blueprint(
    "exams_admin", __name__, url_prefix="/admin/exams", template_folder="../../templates"
)

register_nav(
    NavItem("quiz.my_exams", lambda: gettext("我的考试"), ("cadre",), icon="stopwatch", order=15)
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


def _helpers():
    from app.quiz.importers.base import LETTERS
    from app.quiz.services import banks, events, exams
    from app.quiz.services.questions import answer_to_text

    return {
        "letters": LETTERS,
        "answer_text": answer_to_text,
        "exam_kind_labels": exams.kind_labels(),
        "exam_status_labels": exams.status_labels(),
        "assembly_labels": exams.assembly_labels(),
        "multiple_policy_labels": exams.multiple_policy_labels(),
        "score_policy_labels": exams.score_policy_labels(),
        "review_policy_labels": exams.review_policy_labels(),
        "event_labels": events.event_labels(),
        "type_labels": banks.type_labels(),
        "num": lambda p: "" if p is None else format(p.normalize(), "f"),
        "duration_text": duration_text,
    }


def duration_text(delta) -> str:
    """A timedelta as 1 小时 05 分 / 12 分 30 秒."""
    if delta is None:
        return ""
    seconds = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return gettext("%(h)d 小时 %(m)02d 分", h=hours, m=minutes)
    if minutes:
        return gettext("%(m)d 分 %(s)02d 秒", m=minutes, s=seconds)
    return gettext("%(s)d 秒", s=seconds)


bp.context_processor(_helpers)
admin_bp.context_processor(_helpers)

# Route modules, the usage hooks, the scheduler job and the to-do provider register here.
# exam_demo here, not only with the CLI: its demo step must run before the practice demo's
# (the closed exam happened before yesterday's practice that the mistake book shows).
from app.quiz import exam_demo, exam_jobs, exam_todo  # noqa: E402, F401
from app.quiz.services import exam_usage  # noqa: E402, F401
from app.quiz.views.exams import (  # noqa: E402, F401
    admin_analysis,
    admin_attempts,
    admin_exams,
    admin_marking,
    admin_paper,
    cadre,
)

"""The exam blueprints — ``quiz`` for cadres (我的考试, the exam page, results) and
``exams_admin`` for administrators (define, publish, watch, mark, analyse) — and what their
templates share."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext, ngettext

from app.quiz.bank.importers.base import LETTERS
from app.quiz.bank.services import banks
from app.quiz.bank.services.questions import answer_to_text
from app.quiz.exams.services import events, exams

bp = Blueprint("quiz", __name__, url_prefix="/exams", template_folder="../templates")
admin_bp = Blueprint(
    "exams_admin", __name__, url_prefix="/admin/exams", template_folder="../templates"
)


def _helpers():
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
        "time_left_text": time_left_text,
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


def time_left_text(delta) -> str:
    """Time to a close far off in days (30 天), nearer in hours and minutes."""
    if delta is not None and delta.days >= 1:
        return ngettext("%(num)d 天", "%(num)d 天", delta.days)
    return duration_text(delta)


bp.context_processor(_helpers)
admin_bp.context_processor(_helpers)

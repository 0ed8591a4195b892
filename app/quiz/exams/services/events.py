"""The integrity log of attempts: started, resumed (device and address), focus lost and
regained on the exam page, submitted, auto-submitted, extended.

The log only: the actions that write to it live with the attempt (``attempts``) and its
deadline (``deadlines``).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.exams.models import Attempt, AttemptEvent


def event_labels() -> dict[str, str]:
    return {
        "started": _("开始答题"),
        "resumed": _("继续答题"),
        "focus_lost": _("离开考试页面"),
        "focus_regained": _("回到考试页面"),
        "submitted": _("交卷"),
        "auto_submitted": _("自动交卷"),
        "extended": _("延长时间"),
    }


def record_event(
    attempt: Attempt,
    kind: str,
    *,
    ip: str = "",
    user_agent: str = "",
    detail: str = "",
    at: datetime | None = None,
) -> AttemptEvent:
    # Added on its own rather than appended to ``attempt.events``, which would load the
    # whole log first.
    event = AttemptEvent(
        attempt=attempt,
        kind=kind,
        at=at or utcnow(),
        ip=(ip or "")[:64],
        user_agent=(user_agent or "")[:255],
        detail=(detail or "")[:255],
    )
    db.session.add(event)
    return event

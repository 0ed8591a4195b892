"""The integrity log of attempts: started, resumed (device and address), focus lost and
regained on the exam page, submitted, auto-submitted, extended.

An exam may set a focus-loss limit (off by default): the attempt is submitted
automatically at the limit-th loss; the page warns before it comes to that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from app.auth.models import User
from app.common import audit
from app.common.errors import DomainError
from app.common.timeutil import format_local, utcnow
from app.extensions import db
from app.quiz.exams.models import Attempt, AttemptEvent

FOCUS_KINDS = ("focus_lost", "focus_regained")


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


@dataclass
class FocusState:
    focus_losses: int
    limit: int | None
    auto_submitted: bool


def focus_event(
    user: User,
    attempt_id: int,
    kind: str,
    *,
    ip: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> FocusState:
    """Record that the exam page lost or regained focus; at the exam's limit of losses the
    attempt is submitted. Events after the attempt ended change nothing."""
    from app.quiz.exams.services import attempts

    if kind not in FOCUS_KINDS:
        raise attempts.AttemptError(_("kind 应为 focus_lost 或 focus_regained"), "invalid", 422)
    now = now or utcnow()
    attempt = attempts.lock_attempt(attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise attempts.not_found()
    limit = attempt.exam.focus_loss_limit
    if attempt.in_progress and attempt.is_overdue(now):
        attempts.submit_attempt(attempt, auto=True, now=now)
    elif attempt.in_progress:
        record_event(attempt, kind, ip=ip, user_agent=user_agent, at=now)
        if kind == "focus_lost":
            attempt.focus_losses += 1
            if limit and attempt.focus_losses >= limit:
                attempts.submit_attempt(attempt, auto=True, now=now, reason="focus_loss_limit")
        db.session.flush()
    return FocusState(attempt.focus_losses, limit, attempt.auto_submitted)


def extend_attempt(
    actor: User | None, attempt: Attempt, minutes: int, now: datetime | None = None
) -> datetime:
    """Give one cadre extra minutes (e.g. a device failed). The deadline never passes the
    exam's close. Returns the new deadline."""
    from app.quiz.exams.services.exams import deadline_for

    now = now or utcnow()
    if not attempt.in_progress:
        raise DomainError(_("答卷已提交，不能延长时间"))
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise DomainError(_("延长时间应为 1 到 600 分钟"), "minutes") from None
    if not 1 <= minutes <= 600:
        raise DomainError(_("延长时间应为 1 到 600 分钟"), "minutes")
    if attempt.is_overdue(now):
        raise DomainError(_("答卷已超时，将被自动提交，不能再延长"))
    attempt.extra_seconds += minutes * 60
    attempt.deadline = deadline_for(attempt)
    record_event(attempt, "extended", detail=_("延长 %(n)d 分钟", n=minutes), at=now)
    db.session.flush()
    audit.record(
        actor,
        "attempt.extend",
        attempt,
        _(
            "为 %(u)s 延长 %(n)d 分钟，截止时间 %(d)s",
            u=attempt.user.name,
            n=minutes,
            d=format_local(attempt.deadline),
        ),
    )
    return attempt.deadline

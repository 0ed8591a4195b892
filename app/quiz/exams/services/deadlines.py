"""An attempt's deadline (截止时间): start + duration + any extension, never past the exam's
close; recomputed when the exam's times change; extended for one cadre."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.common import audit
from app.common.errors import DomainError
from app.common.timeutil import format_local, utcnow
from app.extensions import db
from app.quiz.exams.models import Attempt, Exam
from app.quiz.exams.services.events import record_event


def deadline_for(attempt: Attempt, exam: Exam | None = None) -> datetime:
    """The earlier of start + duration + any extension, and the exam's close."""
    exam = exam or attempt.exam
    own = attempt.started_at + timedelta(
        minutes=exam.duration_minutes, seconds=attempt.extra_seconds or 0
    )
    return min(own, exam.closes_at)


def recompute_deadlines(exam: Exam) -> None:
    for attempt in db.session.scalars(
        select(Attempt).where(Attempt.exam_id == exam.id, Attempt.status == "in_progress")
    ):
        attempt.deadline = deadline_for(attempt, exam)
    db.session.flush()


def extend_attempt(
    actor: User | None, attempt: Attempt, minutes: int, now: datetime | None = None
) -> datetime:
    """Give one cadre extra minutes (e.g. a device failed). The deadline never passes the
    exam's close. Returns the new deadline."""
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

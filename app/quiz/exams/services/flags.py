"""Flags (标记待查) on an attempt's questions, kept with the attempt on the server so a
cadre who switches devices mid-sitting finds them where they left them."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.exams.models import AttemptItem
from app.quiz.exams.services.attempts import AttemptError, lock_attempt, not_found


def flagged_ids(attempt_id: int) -> list[int]:
    """The question ids flagged on an attempt, in paper order."""
    return list(
        db.session.scalars(
            select(AttemptItem.question_id)
            .where(AttemptItem.attempt_id == attempt_id, AttemptItem.flagged.is_(True))
            .order_by(AttemptItem.position)
        )
    )


def set_flag(
    user: User, attempt_id: int, question_id: int, flagged: bool, now: datetime | None = None
) -> bool:
    """Flag or unflag one question of the cadre's own sitting while it is open; returns the
    new state. A flag changes no answer, so it is refused only once the attempt is over."""
    if not isinstance(flagged, bool):
        raise AttemptError(_("flagged 应为 true 或 false"), "invalid")
    attempt = lock_attempt(attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise not_found()
    if not attempt.in_progress or attempt.is_overdue(now or utcnow()):
        raise AttemptError(_("本次考试已结束，不能再标记题目"), "submitted")
    item = db.session.scalar(
        select(AttemptItem).where(
            AttemptItem.attempt_id == attempt.id, AttemptItem.question_id == question_id
        )
    )
    if item is None:
        raise not_found(_("本答卷没有这道题"))
    item.flagged = flagged
    db.session.flush()
    return flagged

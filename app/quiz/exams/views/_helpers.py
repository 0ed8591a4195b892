"""Shared by the exam views: loading objects, lazy auto-submit on a read."""

from __future__ import annotations

from datetime import UTC

from flask import abort

from app.common.db import write_intent
from app.common.timeutil import SHANGHAI, to_local, utcnow
from app.extensions import db
from app.quiz.exams.models import Attempt
from app.quiz.exams.services import attempts, my_exams


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def own_attempt_or_404(user, attempt_id: int) -> Attempt:
    """The user's own attempt; another person's is "not found", not "forbidden"."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        abort(404)
    return attempt


def settle_attempt(attempt: Attempt) -> Attempt:
    """Submit the attempt first if its time is over (a GET that has to write)."""
    if not attempt.is_overdue(utcnow()):
        return attempt
    attempt_id = attempt.id
    with write_intent(db.session):
        attempts.settle(db.session.get(Attempt, attempt_id))
        db.session.commit()
    return db.session.get(Attempt, attempt_id)


def settle_user(user) -> None:
    """Submit every overdue attempt of the user before showing their exams."""
    if not my_exams.overdue_attempts(user):
        return
    with write_intent(db.session):
        for attempt in my_exams.overdue_attempts(user):
            attempts.settle(attempt)
        db.session.commit()


def local_to_utc(value):
    """A naive Asia/Shanghai time from a form → naive UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value):
    """Naive UTC → naive Asia/Shanghai, for a datetime-local input."""
    return to_local(value).replace(tzinfo=None) if value is not None else None

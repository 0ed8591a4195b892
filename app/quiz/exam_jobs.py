"""Scheduled work of the exams feature."""

from __future__ import annotations

import logging

from app.extensions import db
from app.notify.jobs import register_job
from app.quiz.services import attempts, listeners

RELEASE_BATCH = 200
log = logging.getLogger(__name__)


@register_job("exams.auto_submit_overdue", "interval", minutes=1)
def auto_submit_overdue() -> None:
    """Submit attempts whose time and grace are over, with their saved answers."""
    attempts.auto_submit_overdue()


@register_job("exams.release_mistakes", "interval", minutes=5)
def release_mistakes() -> int:
    """Put the misses of tests that have closed into their cadres' mistake books, one
    transaction per batch of attempts. Returns how many attempts were released."""
    total = 0
    while True:
        try:
            released = listeners.release_due(limit=RELEASE_BATCH)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("releasing exam misses to the mistake book failed")
            return total
        total += released
        if released < RELEASE_BATCH:
            return total

"""Scheduled work of the exams feature."""

from __future__ import annotations

import logging

from app.extensions import db
from app.quiz.exams import hooks as listeners
from app.quiz.exams.services import attempts, tallies

RELEASE_BATCH = 200
TALLY_BATCH = 50  # teams whose sums are stored in one transaction
log = logging.getLogger(__name__)


def auto_submit_overdue() -> None:
    """Submit attempts whose time and grace are over, with their saved answers."""
    attempts.auto_submit_overdue()


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


def refresh_tallies() -> int:
    """Store again the sums by question of the teams whose attempts changed (submitted,
    marked, moved …) since; reading stays exact without it, only slower. Returns how many
    (exam, team) sums were stored."""
    stored = tallies.refresh(batch=TALLY_BATCH, commit=True)
    db.session.commit()
    return stored

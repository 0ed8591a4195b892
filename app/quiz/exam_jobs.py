"""Scheduled work of the exams feature."""

from __future__ import annotations

from app.notify.jobs import register_job
from app.quiz.services import attempts


@register_job("exams.auto_submit_overdue", "interval", minutes=1)
def auto_submit_overdue() -> None:
    """Submit attempts whose time and grace are over, with their saved answers."""
    attempts.auto_submit_overdue()

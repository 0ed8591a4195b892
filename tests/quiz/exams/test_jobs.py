"""The scheduler's sweep of overdue attempts runs as soon as the scheduler starts."""

from __future__ import annotations

from datetime import UTC, timedelta

from app.common.timeutil import utcnow
from app.notify.jobs import build_scheduler


def test_the_first_sweep_is_due_at_start_not_an_interval_later(app):
    scheduler = build_scheduler(app, blocking=False)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job("exams.auto_submit_overdue")
        assert job.next_run_time <= utcnow().replace(tzinfo=UTC) + timedelta(seconds=5)
        assert job.misfire_grace_time is None  # run however late the start was
    finally:
        scheduler.shutdown(wait=False)

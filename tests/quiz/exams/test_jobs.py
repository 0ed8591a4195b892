"""The scheduler's sweep of overdue attempts runs as soon as the scheduler starts."""

from __future__ import annotations

from datetime import timedelta

from app.common.timeutil import utcnow
from app.extensions import db
from app.notify import jobs
from app.notify.models import JobRun


def test_the_first_sweep_runs_at_start_not_an_interval_later(app):
    assert "exams.auto_submit_overdue" in jobs.sweep()
    run = db.session.query(JobRun).filter_by(job="exams.auto_submit_overdue").one()
    assert run.trigger == "startup" and run.outcome == "ok"
    # a restart within the minute leaves it to the schedule; a later one runs it again
    assert "exams.auto_submit_overdue" not in jobs.sweep(now=run.started_at + timedelta(seconds=30))
    assert "exams.auto_submit_overdue" in jobs.sweep(now=utcnow() + timedelta(minutes=2))

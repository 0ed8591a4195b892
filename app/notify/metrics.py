"""Scrape-time figures for ``/metrics`` (app.common.metrics): the outbox backlog by status and
the scheduler's job outcomes over the last day — what an operator alerts on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import func, select

from app.common.metrics import Figure
from app.common.timeutil import utcnow
from app.extensions import db
from app.notify.models import Delivery, JobRun


def notify_figures() -> Iterator[Figure]:
    # Sent deliveries are history, not backlog: only the other statuses are counted.
    backlog = db.session.execute(
        select(Delivery.status, Delivery.channel, func.count())
        .where(Delivery.status != "sent")
        .group_by(Delivery.status, Delivery.channel)
    )
    for status, channel, count in backlog:
        yield Figure(
            "outbox_deliveries",
            "Outbox deliveries not yet sent, by status and channel",
            count,
            {"status": status, "channel": channel},
        )
    since = utcnow() - timedelta(days=1)
    runs = db.session.execute(
        select(JobRun.job, JobRun.outcome, func.count())
        .where(JobRun.started_at >= since)
        .group_by(JobRun.job, JobRun.outcome)
    )
    for job, outcome, count in runs:
        yield Figure(
            "job_runs_last_day",
            "Scheduler job runs started in the last 24 hours, by job and outcome",
            count,
            {"job": job, "outcome": outcome},
        )

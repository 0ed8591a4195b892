"""Notify's own scheduled jobs: send the outbox, purge old notifications, tell admins about
failing jobs. (Features' reminders live in their own ``jobs.py``, calling ``services``.)"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.common import links
from app.common.timeutil import to_local, utcnow
from app.extensions import db
from app.notify import jobs, outbox, services
from app.notify.models import Delivery, JobRun


def send_outbox() -> dict[str, int]:
    return outbox.send_due()


def purge_old(now: datetime | None = None) -> dict[str, int]:
    """Notifications, finished deliveries and job runs older than NOTIFY_RETENTION_DAYS."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["NOTIFY_RETENTION_DAYS"])
    notes = services.purge(now)
    deliveries = db.session.execute(
        delete(Delivery)
        .where(Delivery.created_at < cutoff, Delivery.status.in_(("sent", "failed")))
        .execution_options(synchronize_session=False)
    ).rowcount
    runs = db.session.execute(
        delete(JobRun)
        .where(JobRun.started_at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"notifications": notes, "deliveries": deliveries or 0, "job_runs": runs or 0}


def failing_jobs() -> list[str]:
    """The jobs whose latest (not skipped) run ended in an error."""
    failing = []
    for spec in jobs.registered_jobs():
        outcome = db.session.scalar(
            select(JobRun.outcome)
            .where(JobRun.job == spec.id, JobRun.outcome.in_(("ok", "error")))
            .order_by(JobRun.started_at.desc(), JobRun.id.desc())
            .limit(1)
        )
        if outcome == "error":
            failing.append(spec.id)
    return failing


def report_failing_jobs(now: datetime | None = None) -> int:
    """Tell every admin, once a day per job, which jobs are failing."""
    now = now or utcnow()
    day = to_local(now).date().isoformat()
    sent = 0
    link = links.url("notify_admin.jobs")
    for job_id in failing_jobs():
        sent += services.notify_many(
            services.admins(),
            _l("定时任务“%(j)s”最近一次运行失败，请查看任务页", j=job_id),
            link,
            kind="admin.job_failing",
            key=lambda u, job_id=job_id: f"admin.job_failing:{job_id}:{day}:u{u.id}",
            now=now,
        )
    return sent


def register_tasks() -> None:
    jobs.register_job("notify.outbox", "interval", minutes=1)(send_outbox)
    jobs.register_job("notify.purge", "cron", hour=3, minute=30)(purge_old)
    jobs.register_job("notify.failing_jobs", "cron", minute=15)(report_failing_jobs)

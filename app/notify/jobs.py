"""The job registry. Features register jobs with ``register_job``; each runs inside an
application context and commits its own work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from app.common.timeutil import SHANGHAI


@dataclass
class JobSpec:
    id: str
    func: Callable[[], None]
    trigger: str  # "interval" or "cron"
    options: dict = field(default_factory=dict)


_jobs: list[JobSpec] = []


def register_job(job_id: str, trigger: str, **options):
    def decorator(func: Callable[[], None]) -> Callable[[], None]:
        if all(j.id != job_id for j in _jobs):
            _jobs.append(JobSpec(job_id, func, trigger, options))
        return func

    return decorator


def registered_jobs() -> list[JobSpec]:
    return list(_jobs)


def build_scheduler(app, *, blocking: bool):
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=SHANGHAI, job_defaults={"coalesce": True, "max_instances": 1})
    for spec in _jobs:
        scheduler.add_job(
            _in_app_context(app, spec.func),
            spec.trigger,
            id=spec.id,
            replace_existing=True,
            **spec.options,
        )
    return scheduler


def _in_app_context(app, func):
    def run():
        with app.app_context():
            func()

    run.__name__ = func.__name__
    return run

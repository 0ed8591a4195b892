"""The job registry and the runner every scheduled job goes through.

Features register jobs with ``register_job(id, trigger, **options)`` in their ``register``.
A job is a plain function; it may return a count or a dict of counts. The runner
(``run_job``) gives it an app context, commits or rolls back, and writes a ``JobRun``. A
second scheduler started by mistake does no harm: on PostgreSQL each job takes an advisory
lock and is skipped while another holds it; on SQLite a lease on the job's ``JobState`` row
does the same (a short lease renewed while the job runs); and every notification has a
unique dedupe key besides.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import event, or_, select, text, update
from sqlalchemy.engine import Engine

from app.common.timeutil import SHANGHAI, utcnow
from app.extensions import db
from app.notify.models import JobRun, JobState

log = logging.getLogger(__name__)

# The advisory-lock namespace of scheduler jobs (two-int form: namespace, crc32 of the id).
LOCK_NAMESPACE = 0x584B  # "XK"
CONTROL_JOB = "notify.control"


@dataclass
class JobSpec:
    id: str
    func: Callable[[], object]
    trigger: str  # "interval" or "cron"
    options: dict = field(default_factory=dict)

    def make_trigger(self):
        if self.trigger == "cron":
            return CronTrigger(timezone=SHANGHAI, **self.options)
        return IntervalTrigger(timezone=SHANGHAI, **self.options)

    def describe(self) -> str:
        """The schedule in words (Beijing time)."""
        o = self.options
        if self.trigger == "interval":
            if "hours" in o:
                return ngettext("每 %(num)d 小时", "每 %(num)d 小时", o["hours"])
            if "minutes" in o:
                return ngettext("每 %(num)d 分钟", "每 %(num)d 分钟", o["minutes"])
            return ngettext("每 %(num)d 秒", "每 %(num)d 秒", o.get("seconds", 0))
        at = f"{int(o.get('hour', 0)):02d}:{int(o.get('minute', 0)):02d}"
        if "day_of_week" in o:
            days = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]
            day = o["day_of_week"]
            return _("每%(d)s %(t)s", d=days[day] if isinstance(day, int) else day, t=at)
        if "hour" in o:
            return _("每天 %(t)s", t=at)
        return _("每小时第 %(m)d 分", m=int(o.get("minute", 0)))

    def next_run(self, last_started: datetime | None, now: datetime) -> datetime:
        """The next time this job runs (naive UTC), given its last start (naive UTC)."""
        if self.trigger == "interval":
            if last_started is None:
                return now
            return max(now, last_started + self.make_trigger().interval)
        aware_now = now.replace(tzinfo=UTC)
        nxt = self.make_trigger().get_next_fire_time(None, aware_now)
        return nxt.astimezone(UTC).replace(tzinfo=None)

    def missed_since(self, last_started: datetime | None, now: datetime) -> bool:
        """Whether a run fell due after ``last_started`` and up to ``now`` (catch-up)."""
        if last_started is None:
            return True
        if self.trigger == "interval":
            return last_started + self.make_trigger().interval <= now
        due = self.make_trigger().get_next_fire_time(None, last_started.replace(tzinfo=UTC))
        return due is not None and due.astimezone(UTC).replace(tzinfo=None) <= now


_jobs: list[JobSpec] = []
# True while run_job runs a job in this context: checkpoint() may commit
_in_job: ContextVar[bool] = ContextVar("notify_in_job", default=False)
# what this job had used at its last pause (or start): the process's CPU time and the time
# its statements took on a database server (whose work our CPU time does not count)
_worked_from: ContextVar[tuple[float, float]] = ContextVar("notify_worked_from", default=(0.0, 0.0))
# seconds this job's statements spent on a server database so far (a box per job run)
_server_seconds: ContextVar[list[float] | None] = ContextVar("notify_server_s", default=None)
# a single pause never exceeds this (a burst of work is paid back in several)
MAX_PAUSE_SECONDS = 2.0


def checkpoint() -> None:
    """Inside a scheduled job, commit the work done so far and yield (``pause``): long
    fan-outs call it between chunks, so their transactions stay short (on SQLite: the one
    write lock is held a chunk at a time, and exam-day saves get their turn between chunks).
    Elsewhere (a page, a test, the CLI's own transaction) it does nothing. The commit does
    not expire loaded objects: a fan-out goes on reading its recipients, and expiring them
    cost one SELECT per person (10,000 cadres: 110 s instead of 3 s). A job that fails after
    some chunks keeps them: reminders are idempotent by their keys, and the next run sends
    the rest."""
    if not _in_job.get():
        return
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    pause()


def _work_done() -> tuple[float, float]:
    box = _server_seconds.get()
    return time.process_time(), box[0] if box else 0.0


def pause(setting: str = "SCHEDULER_YIELD") -> None:
    """Inside a scheduled job, between transactions: sleep SCHEDULER_YIELD times the work done
    since the last pause — the process's CPU time plus, on PostgreSQL, the time its statements
    took on the server — so background work takes at most about 1 / (1 + SCHEDULER_YIELD) of
    a core, and web requests (exam-day saves) keep theirs. ``setting`` names another factor
    (the outbox's NOTIFY_OUTBOX_YIELD). Waiting (for a lock, for the mail
    server) is not work and costs no pause. It holds no transaction while it sleeps.
    Elsewhere it does nothing."""
    if not _in_job.get():
        return
    factor = float(current_app.config.get(setting, 0) or 0)
    cpu, server = _work_done()
    cpu_from, server_from = _worked_from.get()
    used = (cpu - cpu_from) + (server - server_from)
    if factor > 0 and used > 0:
        time.sleep(min(used * factor, MAX_PAUSE_SECONDS))
    _worked_from.set(_work_done())


@event.listens_for(Engine, "before_cursor_execute")
def _statement_started(conn, cursor, statement, parameters, context, executemany):
    if _server_seconds.get() is not None and conn.dialect.name != "sqlite":
        conn.info["notify_job_t0"] = time.perf_counter()


@event.listens_for(Engine, "after_cursor_execute")
def _statement_ended(conn, cursor, statement, parameters, context, executemany):
    box, started = _server_seconds.get(), conn.info.pop("notify_job_t0", None)
    if box is not None and started is not None:
        box[0] += time.perf_counter() - started


def register_job(job_id: str, trigger: str, **options):
    def decorator(func: Callable[[], object]) -> Callable[[], object]:
        if all(j.id != job_id for j in _jobs):
            _jobs.append(JobSpec(job_id, func, trigger, options))
        return func

    return decorator


def registered_jobs() -> list[JobSpec]:
    return list(_jobs)


def find_job(job_id: str) -> JobSpec | None:
    return next((j for j in _jobs if j.id == job_id), None)


# --- locks --------------------------------------------------------------------------------
def _lock_key(job_id: str) -> int:
    value = zlib.crc32(job_id.encode())
    return value - 2**32 if value >= 2**31 else value


@contextmanager
def job_lock(job_id: str, now: datetime | None = None):
    """Yield True if this process may run ``job_id`` now, False if another holds it."""
    bind = db.engines[None]
    if bind.dialect.name == "postgresql":
        # A session-level advisory lock on a connection of its own: the job commits (maybe
        # many times) on the session's connection meanwhile. (The tests hand in one open
        # connection instead of the engine; the lock then lives on it.)
        args = {"ns": LOCK_NAMESPACE, "key": _lock_key(job_id)}
        owned = isinstance(bind, Engine)
        conn = bind.connect() if owned else bind
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:ns, :key)"), args).scalar()
            if owned:
                conn.commit()
            try:
                yield bool(got)
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:ns, :key)"), args)
                    if owned:
                        conn.commit()
        finally:
            if owned:
                conn.close()
        return
    now = now or utcnow()
    lease = timedelta(seconds=current_app.config["NOTIFY_JOB_LEASE_SECONDS"])
    _ensure_state(job_id)
    got = db.session.execute(
        update(JobState)
        .where(
            JobState.job == job_id,
            or_(JobState.lease_until.is_(None), JobState.lease_until < now),
        )
        .values(lease_until=now + lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    # (tests hand in one open connection: no second connection to beat on, and no need)
    beat = got and isinstance(bind, Engine)
    heartbeat = _Heartbeat(bind, job_id, now + lease, lease) if beat else None
    try:
        yield bool(got)
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        if got:
            db.session.rollback()
            db.session.execute(
                update(JobState)
                .where(JobState.job == job_id)
                .values(lease_until=None)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()


class _Heartbeat:
    """SQLite: renews a running job's lease every quarter of NOTIFY_JOB_LEASE_SECONDS from a
    thread with a connection of its own, so the lease can be short: a scheduler killed
    mid-job (SIGKILL, power) holds it at most one lease (2 minutes), not the job's length.
    Each renewal moves ``lease_until`` only from the value it last wrote, so a lease that did
    lapse and was taken over is left alone."""

    def __init__(self, engine, job_id: str, until: datetime, lease: timedelta) -> None:
        self.engine, self.job_id, self.until, self.lease = engine, job_id, until, lease
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease {job_id}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        table = JobState.__table__
        while not self._stop.wait(self.lease.total_seconds() / 4):
            until = utcnow() + self.lease
            try:
                with self.engine.begin() as conn:
                    renewed = conn.execute(
                        table.update()
                        .where(table.c.job == self.job_id, table.c.lease_until == self.until)
                        .values(lease_until=until)
                    ).rowcount
            except Exception:  # the write lock was busy: try again at the next beat
                log.warning("could not renew the lease of %s", self.job_id, exc_info=True)
                continue
            if not renewed:
                return
            self.until = until

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)


def _ensure_state(job_id: str) -> JobState:
    state = db.session.get(JobState, job_id)
    if state is None:
        state = JobState(job=job_id)
        db.session.add(state)
        try:
            db.session.commit()
        except Exception:  # another scheduler inserted it first
            db.session.rollback()
            state = db.session.get(JobState, job_id)
    return state


def is_paused(job_id: str) -> bool:
    return bool(db.session.scalar(select(JobState.paused).where(JobState.job == job_id)))


# --- running ------------------------------------------------------------------------------
def _counts(result: object) -> dict:
    if isinstance(result, dict):
        return {str(k): v for k, v in result.items() if isinstance(v, int | float | str)}
    if isinstance(result, int) and not isinstance(result, bool):
        return {"count": result}
    return {}


def run_job(spec: JobSpec, *, trigger: str = "schedule", force: bool = False) -> JobRun | None:
    """Run ``spec`` now in the current app context: skipped (no row) when paused unless
    ``force``; a ``skipped`` row when another process holds its lock."""
    if not force and is_paused(spec.id):
        return None
    with job_lock(spec.id) as got:
        if not got:
            run = JobRun(
                job=spec.id, trigger=trigger, outcome="skipped", finished_at=utcnow(), counts={}
            )
            return _finish(run)
        run = JobRun(job=spec.id, trigger=trigger, started_at=utcnow(), counts={})
        db.session.add(run)
        db.session.commit()
        run_id = run.id
        token = _in_job.set(True)
        box = _server_seconds.set([0.0])
        since = _worked_from.set(_work_done())
        try:
            result = spec.func()
            db.session.commit()
            outcome, error, counts = "ok", "", _counts(result)
        except Exception:  # recorded on the run and shown to admins
            db.session.rollback()
            log.exception("job %s failed", spec.id)
            outcome, error, counts = "error", traceback.format_exc()[-4000:], {}
        finally:
            _worked_from.reset(since)
            _server_seconds.reset(box)
            _in_job.reset(token)
        run = db.session.get(JobRun, run_id)
        run.outcome, run.error, run.counts, run.finished_at = outcome, error, counts, utcnow()
        return _finish(run)


def _finish(run: JobRun) -> JobRun:
    """Commit ``run`` and hand it back detached, its values loaded: reading them must not
    begin a transaction (on SQLite an IMMEDIATE one would hold the write lock)."""
    db.session.add(run)
    db.session.flush()
    db.session.expunge(run)
    db.session.commit()
    return run


def last_started(job_id: str) -> datetime | None:
    return db.session.scalar(
        select(JobRun.started_at)
        .where(JobRun.job == job_id, JobRun.outcome.in_(("ok", "error", "running")))
        .order_by(JobRun.started_at.desc())
        .limit(1)
    )


def sweep(now: datetime | None = None) -> list[str]:
    """At start: run once every job that fell due while no scheduler ran (or never ran).
    Returns the ids it ran."""
    now = now or utcnow()
    ran = []
    for spec in registered_jobs():
        if spec.id == CONTROL_JOB or is_paused(spec.id):
            continue
        if spec.missed_since(last_started(spec.id), now):
            run_job(spec, trigger="startup")
            ran.append(spec.id)
    return ran


def run_requested() -> list[str]:
    """Run the jobs an admin asked to run now (the scheduler polls this)."""
    requested = db.session.scalars(
        select(JobState.job).where(JobState.run_requested_at.is_not(None))
    ).all()
    ran = []
    for job_id in requested:
        db.session.execute(
            update(JobState)
            .where(JobState.job == job_id)
            .values(run_requested_at=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        spec = find_job(job_id)
        if spec is not None:
            run_job(spec, trigger="manual", force=True)
            ran.append(job_id)
    return ran


def request_run(job_id: str, now: datetime | None = None) -> None:
    state = db.session.get(JobState, job_id) or JobState(job=job_id)
    state.run_requested_at = now or utcnow()
    db.session.add(state)
    db.session.flush()


def set_paused(job_id: str, paused: bool) -> None:
    state = db.session.get(JobState, job_id) or JobState(job=job_id)
    state.paused = paused
    db.session.add(state)
    db.session.flush()


def build_scheduler(app, *, blocking: bool):
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=SHANGHAI, job_defaults={"coalesce": True, "max_instances": 1})
    for spec in _jobs:
        scheduler.add_job(
            _in_app_context(app, spec),
            spec.make_trigger(),
            id=spec.id,
            replace_existing=True,
        )
    scheduler.add_job(
        _control(app), IntervalTrigger(seconds=10), id=CONTROL_JOB, replace_existing=True
    )
    return scheduler


def _in_app_context(app, spec: JobSpec):
    def run():
        with app.app_context():
            try:
                run_job(spec)
            finally:
                db.session.remove()

    run.__name__ = spec.func.__name__
    return run


def _control(app):
    def control():
        with app.app_context():
            try:
                run_requested()
            finally:
                db.session.remove()

    return control

"""A scheduler process killed and started again later: at start it runs each job that fell
due meanwhile once (not once per missed firing), then goes on by its schedule."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app import create_app
from app.extensions import db
from app.notify import jobs
from app.notify.models import Delivery, JobRun, JobState
from bench.sinks import bad_smtp_server

ROOT = Path(__file__).resolve().parents[2]


def start_scheduler(url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "XUEKAO_CONFIG": "development"}
    env.pop("XUEKAO_TEST_CLOCK", None)
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def startup_runs(engine) -> Counter:
    with Session(engine) as session:
        return Counter(session.scalars(select(JobRun.job).where(JobRun.trigger == "startup")).all())


def wait_for(predicate, proc, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
        time.sleep(0.2)  # clock-ok: polling another process, which runs on the real clock
    raise AssertionError("the scheduler did not get there in time")


def test_a_killed_scheduler_catches_up_each_missed_job_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'sched.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
    job_ids = {spec.id for spec in jobs.registered_jobs()}
    engine = create_engine(url)
    first = start_scheduler(url)
    try:
        wait_for(lambda: set(startup_runs(engine)) == job_ids, first)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)  # killed, not stopped: no goodbye
        first.wait(10)
    assert set(startup_runs(engine).values()) == {1}
    # it stays down for eight days (past every daily and weekly firing): push every run back
    with Session(engine) as session:
        for run in session.scalars(select(JobRun)):
            run.started_at -= timedelta(days=8)
        session.commit()
    second = start_scheduler(url)
    try:
        wait_for(lambda: set(startup_runs(engine).values()) == {2}, second)
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGTERM)
        second.wait(10)
    # each job once more at start: eight days of missed firings are one catch-up run
    assert startup_runs(engine) == Counter({job_id: 2 for job_id in job_ids})
    engine.dispose()


def run_job_process(url: str, env: dict) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "XUEKAO_CONFIG": "development", **env}
    env.pop("XUEKAO_TEST_CLOCK", None)
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run-job", "notify.outbox"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def lease_until(engine):
    with Session(engine) as session:
        return session.scalar(select(JobState.lease_until).where(JobState.job == "notify.outbox"))


def test_a_killed_jobs_lease_is_renewed_while_it_runs_and_lapses_soon_after(tmp_path):
    """SQLite: a job outliving its lease keeps it (renewed), so a second scheduler is
    skipped; once the process is killed with SIGKILL, the next one takes over within a lease."""
    url = f"sqlite:///{tmp_path / 'lease.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.session.add(Delivery(key="k", channel="email", recipient="a@example.org"))
        db.session.commit()
    engine = create_engine(url)
    lease = 3
    with bad_smtp_server("hang") as (port, connections):
        env = {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(port),
            "MAIL_TIMEOUT_SECONDS": "120",  # the job hangs on the mail server until killed
            "NOTIFY_JOB_LEASE_SECONDS": str(lease),
            "NOTIFY_OUTBOX_CLAIM_SECONDS": "1",  # the killed run's claimed batch, too
        }
        first = run_job_process(url, env)
        try:
            wait_for(lambda: connections[0] == 1, first)
            taken = lease_until(engine)
            assert taken is not None
            # past the first lease: renewed, still held
            wait_for(lambda: lease_until(engine) > taken + timedelta(seconds=lease), first)
            second = run_job_process(url, env)
            out, _ = second.communicate(timeout=60)
            assert b"notify.outbox: skipped" in out, out.decode(errors="replace")
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
    killed_at = time.monotonic()
    # the mail server is gone too: the next run's try fails fast and is recorded
    while True:
        third = run_job_process(url, {**env, "MAIL_TIMEOUT_SECONDS": "2"})
        out, _ = third.communicate(timeout=60)
        if b"notify.outbox: ok" in out:
            break
        assert b"notify.outbox: skipped" in out, out.decode(errors="replace")
        assert time.monotonic() - killed_at < 4 * lease, "the killed run's lease did not lapse"
        time.sleep(0.5)  # clock-ok: waiting for another process's lease on the real clock
    with Session(engine) as session:
        runs = Counter(session.scalars(select(JobRun.outcome).where(JobRun.job == "notify.outbox")))
        delivery = session.scalar(select(Delivery))
    assert runs["running"] == 1 and runs["ok"] == 1  # the killed run never finished
    # the batch the killed run had claimed is tried again by the new run (at least once)
    assert delivery.tries == 1 and delivery.status == "pending" and delivery.last_error
    engine.dispose()

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
from app.notify.models import JobRun

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

"""The scheduler's runner: every run leaves a JobRun; a job commits or rolls back; paused jobs
wait; a job another process holds is skipped; a restarted scheduler catches up missed jobs
once; admins see and steer every job."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.notify import jobs
from app.notify import services as notifications
from app.notify.models import JobRun, JobState, Notification
from tests.factories import make_team, make_user


@pytest.fixture
def registry():
    """Jobs a test registers are gone after it."""
    saved = list(jobs._jobs)
    yield jobs
    jobs._jobs[:] = saved


def runs(job_id: str) -> list[JobRun]:
    return list(db.session.scalars(select(JobRun).where(JobRun.job == job_id).order_by(JobRun.id)))


def test_a_job_run_is_recorded_with_its_counts(app, registry):
    user = make_user("cadre")

    def greet():
        notifications.notify(user, "你好", kind="test.greet", key=f"test.greet:u{user.id}")
        return {"sent": 1}

    registry.register_job("test.greet", "interval", minutes=5)(greet)
    run = jobs.run_job(jobs.find_job("test.greet"))
    assert run.outcome == "ok" and run.counts == {"sent": 1} and run.finished_at
    assert run.finished_at >= run.started_at
    assert db.session.scalar(select(func.count()).where(Notification.user_id == user.id)) == 1


def test_a_failing_job_rolls_back_and_records_the_error(app, registry):
    user = make_user("cadre")

    def broken():
        notifications.notify(user, "不应留下", kind="test.broken")
        raise RuntimeError("数据源不可用")

    registry.register_job("test.broken", "interval", minutes=5)(broken)
    run = jobs.run_job(jobs.find_job("test.broken"))
    assert run.outcome == "error" and "数据源不可用" in run.error
    assert db.session.scalar(select(func.count()).where(Notification.user_id == user.id)) == 0


def test_a_second_send_with_the_same_key_is_a_no_op(app):
    user = make_user("cadre")
    first = notifications.notify(user, "考试已开放", "/exams/", kind="exam.opened", key="k:1")
    again = notifications.notify(user, "考试已开放", "/exams/", kind="exam.opened", key="k:1")
    assert first is not None and again is None
    many = notifications.notify_many([user], "考试已开放", kind="exam.opened", key=lambda u: "k:1")
    assert many == 0
    assert notifications.unread_count(user) == 1
    # the positional call other features use keeps working, without a key
    assert notifications.notify(user, "旧式调用", "/") is not None


def test_paused_jobs_wait_and_run_now_runs_them(app, registry):
    calls = []
    registry.register_job("test.count", "interval", minutes=5)(lambda: calls.append(1))
    jobs.set_paused("test.count", True)
    db.session.commit()
    assert jobs.run_job(jobs.find_job("test.count")) is None and calls == []
    jobs.request_run("test.count")
    db.session.commit()
    assert jobs.run_requested() == ["test.count"] and calls == [1]
    assert runs("test.count")[-1].trigger == "manual"
    assert jobs.run_requested() == []  # the request is used up


def test_a_job_held_elsewhere_is_skipped(app, registry, backend):
    calls = []
    registry.register_job("test.held", "interval", minutes=5)(lambda: calls.append(1))
    if backend == "postgresql":
        other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with other.connect() as conn:
            key = jobs._lock_key("test.held")
            conn.execute(
                text("SELECT pg_advisory_lock(:n, :k)"), {"n": jobs.LOCK_NAMESPACE, "k": key}
            )
            run = jobs.run_job(jobs.find_job("test.held"))
            conn.execute(
                text("SELECT pg_advisory_unlock(:n, :k)"), {"n": jobs.LOCK_NAMESPACE, "k": key}
            )
        other.dispose()
    else:
        db.session.add(JobState(job="test.held", lease_until=datetime(2999, 1, 1)))
        db.session.commit()
        run = jobs.run_job(jobs.find_job("test.held"))
    assert run.outcome == "skipped" and calls == []
    if backend == "sqlite":
        db.session.get(JobState, "test.held").lease_until = None
        db.session.commit()
    assert jobs.run_job(jobs.find_job("test.held")).outcome == "ok" and calls == [1]


def test_a_restarted_scheduler_catches_up_each_missed_job_once(app, registry):
    calls = {"daily": 0, "often": 0}

    def daily():
        calls["daily"] += 1

    def often():
        calls["often"] += 1

    registry._jobs[:] = []
    registry.register_job("test.daily", "cron", hour=8, minute=0)(daily)
    registry.register_job("test.often", "interval", hours=1)(often)
    with time_machine.travel(datetime(2026, 3, 2, 1, 0), tick=False):  # 09:00 Shanghai
        assert jobs.sweep() == ["test.daily", "test.often"]  # first start: never ran
    # the scheduler dies; three days later it starts again: each job once, not three times
    with time_machine.travel(datetime(2026, 3, 5, 2, 0), tick=False):
        assert jobs.sweep() == ["test.daily", "test.often"]
        assert jobs.sweep() == []  # nothing is due any more
    assert calls == {"daily": 2, "often": 2}
    # restarted before 08:00 the next day: the daily job is not due yet
    with time_machine.travel(datetime(2026, 3, 5, 23, 0), tick=False):  # 07:00 Shanghai
        assert jobs.sweep() == ["test.often"]


def test_next_run_follows_the_schedule(app):
    spec = jobs.JobSpec("x", lambda: None, "cron", {"hour": 8, "minute": 0})
    now = datetime(2026, 3, 2, 1, 0)  # 09:00 in Shanghai: today's run is past
    assert spec.next_run(None, now) == datetime(2026, 3, 3, 0, 0)
    interval = jobs.JobSpec("y", lambda: None, "interval", {"minutes": 5})
    assert interval.next_run(now, now) == now + timedelta(minutes=5)


def test_admins_see_and_steer_every_job(app, registry):
    admin = make_user("admin", make_team())
    registry.register_job("test.page", "interval", minutes=5)(lambda: 3)
    jobs.run_job(jobs.find_job("test.page"))
    db.session.commit()
    client = app.test_client()
    client.login(admin.username)
    page = client.get("/admin/notify/jobs").get_data(as_text=True)
    assert "test.page" in page and "notify.outbox" in page and "count=3" in page
    assert client.post_form("/admin/notify/jobs/test.page/pause").status_code == 302
    assert jobs.is_paused("test.page")
    assert "已暂停" in client.get("/admin/notify/jobs").get_data(as_text=True)
    client.post_form("/admin/notify/jobs/test.page/run")
    assert db.session.get(JobState, "test.page").run_requested_at is not None
    assert client.post_form("/admin/notify/jobs/no.such/run").status_code == 404


def test_the_cli_runs_one_job(app, registry):
    registry.register_job("test.cli", "interval", minutes=5)(lambda: 7)
    result = app.test_cli_runner().invoke(args=["scheduler", "run-job", "test.cli"])
    assert result.exit_code == 0 and "ok" in result.output
    assert app.test_cli_runner().invoke(args=["scheduler", "run-job", "nope"]).exit_code != 0

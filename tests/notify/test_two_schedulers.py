"""Two schedulers started by mistake against one database, for a simulated week: both run
every reminder job at every hour, at the same instant; nobody is told anything twice
(advisory locks on PostgreSQL, leases on SQLite, and the dedupe keys under both)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import select

from app import create_app
from app.common.timeutil import SHANGHAI
from app.extensions import db
from app.notify import jobs
from app.notify.models import JobRun, Notification
from tests.courses.factories import assign, make_course
from tests.factories import make_team, make_user
from tests.quiz.exams.factories import make_exam, make_paper
from tests.races import live_app_fixture

live_app = live_app_fixture("xuekao_sched")
JOBS = (
    "exams.remind_opened",
    "exams.remind_closing",
    "exams.remind_results",
    "courses.remind_assigned",
    "courses.remind_due_soon",
    "courses.remind_overdue",
)


def local(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def test_two_schedulers_send_nothing_twice(live_app):
    start = local(1, 0)
    with time_machine.travel(start.replace(tzinfo=UTC), tick=False) as clock:
        with live_app.app_context():
            team = make_team("班子")
            admin = make_user("admin", team)
            cadres = [make_user("cadre", team) for _ in range(4)]
            make_exam(
                questions=make_paper(),
                teams=[team],
                opens_at=local(2, 10),
                closes_at=local(4, 10),
                actor=admin,
            )
            assign(admin, make_course(admin), team=team, due_on=date(2026, 3, 5))
            db.session.commit()
            ids = [c.id for c in cadres]
            db.session.remove()

        second = create_app({"SQLALCHEMY_DATABASE_URI": live_app.config["SQLALCHEMY_DATABASE_URI"]})
        steps = [start + timedelta(hours=h) for h in range(2, 7 * 24 + 1, 2)]  # every 2 hours
        position = iter(steps)
        barrier = threading.Barrier(
            2, action=lambda: clock.move_to(next(position).replace(tzinfo=UTC)), timeout=30
        )
        errors: list[BaseException] = []

        def scheduler(app):
            try:
                with app.app_context():
                    specs = [jobs.find_job(j) for j in JOBS]
                    for _ in steps:
                        barrier.wait()
                        for spec in specs:
                            run = jobs.run_job(spec)
                            assert run.outcome in ("ok", "skipped"), run.error
                    db.session.remove()
            except BaseException as exc:
                errors.append(exc)
                barrier.abort()

        threads = [threading.Thread(target=scheduler, args=(a,)) for a in (live_app, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert not errors, errors
        with second.app_context():
            db.engine.dispose()

    with live_app.app_context():
        sent = Counter((n.kind, n.user_id) for n in db.session.scalars(select(Notification)))
        outcomes = Counter(db.session.scalars(select(JobRun.outcome)))
    expected = (
        {("exam.opened", i) for i in ids}
        | {("exam.closing", i) for i in ids}
        | {("exam.results", i) for i in ids}
        | {("course.assigned", i) for i in ids}
        | {("course.due_soon", i) for i in ids}
        | {("course.overdue", i) for i in ids}
    )
    # exam.closing: the 24-hour and the 2-hour reminder each once
    assert set(sent) == expected
    assert all(n == (2 if kind == "exam.closing" else 1) for (kind, _), n in sent.items())
    assert outcomes["ok"] + outcomes["skipped"] == 2 * len(steps) * len(JOBS)

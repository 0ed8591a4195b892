"""A month on a travelling clock: the scheduler's reminder jobs run as their schedules fire
(hour by hour), people act on their days, and every reminder arrives once, at its time, to
exactly the right people."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.common.timeutil import SHANGHAI, to_local
from app.courses.models import CourseCompletion
from app.extensions import db
from app.notify import jobs
from app.notify.models import Notification
from app.quiz.exams.services import attempts, marking
from tests.courses.factories import assign, make_course
from tests.factories import make_team, make_user
from tests.quiz.exams.factories import make_exam, make_paper

REMINDER_JOBS = (
    "exams.remind_opened",
    "exams.remind_closing",
    "exams.remind_results",
    "exams.remind_essays_waiting",
    "courses.remind_assigned",
    "courses.remind_due_soon",
    "courses.remind_overdue",
    "bank.remind_unconfirmed_imports",
    "notify.failing_jobs",
)


def local(month_day: int, hour: int) -> datetime:
    """A Shanghai wall-clock time in March 2026, as naive UTC."""
    return datetime(2026, 3, month_day, hour, tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def fired(spec: jobs.JobSpec, after: datetime, upto: datetime) -> bool:
    """Did the job's schedule fire in (after, upto]? Interval jobs of an hour or less: yes."""
    if spec.trigger == "interval":
        return True
    nxt = spec.make_trigger().get_next_fire_time(None, after.replace(tzinfo=UTC))
    return nxt.astimezone(UTC).replace(tzinfo=None) <= upto


def sit(user, exam, when_submitted: bool = True):
    attempt, _ = attempts.start_attempt(user, exam)
    for item in attempt.items:
        if item.question.type == "essay":
            attempts.save_answer(user, attempt.id, item.question_id, "学习体会")
    attempts.submit_attempt(attempt)
    return attempt


def test_every_reminder_once_on_time_to_the_right_people(app):
    specs = [jobs.find_job(job_id) for job_id in REMINDER_JOBS]
    assert all(specs), "a reminder job is not registered"
    start = local(1, 0)
    with time_machine.travel(start.replace(tzinfo=UTC), tick=False) as clock:
        root = make_team("根")
        team_a, team_b = make_team("甲班子", parent=root), make_team("乙班子", parent=root)
        admin = make_user("admin", root, name="管理员")
        a1, a2, a3 = (make_user("cadre", team_a, name=f"甲{i}") for i in (1, 2, 3))
        b1, b2 = (make_user("cadre", team_b, name=f"乙{i}") for i in (1, 2))
        sec_a = make_user("secretary", team_a, name="甲秘书", scopes=[team_a])
        make_user("secretary", team_b, name="乙秘书", scopes=[team_b])
        make_user("cadre", make_team("丙班子", parent=root), name="丙1")  # told nothing
        exam = make_exam(
            questions=make_paper(),
            teams=[team_a],
            opens_at=local(3, 10),
            closes_at=local(5, 10),
            actor=admin,
            title="三月测试",
        )
        make_exam(teams=[team_b], opens_at=local(3, 10), closes_at=local(9, 10), publish=False)
        course_required = make_course(admin, title="必修课")
        course_optional = make_course(admin, title="选修课")
        db.session.commit()

        def act(now: datetime) -> None:
            if now == local(3, 12):
                sit(a1, exam)
            elif now == local(4, 20):
                sit(a2, exam)
            elif now == local(6, 10):
                for answer in db.session.scalars(marking.essay_queue(exam)).all():
                    marking.grade_essay(admin, answer, 1)
            elif now == local(8, 11):
                assign(
                    admin, course_optional, team=team_a, due_on=date(2026, 3, 12), required=False
                )
            elif now == local(10, 15):
                assign(admin, course_required, team=team_b, due_on=date(2026, 3, 20))
            elif now == local(15, 16):
                db.session.add(CourseCompletion(user_id=b1.id, course_id=course_required.id))

        previous = start
        now = start + timedelta(hours=1)
        while now <= local(31, 23):
            clock.move_to(now.replace(tzinfo=UTC))
            act(now)
            db.session.commit()
            for spec in specs:
                if fired(spec, previous, now):
                    spec.func()  # as jobs.run_job does (its runs are tested on their own)
                    db.session.commit()
            previous, now = now, now + timedelta(hours=1)

    got = sorted(
        (n.kind, n.user.name, to_local(n.created_at).strftime("%d %H:%M"))
        for n in db.session.scalars(select(Notification))
    )
    expected = sorted(
        [("exam.opened", name, "03 10:00") for name in ("甲1", "甲2", "甲3")]
        + [("exam.closing", name, "04 10:00") for name in ("甲2", "甲3")]  # 24 h before
        + [("exam.closing", "甲3", "05 08:00")]  # 2 h before
        + [("admin.essays_waiting", "管理员", d) for d in ("05 09:00", "06 09:00")]
        + [("exam.marked", name, "06 10:00") for name in ("甲1", "甲2")]
        + [("exam.results", name, "06 10:00") for name in ("甲1", "甲2", "甲3")]
        + [("course.assigned", name, "08 11:00") for name in ("甲1", "甲2", "甲3")]
        + [("course.assigned", name, "10 15:00") for name in ("乙1", "乙2")]
        + [("course.due_soon", "乙2", "17 09:00")]  # 3 days before the 20th
        + [("course.overdue", "乙2", "21 09:00"), ("course.overdue_copy", "乙秘书", "21 09:00")]
    )
    assert got == expected
    copy = db.session.scalar(select(Notification).where(Notification.kind == "course.overdue_copy"))
    assert "乙2" in copy.message and "乙1" not in copy.message
    assert sec_a.id not in {n.user_id for n in db.session.scalars(select(Notification))}

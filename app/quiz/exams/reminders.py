"""The exams' reminders, sent through notify (docs/notifications.md has the timings):

- an exam opened → its audience (and the audience teams' group robots);
- REMIND_EXAM_CLOSE_HOURS (24 h, 2 h) before it closes → the audience without a submission;
- results released (closed, every essay marked) → the audience;
- an essay marked (the sitting fully graded) → the cadre: sent by ``marking.grade_essay``;
- essays waiting longer than REMIND_ESSAYS_WAITING_HOURS → administrators, once a day.

Each is idempotent: the dedupe key names the exam, the reminder and the person, so a job run
twice (or by two schedulers) sends nothing new. Only tests (``exam``, ``level_test``) remind;
practice and the daily quiz do not. Exams that opened or closed longer than
REMIND_CATCH_UP_HOURS ago are left alone, so a new installation does not remind of the past.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from app.auth.models import User, UserRole
from app.common import links
from app.common.timeutil import format_local, to_local, utcnow
from app.extensions import db
from app.notify import services as notifications
from app.quiz.exams.models import Attempt, Exam
from app.quiz.exams.services import audience, marking

REMINDED_KINDS = ("exam", "level_test")


def _catch_up() -> timedelta:
    return timedelta(hours=current_app.config["REMIND_CATCH_UP_HOURS"])


def _cadres(exam: Exam):
    """The audience's cadres (those who sit tests), as a query."""
    return audience.audience_members_query(exam).join(
        UserRole, and_(UserRole.user_id == User.id, UserRole.role == "cadre")
    )


def _exam_link(exam: Exam) -> str:
    return links.url("quiz.exam", exam_id=exam.id)


def _audience_team_ids(exam: Exam) -> list[int]:
    return [row.team_id for row in exam.audience if row.kind == "team" and row.team_id]


def remind_opened(now: datetime | None = None) -> int:
    now = now or utcnow()
    exams = db.session.scalars(
        select(Exam).where(
            Exam.status == "published",
            Exam.kind.in_(REMINDED_KINDS),
            Exam.opens_at <= now,
            Exam.opens_at > now - _catch_up(),
            Exam.closes_at > now,
        )
    ).all()
    sent = 0
    for exam in exams:
        message = _l(
            "考试《%(t)s》已开放，请在 %(c)s 前完成", t=exam.title, c=format_local(exam.closes_at)
        )
        link = _exam_link(exam)
        sent += notifications.notify_audience(
            _cadres(exam),
            message,
            link,
            kind="exam.opened",
            key_prefix=f"exam.opened:{exam.id}:u",
            now=now,
        )
        for team_id in _audience_team_ids(exam):
            notifications.notify_team(
                team_id, message, link, key=f"exam.opened:{exam.id}:t{team_id}", now=now
            )
    return sent


def _not_submitted(exam: Exam):
    """The audience's cadres without a submission, as a query."""
    submitted = select(Attempt.user_id).where(
        Attempt.exam_id == exam.id, Attempt.status == "submitted"
    )
    return _cadres(exam).where(User.id.not_in(submitted))


def remind_closing(now: datetime | None = None) -> int:
    """The most urgent due reminder of each open exam (a scheduler that was down for a day
    sends the 2-hour one, not both)."""
    now = now or utcnow()
    hours = sorted(current_app.config["REMIND_EXAM_CLOSE_HOURS"])
    if not hours:
        return 0
    exams = db.session.scalars(
        select(Exam).where(
            Exam.status == "published",
            Exam.kind.in_(REMINDED_KINDS),
            Exam.opens_at <= now,
            Exam.closes_at > now,
            Exam.closes_at <= now + timedelta(hours=hours[-1]),
        )
    ).all()
    sent = 0
    for exam in exams:
        due = [
            h
            for h in hours
            if exam.closes_at - timedelta(hours=h) <= now
            # a window shorter than h: the "opened" notice says when it closes
            and exam.closes_at - timedelta(hours=h) > exam.opens_at
        ]
        if not due:
            continue
        h = due[0]
        message = _l(
            "考试《%(t)s》将于 %(c)s 结束，您尚未提交", t=exam.title, c=format_local(exam.closes_at)
        )
        sent += notifications.notify_audience(
            _not_submitted(exam),
            message,
            _exam_link(exam),
            kind="exam.closing",
            key_prefix=f"exam.closing:{exam.id}:{h}h:u",
            now=now,
        )
    return sent


def remind_results(now: datetime | None = None) -> int:
    """Closed tests whose every essay is marked: the results are out."""
    now = now or utcnow()
    exams = db.session.scalars(
        select(Exam).where(
            Exam.status.in_(("published", "closed")),
            Exam.kind.in_(REMINDED_KINDS),
            Exam.closes_at <= now,
            Exam.closes_at > now - _catch_up(),
        )
    ).all()
    sent = 0
    for exam in exams:
        if marking.pending_essay_count(exam):
            continue
        sent += notifications.notify_audience(
            _cadres(exam),
            _l("考试《%(t)s》已结束，成绩已公布", t=exam.title),
            links.url("quiz.my_exams"),
            kind="exam.results",
            key_prefix=f"exam.results:{exam.id}:u",
            now=now,
        )
    return sent


def remind_essays_waiting(now: datetime | None = None) -> int:
    """Administrators, once a (Shanghai) day: how many essays wait longer than the limit."""
    now = now or utcnow()
    limit = timedelta(hours=current_app.config["REMIND_ESSAYS_WAITING_HOURS"])
    waiting = db.session.scalar(
        select(func.count()).select_from(
            marking.essay_queue().where(Attempt.submitted_at <= now - limit).subquery()
        )
    )
    if not waiting:
        return 0
    day = to_local(now).date().isoformat()
    return notifications.notify_many(
        notifications.admins(),
        _l("有 %(n)d 份简答题等待评分已超过 %(h)d 小时", n=waiting, h=limit // timedelta(hours=1)),
        links.url("exams_admin.grading"),
        kind="admin.essays_waiting",
        key=lambda u: f"admin.essays_waiting:{day}:u{u.id}",
        now=now,
    )

"""The daily quiz's record of a day (每日答题): which Asia/Shanghai day it is, the cadre's quiz
for a day, whether it is still open, and completing it (the streak). Practice answers a
daily quiz through these."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.common.timeutil import to_local, utcnow
from app.extensions import db
from app.quiz.practice.models import DailyQuiz, PracticeSession
from app.quiz.practice.services.pool import AnswerRefused


def local_day(now: datetime | None = None) -> date:
    """The Asia/Shanghai calendar day of ``now`` (naive UTC; the server's clock if None)."""
    return to_local(now or utcnow()).date()


def find(user: User, day: date) -> DailyQuiz | None:
    return db.session.scalar(
        select(DailyQuiz).where(DailyQuiz.user_id == user.id, DailyQuiz.day == day)
    )


def for_session(session: PracticeSession) -> DailyQuiz | None:
    return db.session.scalar(select(DailyQuiz).where(DailyQuiz.session_id == session.id))


def ensure_open(session: PracticeSession, now: datetime) -> None:
    """A day's quiz is answered on that day; after midnight (Asia/Shanghai) it is closed."""
    quiz = for_session(session)
    if quiz is not None and quiz.day != local_day(now):
        raise AnswerRefused(
            _("%(d)s 的每日答题已结束，请做今天的题目", d=quiz.day.isoformat()), "closed"
        )


def complete(session: PracticeSession, now: datetime) -> None:
    """Every question answered: the day counts, continuing yesterday's streak if it was
    completed too."""
    quiz = for_session(session)
    if quiz is None or quiz.completed_at is not None:
        return
    quiz.completed_at = now
    previous = find(quiz.user, quiz.day - timedelta(days=1))
    quiz.streak = (previous.streak if previous and previous.completed else 0) + 1
    db.session.flush()

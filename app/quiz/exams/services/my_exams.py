"""A cadre's exams (我的考试): upcoming, open (with the time left to the close), in
progress, and finished with scores where the policy allows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.auth.models import User
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.exams.models import Attempt, Exam
from app.quiz.exams.services import attempts, audience, results

STATES = ("in_progress", "open", "upcoming", "finished", "closed")


@dataclass
class MyExam:
    exam: Exam
    state: str
    attempts: list[Attempt] = field(default_factory=list)
    current: Attempt | None = None  # in progress
    can_start: bool = False
    reason: str = ""  # why not, when open but refused (e.g. a course to finish first)
    best_score: Decimal | None = None  # highest visible score
    best_attempt: Attempt | None = None

    @property
    def attempts_used(self) -> int:
        return len(self.attempts)

    @property
    def last_submitted(self) -> Attempt | None:
        done = [a for a in self.attempts if a.submitted]
        return done[-1] if done else None

    def time_to_close(self, now: datetime) -> timedelta:
        return max(self.exam.closes_at - now, timedelta(0))


def overdue_attempts(user: User, now: datetime | None = None) -> list[Attempt]:
    """The user's attempts whose time is over but that are not yet submitted."""
    now = now or utcnow()
    candidates = db.session.scalars(
        select(Attempt).where(
            Attempt.user_id == user.id, Attempt.status == "in_progress", Attempt.deadline < now
        )
    )
    return [a for a in candidates if a.is_overdue(now)]


def describe(user: User, exam: Exam, now: datetime | None = None) -> MyExam:
    now = now or utcnow()
    mine = attempts.attempts_of(user, exam)
    entry = MyExam(exam, "closed", attempts=mine)
    entry.current = next((a for a in mine if a.in_progress), None)
    problem = attempts.refusal(user, exam, now)
    entry.can_start = problem is None
    for attempt in mine:
        if attempt.submitted and results.score_visible(attempt, user, now):
            score = attempt.score or Decimal(0)
            if entry.best_score is None or score > entry.best_score:
                entry.best_score, entry.best_attempt = score, attempt
    if entry.current is not None:
        entry.state = "in_progress"
    elif problem is None:
        entry.state = "open"
    elif problem.code == "course_required":
        entry.state = "open"
        entry.reason = problem.message
    elif problem.code == "not_open":
        entry.state = "upcoming"
    elif mine:
        entry.state = "finished"
    else:
        entry.state = "closed"
    return entry


def my_exams(user: User, now: datetime | None = None) -> list[MyExam]:
    """Every exam the user may sit or has sat, in the order of ``STATES`` then by close."""
    now = now or utcnow()
    exams = db.session.scalars(audience.visible_exams_query(user)).all()
    entries = [describe(user, exam, now) for exam in exams]
    order = {state: n for n, state in enumerate(STATES)}
    return sorted(entries, key=lambda e: (order[e.state], e.exam.closes_at))

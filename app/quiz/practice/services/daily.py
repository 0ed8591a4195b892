"""每日答题: each cadre gets a small fixed set of questions per Asia/Shanghai day, drawn
deterministically from the user and the day, answered with immediate feedback like
practice; completing it counts the day, and consecutive days make a streak."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.common.errors import DomainError
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.bank.models import Question, QuestionBank
from app.quiz.practice.models import DailyQuiz, PracticeSession
from app.quiz.practice.services import practice, serving
from app.quiz.practice.services.daily_record import complete, find, local_day
from app.quiz.practice.services.pool import pool_query

DEFAULT_SIZE = 5


def quiz_size() -> int:
    return int(current_app.config.get("DAILY_QUIZ_SIZE", DEFAULT_SIZE))


def bank_names() -> list[str]:
    """Banks the daily quiz draws from (``DAILY_QUIZ_BANKS``: names, a list or a string
    separated by commas); empty means every bank kept for practice (a bank kept for exams
    is left out even when named)."""
    names = current_app.config.get("DAILY_QUIZ_BANKS") or []
    if isinstance(names, str):
        names = names.split(",")
    return [n.strip() for n in names if n and n.strip()]


def pool(names: list[str] | None = None, user: User | None = None) -> list[int]:
    """The ids the daily quiz may draw (for ``user``: nothing an exam withholds from them),
    in a stable order."""
    query = serving.servable(pool_query(), user)
    names = bank_names() if names is None else names
    if names:
        query = query.join(QuestionBank, Question.bank_id == QuestionBank.id).where(
            QuestionBank.name.in_(names)
        )
    return list(db.session.scalars(query))


def draw(user_id: int, day: date, ids: list[int], size: int) -> list[int]:
    """The same user, day and pool always give the same questions."""
    seed = hashlib.sha256(f"daily:{user_id}:{day.isoformat()}".encode()).hexdigest()
    return random.Random(seed).sample(sorted(ids), min(size, len(ids)))


def quiz_for(user: User, day: date) -> DailyQuiz:
    """The cadre's quiz for ``day``, created on first sight; its questions then stay fixed
    even if the bank changes later that day."""
    existing = find(user, day)
    if existing is not None:
        return existing
    ids = draw(user.id, day, pool(user=user), quiz_size())
    if not ids:
        raise DomainError(_("题库中还没有可用于每日答题的题目"))
    session = PracticeSession(user_id=user.id, kind="daily", question_ids=ids)
    quiz = DailyQuiz(user_id=user.id, day=day, session=session)
    try:
        with db.session.begin_nested():
            db.session.add(quiz)
    except IntegrityError:  # the same cadre's other tab created it a moment ago
        existing = find(user, day)
        if existing is None:
            raise
        return existing
    return quiz


def today(user: User, now: datetime | None = None) -> DailyQuiz:
    return quiz_for(user, local_day(now))


def withheld_unanswered(quiz: DailyQuiz, now: datetime | None = None) -> set[int]:
    """Ids of the set's unanswered questions that practice may no longer serve the cadre
    (an exam began withholding them after the set was drawn)."""
    if quiz.completed_at is not None:
        return set()
    answered = practice.answers_by_question(quiz.session)
    waiting = [q for q in practice.session_questions(quiz.session) if q.id not in answered]
    return serving.hidden_ids(quiz.user, waiting, now)


def replace_withheld(quiz: DailyQuiz, now: datetime | None = None) -> bool:
    """Swap the set's unanswered withheld questions for others the cadre may practise, or
    drop them when none is left, so the day can still be completed (answering a withheld
    one is refused). Returns whether the set changed."""
    now = now or utcnow()
    hidden = withheld_unanswered(quiz, now)
    if not hidden:
        return False
    session = quiz.session
    spare = sorted(set(pool(user=quiz.user)) - set(session.question_ids))
    seed = hashlib.sha256(f"daily-swap:{quiz.user_id}:{quiz.day.isoformat()}".encode())
    spare = random.Random(seed.hexdigest()).sample(spare, min(len(hidden), len(spare)))
    kept = []
    for qid in session.question_ids:
        if qid not in hidden:
            kept.append(qid)
        elif spare:
            kept.append(spare.pop())
    session.question_ids = kept
    db.session.flush()
    db.session.expire(session, ["answers"])
    if kept and practice.progress(session).finished and session.finished_at is None:
        session.finished_at = now
        complete(session, now)
    return True


def current_streak(user: User, now: datetime | None = None) -> int:
    """Consecutive completed days ending today, or ending yesterday while today's quiz is
    still open (the streak is not broken until the day is over)."""
    day = local_day(now)
    rows = db.session.scalars(
        select(DailyQuiz).where(
            DailyQuiz.user_id == user.id,
            DailyQuiz.day.in_([day, day - timedelta(days=1)]),
            DailyQuiz.completed_at.is_not(None),
        )
    )
    by_day = {row.day: row.streak for row in rows}
    return by_day.get(day, by_day.get(day - timedelta(days=1), 0))


@dataclass(frozen=True)
class DayMark:
    day: date
    completed: bool


def recent_days(user: User, days: int = 7, now: datetime | None = None) -> list[DayMark]:
    """The last ``days`` days, oldest first, each completed or not."""
    end = local_day(now)
    start = end - timedelta(days=days - 1)
    done = set(
        db.session.scalars(
            select(DailyQuiz.day).where(
                DailyQuiz.user_id == user.id,
                DailyQuiz.day >= start,
                DailyQuiz.day <= end,
                DailyQuiz.completed_at.is_not(None),
            )
        )
    )
    return [
        DayMark(start + timedelta(days=i), start + timedelta(days=i) in done) for i in range(days)
    ]


def done_today(user: User, now: datetime | None = None) -> bool:
    quiz = find(user, local_day(now))
    return quiz is not None and quiz.completed

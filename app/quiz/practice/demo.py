"""Demo content for practice: the demo cadre has done the daily quiz the last three days
(a streak of 3, today's still to do) and a practice run, so the mistake book has entries,
one of them part-way to mastery. The shipped bank's step must run first, and the demo
exams' too (a sitting's misses would otherwise reset the re-practised entry)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.common.timeutil import SHANGHAI
from app.extensions import db
from app.quiz.bank.demo import DEMO_BANK
from app.quiz.bank.models import Question
from app.quiz.bank.services import banks
from app.quiz.practice.models import DailyQuiz
from app.quiz.practice.services import daily, daily_record, practice

STREAK_DAYS = 3


def right_response(question: Question) -> Any:
    if question.type == "single":
        return question.answer[0]
    if question.type == "multiple":
        return list(question.answer)
    if question.type == "blank":
        return [alternatives[0] for alternatives in question.answer]
    return question.answer


def wrong_response(question: Question) -> Any:
    options = len(question.options or [])
    if question.type == "single":
        return (question.answer[0] + 1) % options
    if question.type == "multiple":
        others = [i for i in range(options) if i not in question.answer]
        return others[:1] if others else question.answer[:1]
    if question.type == "judge":
        return not question.answer
    return ["（未作答）"] * len(question.answer or [])


def _local_time(day: date, hour: int, minute: int = 0) -> datetime:
    local = datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def _answer_all(user, session, at: datetime, wrong: set[int]) -> None:
    session.started_at = at
    for index, question in enumerate(practice.session_questions(session)):
        response = wrong_response(question) if index in wrong else right_response(question)
        practice.answer(user, session, question.id, response, now=at + timedelta(minutes=index))


def seed_practice(context: dict) -> None:
    cadre = context.get("cadre")
    bank = banks.find_bank(DEMO_BANK)
    if cadre is None or bank is None:
        return
    if db.session.scalar(select(DailyQuiz.id).where(DailyQuiz.user_id == cadre.id)):
        return
    today = daily_record.local_day()
    for offset in range(STREAK_DAYS, 0, -1):
        day = today - timedelta(days=offset)
        quiz = daily.quiz_for(cadre, day)
        _answer_all(cadre, quiz.session, _local_time(day, 8, 10), wrong={offset % 2})
    yesterday = today - timedelta(days=1)
    run = practice.start_practice(cadre, bank, [], 10)
    _answer_all(cadre, run, _local_time(yesterday, 20), wrong={0, 3, 6})
    # one re-practice from the book, answered right: that entry is one step to mastery
    again = practice.start_practice(cadre, None, [], 1, from_mistakes=True)
    _answer_all(cadre, again, _local_time(yesterday, 21), wrong=set())
    context["practice_session"] = run

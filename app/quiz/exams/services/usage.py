"""The exams feature's answers to the bank's usage hooks: a question version is in use
once an attempt's snapshot holds it (so editing it makes a new version), and the question
page shows how often submitted attempts answered it and how often correctly."""

from __future__ import annotations

from sqlalchemy import case, func, select

from app.extensions import db
from app.quiz.bank.models import Question
from app.quiz.exams.models import Attempt, AttemptAnswer, AttemptItem


def used_by_an_attempt(question: Question) -> bool:
    return (
        db.session.scalar(
            select(AttemptItem.id).where(AttemptItem.question_id == question.id).limit(1)
        )
        is not None
    )


def exam_answer_counts(question_ids: list[int]) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(
            AttemptAnswer.question_id,
            func.count(AttemptAnswer.id),
            func.sum(case((AttemptAnswer.correct.is_(True), 1), else_=0)),
        )
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(
            AttemptAnswer.question_id.in_(question_ids),
            Attempt.status == "submitted",
            AttemptAnswer.correct.is_not(None),
        )
        .group_by(AttemptAnswer.question_id)
    )
    return {qid: (int(n), int(c or 0)) for qid, n, c in rows}

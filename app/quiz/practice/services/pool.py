"""What practice and the daily quiz draw from, and how they refuse an answer."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from app.common.errors import DomainError
from app.quiz.bank.models import Category, Question, QuestionBank
from app.quiz.bank.services import categories as category_service

# Essays need a person to mark them, so they cannot give immediate feedback.
PRACTICE_TYPES = ("single", "multiple", "judge", "blank")


class AnswerRefused(DomainError):
    """``reason``: ``not_in_session``, ``malformed``, ``closed`` (the run was ended, or
    the day's quiz is over) or ``withheld`` (an exam holds the question back now)."""

    def __init__(self, message: str, reason: str):
        super().__init__(message, "response" if reason == "malformed" else "")
        self.reason = reason


def pool_query(bank: QuestionBank | None = None, cats: list[Category] = ()) -> Select:
    """Ids of the questions practice may draw: active, latest version, auto-marked, in the
    bank (any bank when None) and in the chosen knowledge points with their subtrees."""
    query = select(Question.id).where(
        Question.is_latest.is_(True),
        Question.status == "active",
        Question.type.in_(PRACTICE_TYPES),
    )
    if bank is not None:
        query = query.where(Question.bank_id == bank.id)
    if cats:
        subtrees = [Question.category_id.in_(category_service.subtree_ids_query(c)) for c in cats]
        query = query.where(or_(*subtrees))
    return query.order_by(Question.id)

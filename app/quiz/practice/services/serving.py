"""What practice may serve a cadre (练习可用的题目): questions of banks kept for practice
(``both`` or ``practice``) whose lineage no exam withholds from that cadre
(``app.quiz.exams.withheld``: the paper and draw pool of an exam not yet closed, or whose
answers are not released). Practice runs, the mistake book's runs and the daily quiz draw
through ``servable``; answering and feedback ask ``hidden_ids`` of questions drawn earlier.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, select

from app.auth.models import User
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.bank.models import Question
from app.quiz.bank.services.banks import practice_bank_ids
from app.quiz.exams import withheld


def servable(query: Select, user: User | None, now: datetime | None = None) -> Select:
    """Narrow a select over ``Question`` to what practice may serve ``user`` at ``now``."""
    return query.where(Question.bank_id.in_(practice_bank_ids()), withheld.not_withheld(user, now))


def hidden_ids(
    user: User | None, questions: Iterable[Question], now: datetime | None = None
) -> set[int]:
    """Ids of these (already drawn) questions practice must no longer answer nor show the
    key of: withheld by an exam, or in a bank that is now kept for exams."""
    questions = list(questions)
    if not questions:
        return set()
    ids = [q.id for q in questions]
    allowed = set(
        db.session.scalars(
            servable(select(Question.id), user, now or utcnow()).where(Question.id.in_(ids))
        )
    )
    return set(ids) - allowed

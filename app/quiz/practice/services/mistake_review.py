"""What the mistake book (错题本) shows of each entry besides the stem: the options, the
cadre's latest wrong answer, the key, the explanation and the lesson the fact comes from.

The key and explanation follow the same rule as practice: none while an exam withholds the
question from this cadre (``app.quiz.exams.withheld``: it is on the paper or in the draw
pool of an exam not yet closed, or whose answers are not released). A test's wrong answer
is shown only from an attempt already released to the book by its review policy
(``hooks.released_wrong_answers``); practice and daily-quiz answers are the cadre's own,
marked when given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import func, select

from app.auth.models import User
from app.common.markup import render_markdown
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.bank.importers.base import LETTERS
from app.quiz.bank.models import Question
from app.quiz.exams import hooks, withheld
from app.quiz.practice.models import MistakeEntry, PracticeAnswer, PracticeSession
from app.quiz.practice.services.practice import (
    SourceLink,
    answer_display,
    response_display,
    source_link,
)


@dataclass(frozen=True)
class MistakeReview:
    entry: MistakeEntry
    question: Question  # the latest version
    source: SourceLink
    options: list[tuple[str, Markup]]  # (letter, text) in the bank's order
    your_answer: str | None  # the latest wrong answer, written like the key; None: not known
    answer_text: str  # the key; "" while withheld
    explanation_html: Markup
    withheld: bool


def _practice_misses(
    user: User, lineages: list[int]
) -> dict[int, tuple[Question, object, datetime]]:
    lineage = func.coalesce(Question.lineage_id, Question.id)
    rows = db.session.execute(
        select(lineage, Question, PracticeAnswer.response, PracticeAnswer.answered_at)
        .join(Question, Question.id == PracticeAnswer.question_id)
        .join(PracticeSession, PracticeSession.id == PracticeAnswer.session_id)
        .where(
            PracticeSession.user_id == user.id,
            PracticeAnswer.correct.is_(False),
            lineage.in_(lineages),
        )
        .order_by(PracticeAnswer.answered_at, PracticeAnswer.id)
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def review(
    user: User,
    rows: list[tuple[MistakeEntry, Question]],
    now: datetime | None = None,
) -> list[MistakeReview]:
    """The review of each (entry, latest version) on a page of the book, in a few queries."""
    lineages = [entry.lineage_id for entry, _ in rows]
    if not lineages:
        return []
    hidden = withheld.withheld_lineages(user, now or utcnow())
    misses = _practice_misses(user, lineages)
    for lineage, found in hooks.released_wrong_answers(user, lineages).items():
        if lineage not in misses or found[2] > misses[lineage][2]:
            misses[lineage] = found
    out = []
    for entry, question in rows:
        secret = entry.lineage_id in hidden
        miss = misses.get(entry.lineage_id)
        out.append(
            MistakeReview(
                entry=entry,
                question=question,
                source=source_link(question, user),
                options=[
                    (LETTERS[i], escape(text)) for i, text in enumerate(question.options or [])
                ],
                your_answer=response_display(miss[0], miss[1]) if miss else None,
                answer_text="" if secret else answer_display(question),
                explanation_html=Markup("")
                if secret or not question.explanation
                else render_markdown(question.explanation),
                withheld=secret,
            )
        )
    return out

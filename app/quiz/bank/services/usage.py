"""How attempts use questions — hooks that the exams feature plugs into.

The bank cannot know about attempts (data flows bank → exam → attempt), so it asks whoever
registered: ``register_in_use_checker`` answers "has any attempt used this question?" (which
decides whether an edit makes a new version), ``register_usage_provider`` reports attempt
counts and correct answers per question id. With nothing registered a question is unused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.quiz.bank.models import Question

InUseChecker = Callable[[Question], bool]
# question ids → {question id: (attempts, correct)}; ids it knows nothing about may be left out
UsageProvider = Callable[[list[int]], dict[int, tuple[int, int]]]

_in_use_checkers: list[InUseChecker] = []
_usage_providers: list[UsageProvider] = []


def register_in_use_checker(checker: InUseChecker) -> InUseChecker:
    if checker not in _in_use_checkers:
        _in_use_checkers.append(checker)
    return checker


def unregister_in_use_checker(checker: InUseChecker) -> None:
    if checker in _in_use_checkers:
        _in_use_checkers.remove(checker)


def register_usage_provider(provider: UsageProvider) -> UsageProvider:
    if provider not in _usage_providers:
        _usage_providers.append(provider)
    return provider


def unregister_usage_provider(provider: UsageProvider) -> None:
    if provider in _usage_providers:
        _usage_providers.remove(provider)


def question_in_use(question: Question) -> bool:
    """True once any attempt has used this version of the question."""
    if question.id is None:
        return False
    return any(checker(question) for checker in _in_use_checkers)


@dataclass(frozen=True)
class QuestionUsage:
    attempts: int = 0
    correct: int = 0

    @property
    def correct_rate(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    def __add__(self, other: QuestionUsage) -> QuestionUsage:
        return QuestionUsage(self.attempts + other.attempts, self.correct + other.correct)


def usage_for(question_ids: Iterable[int]) -> dict[int, QuestionUsage]:
    """Usage of each question id (zeros where no provider knows it)."""
    ids = list(dict.fromkeys(question_ids))
    totals = {qid: QuestionUsage() for qid in ids}
    if not ids:
        return totals
    for provider in _usage_providers:
        for qid, (attempts, correct) in provider(ids).items():
            if qid in totals:
                totals[qid] = totals[qid] + QuestionUsage(attempts, correct)
    return totals


def lineage_usage(question: Question) -> QuestionUsage:
    """Usage of all versions of the question together."""
    ids = db.session.scalars(select(Question.id).where(Question.lineage_id == question.lineage_id))
    total = QuestionUsage()
    for usage in usage_for(ids).values():
        total = total + usage
    return total

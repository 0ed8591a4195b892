"""Who holds a bank's questions back from practice — a hook the exams feature answers.

The bank cannot know about exams (data flows bank → exam), yet its page must say which
exams keep its questions out of practice and the daily quiz, and until when. Whoever
registers a provider answers ``provider(bank, now)`` with ``BankHold`` rows; with nothing
registered nothing holds a bank back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.common.timeutil import utcnow
from app.quiz.bank.models import QuestionBank


@dataclass(frozen=True)
class BankHold:
    """One exam holding questions of the bank back. ``until`` is the close while the exam
    has not closed; None with ``forever`` false means "until its answers are released"."""

    exam_id: int
    title: str
    opens_at: datetime
    until: datetime | None
    forever: bool = False


HoldProvider = Callable[[QuestionBank, datetime], list[BankHold]]

_providers: list[HoldProvider] = []


def register_hold_provider(provider: HoldProvider) -> HoldProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_hold_provider(provider: HoldProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def holds_for(bank: QuestionBank, now: datetime | None = None) -> list[BankHold]:
    now = now or utcnow()
    found: list[BankHold] = []
    for provider in _providers:
        found.extend(provider(bank, now))
    return found

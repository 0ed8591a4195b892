"""Who hears about graded exam answers: the mistake book (错题本) records wrong ones.

A listener is called ``fn(user, question, correct, source)`` for every answer of a
submitted attempt once it is marked (``source="exam"``), and again with
``source="regrade"`` when a regrade or a re-marked essay changes whether it is correct.
Listeners run inside the caller's transaction; one that fails is logged and skipped so a
sitting is never lost to a side feature.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from app.extensions import db

AnswerGradedListener = Callable[[object, object, bool, str], None]

_listeners: list[AnswerGradedListener] = []
log = logging.getLogger(__name__)


def register_answer_graded_listener(fn: AnswerGradedListener) -> AnswerGradedListener:
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def unregister_answer_graded_listener(fn: AnswerGradedListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def announce(user, graded: Iterable[tuple[object, bool]], source: str) -> None:
    """Tell every listener about ``(question, correct)`` pairs of one user."""
    graded = list(graded)
    if not _listeners or not graded:
        return
    for fn in list(_listeners):
        try:
            with db.session.begin_nested():
                for question, correct in graded:
                    fn(user, question, bool(correct), source)
        except Exception:  # a side feature must not lose a sitting
            log.exception("answer-graded listener %r failed", fn)

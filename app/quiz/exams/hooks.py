"""Who hears about graded exam answers, and when: the mistake book (错题本) records wrong ones.

An attempt's marked answers are *released* — announced with ``source="exam"`` and
``Attempt.mistakes_released`` set — only once its exam's review policy shows the answers,
because an entry in the mistake book tells which answers were wrong (and practice shows
their key):

- ``after_submit``: at submit;
- ``after_close``: once the exam has closed — by the scheduler job
  (``exams.release_mistakes``), when the cadre opens the mistake book, when an
  administrator closes the exam early, or at submit if it has already closed;
- ``never``: never.

A release reads the current mark of every answer, so an essay marked or a regrade made
before it needs no announcement of its own. After it, an essay's first mark is announced
with ``source="exam"`` and a changed mark with ``source="regrade"``.

A listener is called ``fn(user, graded, source)`` with a list of one attempt's
``(question, correct)`` pairs. Listeners run inside the caller's transaction, each in a
savepoint; one that fails is logged and skipped so a sitting is never lost to a side feature.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.bank.models import Question
from app.quiz.exams.models import Attempt, AttemptAnswer, Exam

AnswersGradedListener = Callable[[User, list[tuple[Question, bool]], str], None]

_listeners: list[AnswersGradedListener] = []
log = logging.getLogger(__name__)


def register_answer_graded_listener(fn: AnswersGradedListener) -> AnswersGradedListener:
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def unregister_answer_graded_listener(fn: AnswersGradedListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def announce(user: User, graded: Iterable[tuple[Question, bool]], source: str) -> None:
    """Tell every listener about ``(question, correct)`` pairs of one user."""
    graded = [(question, bool(correct)) for question, correct in graded]
    if not _listeners or not graded:
        return
    for fn in list(_listeners):
        try:
            with db.session.begin_nested():
                fn(user, graded, source)
        except Exception:  # a side feature must not lose a sitting
            log.exception("answer-graded listener %r failed", fn)


# ---------------------------------------------------------------- when answers are released


def releasable(exam: Exam, now: datetime) -> bool:
    """Whether the exam's review policy lets its sittings' marks out now."""
    if exam.review_policy == "after_submit":
        return True
    return exam.review_policy == "after_close" and exam.has_closed(now)


def attempt_submitted(attempt: Attempt, marked: list[tuple[Question, bool]]) -> None:
    """At submit (``marked`` as ``marking.grade_attempt`` returns it): release the attempt
    now if its review policy allows, else leave it to a later release."""
    if attempt.mistakes_released or not releasable(attempt.exam, utcnow()):
        return
    attempt.mistakes_released = True
    announce(attempt.user, marked, "exam")


def attempt_remarked(attempt: Attempt, graded: list[tuple[Question, bool]], source: str) -> None:
    """An answer of a submitted attempt got a mark or a new one (an essay marked, a key
    corrected): announced only if the attempt has been released — otherwise its release
    will read the new mark."""
    # FOR UPDATE: a release running at the same moment either sees our mark or we see its flag
    released = db.session.scalar(
        select(Attempt.mistakes_released).where(Attempt.id == attempt.id).with_for_update()
    )
    if released:
        announce(attempt.user, graded, source)


def _due(now: datetime):
    closed = or_(Exam.status == "closed", Exam.closes_at <= now)
    return (
        select(Attempt.id)
        .join(Exam, Exam.id == Attempt.exam_id)
        .where(
            Attempt.mistakes_released.is_(False),
            Attempt.status == "submitted",
            or_(
                Exam.review_policy == "after_submit",
                and_(Exam.review_policy == "after_close", closed),
            ),
        )
    )


def due_attempt_ids(
    now: datetime | None = None,
    *,
    user: User | None = None,
    exam: Exam | None = None,
    limit: int | None = None,
) -> list[int]:
    """Submitted attempts whose review policy now allows a release that has not happened
    (of one cadre or one exam if given), oldest first."""
    query = _due(now or utcnow()).order_by(Attempt.id)
    if user is not None:
        query = query.where(Attempt.user_id == user.id)
    if exam is not None:
        query = query.where(Attempt.exam_id == exam.id)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def release(attempt_ids: list[int]) -> int:
    """Release these submitted attempts: announce the current mark of each answer and set
    the flag. Each is released once however many callers race for it (the flag is claimed
    by an UPDATE … WHERE not yet released). Returns how many this call released."""
    if not attempt_ids:
        return 0
    claimed = db.session.scalars(
        update(Attempt)
        .where(
            Attempt.id.in_(attempt_ids),
            Attempt.status == "submitted",
            Attempt.mistakes_released.is_(False),
        )
        .values(mistakes_released=True)
        .returning(Attempt.id)
    ).all()
    if not claimed:
        return 0
    graded: dict[int, list[tuple[Question, bool]]] = defaultdict(list)
    rows = db.session.execute(
        select(AttemptAnswer.attempt_id, Question, AttemptAnswer.correct)
        .join(Question, Question.id == AttemptAnswer.question_id)
        .where(AttemptAnswer.attempt_id.in_(claimed), AttemptAnswer.correct.is_not(None))
        .order_by(AttemptAnswer.attempt_id, AttemptAnswer.id)
    )
    for attempt_id, question, correct in rows:
        graded[attempt_id].append((question, correct))
    released = db.session.scalars(
        select(Attempt)
        .where(Attempt.id.in_(claimed))
        .options(joinedload(Attempt.user))
        .order_by(Attempt.submitted_at, Attempt.id)
    ).all()
    for attempt in released:
        announce(attempt.user, graded[attempt.id], "exam")
    return len(claimed)


def release_due(
    now: datetime | None = None,
    *,
    user: User | None = None,
    exam: Exam | None = None,
    limit: int | None = None,
) -> int:
    """Release what is due (see ``due_attempt_ids``); returns how many were released."""
    return release(due_attempt_ids(now, user=user, exam=exam, limit=limit))


def released_wrong_answers(
    user: User, lineages: Iterable[int]
) -> dict[int, tuple[Question, object, datetime]]:
    """lineage id → (the version answered, the response, when) of the cadre's latest wrong
    answer in a test whose review has been released to the mistake book — never one still
    held back by its review policy."""
    lineages = list(lineages)
    if not lineages:
        return {}
    lineage = func.coalesce(Question.lineage_id, Question.id)
    rows = db.session.execute(
        select(lineage, Question, AttemptAnswer.response, Attempt.submitted_at)
        .join(Question, Question.id == AttemptAnswer.question_id)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(
            Attempt.user_id == user.id,
            Attempt.mistakes_released.is_(True),
            AttemptAnswer.correct.is_(False),
            lineage.in_(lineages),
        )
        .order_by(Attempt.submitted_at, AttemptAnswer.id)
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}  # the latest wins

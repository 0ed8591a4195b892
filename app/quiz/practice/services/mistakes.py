"""错题本: every wrong answer — in a test, a practice run or the daily quiz — lands in the
cadre's mistake book; re-practising an entry and answering it right three times in a row
masters it, and any later miss brings it back. A test's misses arrive when its answers may
be shown (``listeners``: at submit, after the test closes, or never, by its review policy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.common.errors import DomainError
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.bank.models import Question
from app.quiz.practice.models import MASTERY_STREAK, MISTAKE_SOURCES, MistakeEntry

FILTERS = ("open", "mastered", "all")


def source_labels() -> dict[str, str]:
    return {"exam": _("考试"), "practice": _("练习"), "daily": _("每日答题")}


def entry_for(user: User, question: Question) -> MistakeEntry | None:
    return db.session.scalar(
        select(MistakeEntry).where(
            MistakeEntry.user_id == user.id, MistakeEntry.lineage_id == _lineage(question)
        )
    )


def _lineage(question: Question) -> int:
    return question.lineage_id or question.id


def _new_entry(user: User, question: Question, now: datetime) -> MistakeEntry:
    """A fresh entry, or the one a concurrent request has just inserted."""
    entry = MistakeEntry(
        user_id=user.id,
        lineage_id=_lineage(question),
        question_id=question.id,
        misses=0,
        correct_streak=0,
        first_missed_at=now,
        last_missed_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        existing = entry_for(user, question)
        if existing is None:
            raise
        return existing
    return entry


def record_answer(
    user: User,
    question: Question,
    correct: bool,
    source: str,
    *,
    from_book: bool = False,
    at: datetime | None = None,
) -> MistakeEntry | None:
    """Note one marked answer. A miss adds the question to the book (or counts another miss,
    resets the streak and un-masters it). A right answer counts towards mastery only when
    the cadre is re-practising the book (``from_book``); elsewhere it changes nothing.
    Returns the entry, or None when the question is not in the book."""
    if source not in MISTAKE_SOURCES:
        raise ValueError(f"unknown mistake source {source!r}")
    at = at or utcnow()
    if not correct:
        entry = entry_for(user, question) or _new_entry(user, question, at)
        _count_miss(entry, question, source, at)
        db.session.flush()
        return entry
    entry = entry_for(user, question)
    if entry is None:
        return None
    _see_version(entry, question)
    if from_book and entry.mastered_at is None:
        entry.correct_streak += 1
        if entry.correct_streak >= MASTERY_STREAK:
            entry.mastered_at = at
    db.session.flush()
    return entry


def record_answers(
    user: User,
    graded: list[tuple[Question, bool]],
    source: str,
    *,
    at: datetime | None = None,
) -> None:
    """``record_answer`` (not ``from_book``) for many answers of one user — a test's: one
    SELECT of the entries they touch, then one flush of the changed entries and one, in a
    savepoint, of the new ones."""
    if source not in MISTAKE_SOURCES:
        raise ValueError(f"unknown mistake source {source!r}")
    if not graded:
        return
    at = at or utcnow()
    entries = _entries_for(user, {_lineage(q) for q, _ in graded})
    fresh: dict[int, MistakeEntry] = {}
    for question, correct in graded:
        lineage = _lineage(question)
        entry = entries.get(lineage)
        if correct:
            if entry is not None:
                _see_version(entry, question)
            continue
        if entry is None:
            entry = entries[lineage] = fresh[lineage] = MistakeEntry(
                user_id=user.id,
                lineage_id=lineage,
                question_id=question.id,
                misses=0,
                correct_streak=0,
                first_missed_at=at,
            )
        _count_miss(entry, question, source, at)
    if not fresh:
        db.session.flush()
        return
    try:
        with db.session.begin_nested():  # flushes the updates first, outside it
            db.session.add_all(fresh.values())
    except IntegrityError:
        # a concurrent request has just added one of these entries: those one by one
        for question, correct in graded:
            if _lineage(question) in fresh:
                record_answer(user, question, correct, source, at=at)


def _entries_for(user: User, lineages: set[int]) -> dict[int, MistakeEntry]:
    """lineage id → the user's entry, with the version it shows, in one query."""
    return {
        entry.lineage_id: entry
        for entry in db.session.scalars(
            select(MistakeEntry)
            .where(MistakeEntry.user_id == user.id, MistakeEntry.lineage_id.in_(lineages))
            .options(joinedload(MistakeEntry.question))
        )
    }


def _count_miss(entry: MistakeEntry, question: Question, source: str, at: datetime) -> None:
    entry.misses += 1
    entry.correct_streak = 0
    entry.mastered_at = None
    entry.last_missed_at = at
    entry.last_source = source
    _see_version(entry, question)


def _see_version(entry: MistakeEntry, question: Question) -> None:
    current = entry.question
    if current is None or question.version >= current.version:
        entry.question_id = question.id
        entry.question = question


def entries_query(user: User, show: str = "open") -> Select:
    """The cadre's entries: ``open`` (not mastered), ``mastered`` or ``all``; most recently
    missed first."""
    if show not in FILTERS:
        raise DomainError(_("未知的筛选条件"), "show")
    query = select(MistakeEntry).where(MistakeEntry.user_id == user.id)
    if show == "open":
        query = query.where(MistakeEntry.mastered_at.is_(None))
    elif show == "mastered":
        query = query.where(MistakeEntry.mastered_at.is_not(None))
    return query.order_by(MistakeEntry.last_missed_at.desc(), MistakeEntry.id.desc())


@dataclass(frozen=True)
class BookCounts:
    open: int
    mastered: int

    @property
    def total(self) -> int:
        return self.open + self.mastered


def counts(user: User) -> BookCounts:
    rows = db.session.execute(
        select(MistakeEntry.mastered_at.is_(None), func.count(MistakeEntry.id))
        .where(MistakeEntry.user_id == user.id)
        .group_by(MistakeEntry.mastered_at.is_(None))
    )
    by_open = {bool(is_open): n for is_open, n in rows}
    return BookCounts(open=by_open.get(True, 0), mastered=by_open.get(False, 0))


def latest_versions(entries: list[MistakeEntry]) -> dict[int, Question]:
    """lineage id → the latest version of each entry's question."""
    lineages = [e.lineage_id for e in entries]
    if not lineages:
        return {}
    rows = db.session.scalars(
        select(Question).where(Question.lineage_id.in_(lineages), Question.is_latest.is_(True))
    )
    return {q.lineage_id: q for q in rows}


def open_lineages(user: User) -> list[int]:
    return list(
        db.session.scalars(
            select(MistakeEntry.lineage_id).where(
                MistakeEntry.user_id == user.id, MistakeEntry.mastered_at.is_(None)
            )
        )
    )


def retract_miss(user: User, question: Question) -> None:
    """Take back one miss (a regrade found the answer right after all); an entry left with
    no misses leaves the book."""
    entry = entry_for(user, question)
    if entry is None:
        return
    entry.misses -= 1
    if entry.misses <= 0:
        db.session.delete(entry)
    db.session.flush()


def on_exam_answers_graded(user: User, graded: list[tuple[Question, bool]], source: str) -> None:
    """The exam listener (see ``listeners``): ``source`` "exam" for a released attempt's
    marks, "regrade" when a corrected key or a re-marked essay later changes one. Essays
    stay out: they are scored, not right or wrong, and practice cannot re-mark them."""
    graded = [(q, bool(correct)) for q, correct in graded if q.type != "essay"]
    if source == "exam":
        record_answers(user, graded, "exam")
    elif source == "regrade":
        for question, correct in graded:
            if correct:
                retract_miss(user, question)
            else:
                record_answer(user, question, False, "exam")

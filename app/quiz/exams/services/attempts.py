"""Sitting an exam (答卷): start or resume, save one answer, submit, auto-submit.

The server is the only clock. A save or submit is accepted until the deadline plus the
exam's grace seconds; after that the attempt is submitted with its saved answers, lazily on
any access and by the scheduler job.

Races: on SQLite every writing transaction begins IMMEDIATE, so writers take turns. On
PostgreSQL a save holds the attempt row FOR SHARE (saves from two tabs run side by side, a
submit waits for them and they wait for it) and the answer row FOR UPDATE; two first saves
of one answer meet at the unique constraint and the loser retries as an update.

An exam may set a focus-loss limit (off by default): the attempt is submitted
automatically at the limit-th loss; the page warns before it comes to that.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Integer, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.auth.sessions import SessionUser
from app.common.db import DriverStatement, begin_write
from app.common.errors import DomainError
from app.common.timeutil import format_local, utcnow
from app.courses.models import Course
from app.courses.services import course_completed
from app.extensions import db
from app.quiz.bank.grading import MalformedResponse, check_response
from app.quiz.bank.models import Question
from app.quiz.exams import hooks as listeners
from app.quiz.exams.models import Attempt, AttemptAnswer, AttemptItem, Exam
from app.quiz.exams.services import answer_store, assembly, audience, marking
from app.quiz.exams.services.deadlines import deadline_for
from app.quiz.exams.services.events import record_event

log = logging.getLogger(__name__)


class AttemptError(DomainError):
    """A refused operation on a sitting. ``code`` says why: ``not_found``,
    ``not_in_audience``, ``not_open``, ``closed``, ``no_attempts_left``,
    ``course_required`` (``course`` is the course to finish first), ``retry``,
    ``invalid``, ``malformed``, ``submitted``, ``deadline_passed``."""

    def __init__(self, message: str, code: str = "conflict", *, course: Course | None = None):
        super().__init__(message)
        self.code = code
        self.course = course


def not_found(message: str | None = None) -> AttemptError:
    return AttemptError(message or _("没有这份答卷"), "not_found")


# ---------------------------------------------------------------- loading and locking


def lock_attempt(attempt_id: int, *, shared: bool = False) -> Attempt | None:
    """The attempt re-read under a row lock (FOR SHARE / FOR UPDATE on PostgreSQL; on
    SQLite the IMMEDIATE transaction already holds the write lock)."""
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.id == attempt_id)
        .options(joinedload(Attempt.exam, innerjoin=True))  # its grace, in the same query
        .with_for_update(read=shared, of=Attempt)
        .execution_options(populate_existing=True)
    )


def in_progress_attempt(user: User, exam: Exam) -> Attempt | None:
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.exam_id == exam.id, Attempt.user_id == user.id)
        .where(Attempt.status == "in_progress")
        .order_by(Attempt.number.desc())
    )


def attempts_of(user: User, exam: Exam) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.exam_id == exam.id, Attempt.user_id == user.id)
            .order_by(Attempt.number)
        )
    )


def attempts_used(user: User, exam: Exam) -> int:
    return db.session.scalar(
        select(func.count(Attempt.id)).where(Attempt.exam_id == exam.id, Attempt.user_id == user.id)
    )


# ---------------------------------------------------------------- may the user start?


def refusal(
    user: User, exam: Exam, now: datetime | None = None, *, used: int | None = None
) -> AttemptError | None:
    """Why ``user`` may not start a new attempt now, or None (``used``: their attempts so
    far, if the caller has counted them)."""
    now = now or utcnow()
    if exam.status == "draft" or not audience.can_see(user, exam):
        return not_found(_("没有这场考试"))
    if not audience.in_audience(user, exam):
        return AttemptError(_("您不在本场考试的参考范围内"), "not_in_audience")
    if now < exam.opens_at:
        return AttemptError(
            _("考试尚未开始，开始时间：%(t)s", t=format_local(exam.opens_at)), "not_open"
        )
    if exam.has_closed(now):
        return AttemptError(_("考试已结束"), "closed")
    if (attempts_used(user, exam) if used is None else used) >= exam.attempts_allowed:
        return AttemptError(
            _("您已用完全部 %(n)d 次作答机会", n=exam.attempts_allowed), "no_attempts_left"
        )
    course = exam.required_course
    if course is not None and not course_completed(user, course):
        return AttemptError(
            _("请先完成课程《%(c)s》的学习，再参加本场考试", c=course.title),
            "course_required",
            course=course,
        )
    return None


# ---------------------------------------------------------------- start / resume


def start_attempt(
    user: User,
    exam: Exam,
    *,
    ip: str = "",
    user_agent: str = "",
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> tuple[Attempt, bool]:
    """(attempt, created): the attempt in progress if there is one (resumed, logged with
    device and address), else a new one with its snapshot. AttemptError if refused.

    Everything that only reads — the checks, the draw, the option layouts — comes before
    ``begin_write``; the writes are one attempt row, one multi-row insert of the snapshot
    and one event, so on SQLite the write lock is held for those alone."""
    now = now or utcnow()
    # Counted before looking for one in progress: a tab that starts at the same moment
    # either shows up here or takes the same number, and then the unique constraint sends
    # this request to resume its attempt.
    used = attempts_used(user, exam)
    current = in_progress_attempt(user, exam)
    if current is not None:
        begin_write(db.session)
        if not current.is_overdue(now):
            record_event(current, "resumed", ip=ip, user_agent=user_agent, at=now)
            return current, False
        submit_attempt(current, auto=True, now=now)
    problem = refusal(user, exam, now, used=used)
    if problem is not None:
        raise problem
    rng = rng or random.SystemRandom()
    entries = assembly.draw_paper(exam, rng)
    layouts = [assembly.option_layout(e.question, exam.shuffle_options, rng) for e in entries]
    attempt = Attempt(
        exam=exam,
        user_id=user.id,
        number=used + 1,
        status="in_progress",
        started_at=now.replace(microsecond=0),
        extra_seconds=0,
        focus_losses=0,
        auto_submitted=False,
        graded=False,
        max_score=assembly.max_score(entries),
    )
    attempt.deadline = deadline_for(attempt, exam)
    begin_write(db.session)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        # another tab started this sitting at the same moment: resume theirs
        current = in_progress_attempt(user, exam)
        if current is None:
            raise AttemptError(_("开始考试失败，请重试"), "retry") from None
        record_event(current, "resumed", ip=ip, user_agent=user_agent, at=now)
        return current, False
    db.session.execute(
        insert(AttemptItem),
        [
            {
                "attempt_id": attempt.id,
                "position": position,
                "question_id": entry.question.id,
                "points": entry.points,
                "option_order": order,
                "option_ids": ids,
            }
            for position, (entry, (order, ids)) in enumerate(zip(entries, layouts, strict=True), 1)
        ],
    )
    record_event(attempt, "started", ip=ip, user_agent=user_agent, at=now)
    db.session.flush()
    return attempt, True


# ---------------------------------------------------------------- responses


def response_from_api(option_ids: list[str] | None, qtype: str, value: Any) -> Any:
    """A response as the API sends it (option ids of the attempt's item) → original option
    indices, checked. MalformedResponse if it does not fit the question."""
    if value is None:
        return None
    ids = option_ids or []
    if qtype == "single":
        if not isinstance(value, str) or value not in ids:
            raise MalformedResponse("single: unknown option id")
        value = ids.index(value)
    elif qtype == "multiple":
        if not isinstance(value, list) or any(
            not isinstance(v, str) or v not in ids for v in value
        ):
            raise MalformedResponse("multiple: unknown option id")
        value = [ids.index(v) for v in value]
    return check_response(qtype, value, len(ids))


def response_to_api(item: AttemptItem, qtype: str, value: Any) -> Any:
    if value is None:
        return None
    ids = item.option_ids or []
    if qtype == "single":
        return ids[value] if isinstance(value, int) and 0 <= value < len(ids) else None
    if qtype == "multiple":
        return [ids[i] for i in value if 0 <= i < len(ids)]
    return value


# ---------------------------------------------------------------- save one answer


@dataclass
class SaveResult:
    saved_at: datetime
    applied: bool
    extra: dict = field(default_factory=dict)


def save_answer(
    user: User | SessionUser,
    attempt_id: int,
    question_id: int,
    response: Any,
    seq: Any = None,
    *,
    now: datetime | None = None,
) -> SaveResult:
    """Store one response (API shape) for ``user`` (only its id is read: the save view
    hands in the light ``SessionUser``). A ``seq`` lower than the stored one is acknowledged
    but not applied. AttemptError: ``not_found`` (not theirs, not in it), ``submitted``,
    ``deadline_passed`` (past the deadline and grace), ``invalid`` / ``malformed``.

    One read (attempt, exam, the paper's item and the question type; on PostgreSQL it holds
    the attempt FOR SHARE, so a submit waits for saves in flight and they for it), then one
    conditional upsert that re-checks everything that may have changed since (see
    ``answer_store``). On SQLite the read runs before the write lock is taken."""
    now = now or utcnow()
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 0):
        raise AttemptError(_("seq 应为非负整数"), "invalid")
    connection = db.session.connection()  # one for the request: the read and the write
    rows = _SAVE_READ.rows(connection, {"attempt_id": attempt_id, "question_id": question_id})
    if not rows or rows[0][0] != user.id:
        raise not_found()
    _owner, status, deadline, grace_seconds, option_ids, qtype = rows[0]
    _check_open(status, deadline, grace_seconds, now)
    if qtype is None:
        raise not_found(_("本答卷中没有这道题"))
    try:
        value = response_from_api(option_ids, qtype, response)
    except MalformedResponse:
        raise AttemptError(_("答案格式不正确"), "malformed") from None
    begin_write(db.session)
    saved_at = answer_store.upsert_answer(
        connection,
        attempt_id=attempt_id,
        user_id=user.id,
        question_id=question_id,
        value=value,
        seq=seq,
        now=now,
        not_before=now - timedelta(seconds=grace_seconds),
    )
    if saved_at is not None:
        return SaveResult(saved_at, True)
    # Refused inside the write: submitted or extended/shortened meanwhile, or a newer seq.
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    if attempt is None:  # deleted with its exam in between
        raise not_found()
    _check_open(attempt.status, attempt.deadline, grace_seconds, now)
    stored = db.session.scalar(
        select(AttemptAnswer.saved_at).where(
            AttemptAnswer.attempt_id == attempt_id, AttemptAnswer.question_id == question_id
        )
    )
    return SaveResult(stored or now, False)


def _save_read_statement(_dialect: str):
    """What a save needs to know, in one query. Table columns, not ORM attributes: it runs
    on the driver's cursor (``DriverStatement``: a save is the hottest path)."""
    attempts_t, exams_t = Attempt.__table__, Exam.__table__
    items_t, questions_t = AttemptItem.__table__, Question.__table__
    question_id = bindparam("question_id", type_=Integer)
    return (
        select(
            attempts_t.c.user_id,
            attempts_t.c.status,
            attempts_t.c.deadline,
            exams_t.c.grace_seconds,
            items_t.c.option_ids,
            questions_t.c.type,
        )
        .select_from(
            attempts_t.join(exams_t, exams_t.c.id == attempts_t.c.exam_id)
            .outerjoin(
                items_t,
                (items_t.c.attempt_id == attempts_t.c.id) & (items_t.c.question_id == question_id),
            )
            .outerjoin(questions_t, questions_t.c.id == items_t.c.question_id)
        )
        .where(attempts_t.c.id == bindparam("attempt_id", type_=Integer))
        .with_for_update(read=True, of=attempts_t)
    )


_SAVE_READ = DriverStatement(_save_read_statement)


def _check_open(status: str, deadline: datetime, grace_seconds: int, now: datetime) -> None:
    if status != "in_progress":
        raise AttemptError(_("答卷已提交，不能再修改答案"), "submitted")
    if now > deadline + timedelta(seconds=grace_seconds):
        raise AttemptError(_("考试时间已到，答案未能保存"), "deadline_passed")


# ---------------------------------------------------------------- submit


def submit_attempt(
    attempt: Attempt,
    *,
    auto: bool = False,
    now: datetime | None = None,
    ip: str = "",
    user_agent: str = "",
    reason: str = "",
) -> bool:
    """Grade and close the attempt; True if this call submitted it (False: it already was).
    Objective answers are marked now, essays wait for the grading queue."""
    now = now or utcnow()
    attempt = lock_attempt(attempt.id)
    if attempt is None or attempt.status == "submitted":
        return False
    db.session.expire(attempt, ["answers"])
    marked = marking.grade_attempt(attempt)
    attempt.status = "submitted"
    attempt.auto_submitted = auto
    attempt.submitted_at = min(now, attempt.deadline) if auto else now
    record_event(
        attempt,
        "auto_submitted" if auto else "submitted",
        ip=ip,
        user_agent=user_agent,
        detail=reason,
        at=now,
    )
    db.session.flush()
    listeners.attempt_submitted(attempt, marked)
    return True


# How early a submit the page's timer sent may come and still count as automatic: the
# page's clock follows the server's to within a network round trip.
TIMER_SKEW = timedelta(seconds=10)


def submit_by_user(
    user: User,
    attempt_id: int,
    *,
    now: datetime | None = None,
    ip: str = "",
    user_agent: str = "",
    timer: bool = False,
) -> Attempt:
    """The cadre submits. Idempotent. At or after the deadline (within the grace) it is
    recorded as automatic — the exam page submits by itself when the time runs out — and so
    is a ``timer`` submit up to ``TIMER_SKEW`` before it. Past the deadline and grace:
    AttemptError ``deadline_passed`` — the caller then submits it automatically
    (``settle``) with the answers saved in time."""
    now = now or utcnow()
    attempt = lock_attempt(attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise not_found()
    if attempt.in_progress and now > attempt.closes_for_saves_at():
        raise AttemptError(_("考试时间已到，答卷已按已保存的答案自动提交"), "deadline_passed")
    auto = now >= attempt.deadline or (timer and now >= attempt.deadline - TIMER_SKEW)
    submit_attempt(
        attempt,
        auto=auto,
        now=now,
        ip=ip,
        user_agent=user_agent,
        reason=("timer" if timer else "after_deadline") if auto else "",
    )
    return attempt


def settle(attempt: Attempt, now: datetime | None = None) -> bool:
    """Submit the attempt if its time (and grace) is over; True if it did."""
    now = now or utcnow()
    if attempt.is_overdue(now):
        return submit_attempt(attempt, auto=True, now=now)
    return False


def overdue_attempt_ids(now: datetime | None = None) -> list[int]:
    now = now or utcnow()
    rows = db.session.execute(
        select(Attempt.id, Attempt.deadline, Exam.grace_seconds)
        .join(Exam, Exam.id == Attempt.exam_id)
        .where(Attempt.status == "in_progress", Attempt.deadline < now)
        .order_by(Attempt.deadline)
    )
    return [aid for aid, deadline, grace in rows if deadline + timedelta(seconds=grace) < now]


def auto_submit_overdue(now: datetime | None = None) -> int:
    """The scheduler's sweep: submit every overdue attempt, one transaction each."""
    count = 0
    for attempt_id in overdue_attempt_ids(now):
        try:
            attempt = db.session.get(Attempt, attempt_id)
            if attempt is not None and settle(attempt, now):
                count += 1
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("auto-submit of attempt %s failed", attempt_id)
    return count


# ---------------------------------------------------------------- focus on the exam page

FOCUS_KINDS = ("focus_lost", "focus_regained")


@dataclass
class FocusState:
    focus_losses: int
    limit: int | None
    auto_submitted: bool


def focus_event(
    user: User,
    attempt_id: int,
    kind: str,
    *,
    ip: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> FocusState:
    """Record that the exam page lost or regained focus; at the exam's limit of losses the
    attempt is submitted. Events after the attempt ended change nothing."""
    if kind not in FOCUS_KINDS:
        raise AttemptError(_("kind 应为 focus_lost 或 focus_regained"), "invalid")
    now = now or utcnow()
    attempt = lock_attempt(attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise not_found()
    limit = attempt.exam.focus_loss_limit
    if attempt.in_progress and attempt.is_overdue(now):
        submit_attempt(attempt, auto=True, now=now)
    elif attempt.in_progress:
        record_event(attempt, kind, ip=ip, user_agent=user_agent, at=now)
        if kind == "focus_lost":
            attempt.focus_losses += 1
            if limit and attempt.focus_losses >= limit:
                submit_attempt(attempt, auto=True, now=now, reason="focus_loss_limit")
        db.session.flush()
    return FocusState(attempt.focus_losses, limit, attempt.auto_submitted)

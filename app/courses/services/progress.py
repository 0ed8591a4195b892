"""Reading progress.

A lesson counts as studied when its reader has (1) reached its end and (2) had it visible
for at least ``COURSE_MIN_READ_FRACTION`` of its estimated minutes. Visible time is counted
by the server alone: the page sends a heartbeat every ``COURSE_HEARTBEAT_SECONDS`` while it
is visible and stops when hidden; the time between two consecutive heartbeats counts only
if it is no longer than the interval plus ``COURSE_HEARTBEAT_SLACK_SECONDS``. A longer gap
(a hidden tab, a sleeping laptop) starts a new run and counts nothing. The client never
sends a duration, and two tabs on one lesson cannot count more than the wall clock.

Course progress is the share of its lessons studied; when every lesson is studied the
completion is recorded once, with its date and the hours (学时) credited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.common.timeutil import utcnow
from app.courses import hooks
from app.courses.models import Course, CourseCompletion, Lesson, LessonProgress
from app.extensions import db

_EPOCH = datetime(2000, 1, 1)


def heartbeat_seconds() -> int:
    return int(current_app.config.get("COURSE_HEARTBEAT_SECONDS", 15))


def counted_gap_seconds() -> int:
    return heartbeat_seconds() + int(current_app.config.get("COURSE_HEARTBEAT_SLACK_SECONDS", 10))


def required_seconds(lesson: Lesson) -> int:
    fraction = float(current_app.config.get("COURSE_MIN_READ_FRACTION", 0.5))
    return math.ceil(lesson.estimated_minutes * 60 * fraction)


@dataclass
class LessonState:
    lesson: Lesson
    seconds: int
    required: int
    reached_end: bool
    studied_at: datetime | None

    @property
    def studied(self) -> bool:
        return self.studied_at is not None

    @property
    def remaining_seconds(self) -> int:
        return max(self.required - self.seconds, 0)


@dataclass
class CourseProgress:
    course: Course
    studied_ids: set[int]
    total: int
    completion: CourseCompletion | None
    resume: Lesson | None  # "continue where you left off"
    started: bool

    @property
    def studied(self) -> int:
        return len(self.studied_ids)

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.total) if self.total else 0

    @property
    def completed(self) -> bool:
        return self.completion is not None


def _whole_seconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(seconds=1)


def _progress_row(user: User, lesson: Lesson, *, lock: bool = False) -> LessonProgress | None:
    query = select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
    )
    return db.session.scalar(query.with_for_update() if lock else query)


def _state(lesson: Lesson, row: LessonProgress | None) -> LessonState:
    if row is None:
        return LessonState(lesson, 0, required_seconds(lesson), False, None)
    return LessonState(
        lesson, row.seconds, required_seconds(lesson), row.reached_end, row.studied_at
    )


def lesson_state(user: User, lesson: Lesson) -> LessonState:
    return _state(lesson, _progress_row(user, lesson))


def record_heartbeat(
    user: User,
    lesson: Lesson,
    *,
    reached_end: bool = False,
    start: bool = False,
    now: datetime | None = None,
) -> LessonState:
    """The page of ``lesson`` is visible to ``user`` now (and, if ``reached_end``, its end
    marker has been on screen). ``start`` marks the first beat after the page was opened
    or shown again: the time before it is not counted (it can only ever count less)."""
    now = now or utcnow()
    row = _progress_row(user, lesson, lock=True)
    if row is None:
        try:
            with db.session.begin_nested():
                row = LessonProgress(user_id=user.id, lesson_id=lesson.id, first_seen_at=now)
                db.session.add(row)
        except IntegrityError:  # the reader's other tab created it first
            row = _progress_row(user, lesson, lock=True)
    if row.last_beat_at is not None and not start:
        gap = (now - row.last_beat_at).total_seconds()
        if 0 < gap <= counted_gap_seconds():
            # whole seconds crossed: over many beats the sum telescopes to the wall clock
            row.seconds += _whole_seconds(now) - _whole_seconds(row.last_beat_at)
    if row.last_beat_at is None or now > row.last_beat_at:
        row.last_beat_at = now
    if reached_end:
        row.reached_end = True
    if row.studied_at is None and row.reached_end and row.seconds >= required_seconds(lesson):
        row.studied_at = now
        db.session.flush()
        _complete_if_done(user, lesson.course, now)
        hooks.lesson_studied(user, lesson, now)
    db.session.flush()
    return _state(lesson, row)


def _studied_ids(user: User, course: Course) -> set[int]:
    return set(
        db.session.scalars(
            select(LessonProgress.lesson_id)
            .join(Lesson, LessonProgress.lesson_id == Lesson.id)
            .where(
                LessonProgress.user_id == user.id,
                Lesson.course_id == course.id,
                LessonProgress.studied_at.is_not(None),
            )
        )
    )


def completion(user: User, course: Course) -> CourseCompletion | None:
    return db.session.scalar(
        select(CourseCompletion).where(
            CourseCompletion.user_id == user.id, CourseCompletion.course_id == course.id
        )
    )


def _complete_if_done(user: User, course: Course, now: datetime) -> None:
    lesson_ids = {lesson.id for lesson in course.lessons}
    if not lesson_ids or not lesson_ids <= _studied_ids(user, course):
        return
    if completion(user, course) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                CourseCompletion(
                    user_id=user.id,
                    course_id=course.id,
                    completed_at=now,
                    hours=course.hours or Decimal("0"),
                )
            )
    except IntegrityError:
        pass  # recorded by a concurrent request


def course_completed(user: User, course: Course) -> bool:
    """Has ``user`` completed ``course``? (The exams' "required course" gate.)"""
    return completion(user, course) is not None


def course_progress(user: User, course: Course) -> CourseProgress:
    lessons = list(course.lessons)
    studied = _studied_ids(user, course) & {lesson.id for lesson in lessons}
    last_read = db.session.scalar(
        select(LessonProgress.lesson_id)
        .join(Lesson, LessonProgress.lesson_id == Lesson.id)
        .where(LessonProgress.user_id == user.id, Lesson.course_id == course.id)
        .order_by(LessonProgress.last_beat_at.desc().nulls_last(), LessonProgress.id.desc())
        .limit(1)
    )
    resume = None
    if lessons:
        index = next((i for i, les in enumerate(lessons) if les.id == last_read), 0)
        if lessons[index].id in studied:
            # the last one read is done: the next unread after it, else the first unread
            later = [les for les in lessons[index:] if les.id not in studied]
            earlier = [les for les in lessons if les.id not in studied]
            resume = (later or earlier or [lessons[index]])[0]
        else:
            resume = lessons[index]
    return CourseProgress(
        course, studied, len(lessons), completion(user, course), resume, last_read is not None
    )


def studied_counts(user_ids: list[int], course_ids: list[int]) -> dict[tuple[int, int], int]:
    """{(user id, course id): lessons studied} for these users and courses."""
    if not user_ids or not course_ids:
        return {}
    rows = db.session.execute(
        select(LessonProgress.user_id, Lesson.course_id, func.count(LessonProgress.id))
        .join(Lesson, LessonProgress.lesson_id == Lesson.id)
        .where(
            LessonProgress.user_id.in_(user_ids),
            Lesson.course_id.in_(course_ids),
            LessonProgress.studied_at.is_not(None),
        )
        .group_by(LessonProgress.user_id, Lesson.course_id)
    )
    return {(user_id, course_id): count for user_id, course_id, count in rows}


def lesson_counts(course_ids: list[int]) -> dict[int, int]:
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(Lesson.course_id, func.count(Lesson.id))
        .where(Lesson.course_id.in_(course_ids))
        .group_by(Lesson.course_id)
    )
    return dict(rows.all())


def completions(
    user_ids: list[int], course_ids: list[int]
) -> dict[tuple[int, int], CourseCompletion]:
    if not user_ids or not course_ids:
        return {}
    rows = db.session.scalars(
        select(CourseCompletion).where(
            CourseCompletion.user_id.in_(user_ids), CourseCompletion.course_id.in_(course_ids)
        )
    )
    return {(row.user_id, row.course_id): row for row in rows}


def studied_lesson_ids(user: User, lesson_ids: list[int]) -> set[int]:
    if not lesson_ids:
        return set()
    return set(
        db.session.scalars(
            select(LessonProgress.lesson_id).where(
                LessonProgress.user_id == user.id,
                LessonProgress.lesson_id.in_(lesson_ids),
                LessonProgress.studied_at.is_not(None),
            )
        )
    )

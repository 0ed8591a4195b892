"""Who hears that a reader has studied a lesson (学完一节): centre-group study records the
day's self-study (自学打卡) from it. Features above courses register a listener in their
``register(app)``; courses never imports them.

A listener is called ``fn(user, lesson, at)`` inside the caller's transaction, each in a
savepoint; one that fails is logged and skipped, so reading progress is never lost to a
side feature."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from app.auth.models import User
from app.courses.models import Lesson
from app.extensions import db

LessonStudiedListener = Callable[[User, Lesson, datetime], None]

_listeners: list[LessonStudiedListener] = []
log = logging.getLogger(__name__)


def register_lesson_studied_listener(fn: LessonStudiedListener) -> LessonStudiedListener:
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def unregister_lesson_studied_listener(fn: LessonStudiedListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def lesson_studied(user: User, lesson: Lesson, at: datetime) -> None:
    for fn in list(_listeners):
        try:
            with db.session.begin_nested():
                fn(user, lesson, at)
        except Exception:
            log.exception("lesson-studied listener %r failed", fn)

"""Bookmarks (书签) and private notes (学习笔记): a reader's own, seen by nobody else."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.common.errors import DomainError
from app.courses.models import Bookmark, Course, Lesson, Note
from app.extensions import db

MAX_NOTE = 10_000


def is_bookmarked(user: User, lesson: Lesson) -> bool:
    return _bookmark(user, lesson) is not None


def _bookmark(user: User, lesson: Lesson) -> Bookmark | None:
    return db.session.scalar(
        select(Bookmark).where(Bookmark.user_id == user.id, Bookmark.lesson_id == lesson.id)
    )


def toggle_bookmark(user: User, lesson: Lesson) -> bool:
    """Bookmark the lesson, or remove the bookmark; True if it is bookmarked now."""
    existing = _bookmark(user, lesson)
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
        return False
    db.session.add(Bookmark(user_id=user.id, lesson_id=lesson.id))
    db.session.flush()
    return True


def note_for(user: User, lesson: Lesson) -> Note | None:
    return db.session.scalar(
        select(Note).where(Note.user_id == user.id, Note.lesson_id == lesson.id)
    )


def save_note(user: User, lesson: Lesson, body: str) -> Note | None:
    """Keep ``body`` as the reader's note on ``lesson``; an empty body deletes the note."""
    body = (body or "").strip()
    if len(body) > MAX_NOTE:
        raise DomainError(_("笔记不能超过 %(n)d 个字符", n=MAX_NOTE), "body")
    note = note_for(user, lesson)
    if not body:
        if note is not None:
            db.session.delete(note)
            db.session.flush()
        return None
    if note is None:
        note = Note(user_id=user.id, lesson_id=lesson.id, body=body)
        db.session.add(note)
    else:
        note.body = body
    db.session.flush()
    return note


def my_bookmarks(user: User, visible_ids) -> list[Bookmark]:
    """The reader's bookmarks on lessons of courses they can still see, newest first."""
    return list(
        db.session.scalars(
            select(Bookmark)
            .join(Lesson, Bookmark.lesson_id == Lesson.id)
            .where(Bookmark.user_id == user.id, Lesson.course_id.in_(visible_ids))
            .order_by(Bookmark.created_at.desc(), Bookmark.id.desc())
        )
    )


def my_notes(user: User, visible_ids) -> list[Note]:
    return list(
        db.session.scalars(
            select(Note)
            .join(Lesson, Note.lesson_id == Lesson.id)
            .join(Course, Lesson.course_id == Course.id)
            .where(Note.user_id == user.id, Lesson.course_id.in_(visible_ids))
            .order_by(Note.updated_at.desc(), Note.id.desc())
        )
    )

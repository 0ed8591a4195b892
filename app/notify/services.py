"""Notifications: record a message for a user; list and mark the unread ones."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from app.common.timeutil import utcnow
from app.extensions import db
from app.notify.models import Notification


def notify(user, message: str, link: str = "", now: datetime | None = None) -> Notification:
    note = Notification(
        user_id=user.id, message=message[:500], link=link[:500], created_at=now or utcnow()
    )
    db.session.add(note)
    return note


def unread(user, limit: int = 20) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(note: Notification, now: datetime | None = None) -> None:
    if note.read_at is None:
        note.read_at = now or utcnow()
        db.session.flush()


def url(endpoint: str, **values) -> str:
    """A site path for a link, inside a request or not (scheduler, CLI)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)

"""Scheduled work: remind the owners of overdue rectification items, daily."""

from __future__ import annotations

from app.common import links
from app.evaluation.services import meetings
from app.extensions import db


def _link(item) -> str:
    try:
        return links.url("evaluation.meeting", meeting_id=item.meeting_id)
    except RuntimeError:  # no SERVER_NAME outside a request: a path is enough for the inbox
        return f"/evaluation/meetings/{item.meeting_id}"


def rectification_reminders() -> None:
    meetings.remind_overdue(link_for=_link)
    db.session.commit()

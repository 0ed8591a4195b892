"""Opening a notification marks it read and follows its link."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.db import write_intent
from app.common.http import safe_next_url
from app.common.permissions import login_required
from app.common.todo import TodoItem
from app.extensions import db
from app.notify import services
from app.notify.models import Notification

bp = Blueprint("notify", __name__, url_prefix="/notifications")


@bp.route("/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    with write_intent(db.session):
        note = db.session.get(Notification, notification_id)
        if note is None or note.user_id != current_user.id:
            abort(404)
        services.mark_read(note)
        link = note.link
        db.session.commit()
    return redirect(safe_next_url(link) or url_for("home.index"))


def notification_todos(user) -> list[TodoItem]:
    return [
        TodoItem(
            note.message,
            url_for("notify.open_notification", notification_id=note.id),
            "notification",
            detail=_("新通知"),
        )
        for note in services.unread(user)
    ]

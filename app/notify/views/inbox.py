"""The inbox (通知): every notification, newest first; opening one marks it read and follows
its link; mark read, mark all read; each user's channel choices."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app.common.db import write_intent
from app.common.errors import DomainError
from app.common.forms import form_error
from app.common.http import safe_next_url
from app.common.pagination import paginate
from app.common.permissions import login_required
from app.common.todo import TodoItem
from app.extensions import db
from app.notify import manage, services
from app.notify.forms import PreferenceForm
from app.notify.models import Notification
from app.notify.views.blueprint import bp


def _own(notification_id: int) -> Notification:
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    return note


@bp.route("/")
@login_required
def inbox():
    pagination = paginate(services.history_query(current_user))
    return render_template(
        "notify/inbox.html", pagination=pagination, unread=services.unread_count(current_user)
    )


@bp.route("/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    with write_intent(db.session):
        note = _own(notification_id)
        services.mark_read(note)
        link = note.link
        db.session.commit()
    return redirect(safe_next_url(link) or url_for("notify.inbox"))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    services.mark_read(_own(notification_id))
    db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("notify.inbox"))


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    count = services.mark_all_read(current_user)
    db.session.commit()
    flash(_("已将 %(n)d 条通知标为已读", n=count), "success")
    return redirect(url_for("notify.inbox"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    pref = manage.preference(current_user)
    form = PreferenceForm(obj=pref if request.method == "GET" else None)
    form.language.choices = list(current_app.config["LANGUAGES"].items())
    if form.validate_on_submit():
        try:
            manage.save_preference(
                current_user,
                email=form.email.data,
                language=form.language.data,
                quiet_start=form.quiet_start.data or "",
                quiet_end=form.quiet_end.data or "",
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("通知设置已保存"), "success")
            return redirect(url_for("notify.settings"))
    return render_template(
        "notify/settings.html",
        form=form,
        has_email=bool(current_user.email),
        mail_on=bool(current_app.config.get("MAIL_SERVER")),
    )


def notification_todos(user) -> list[TodoItem]:
    return [
        TodoItem(
            note.text,
            url_for("notify.open_notification", notification_id=note.id),
            "notification",
            detail=_("新通知"),
        )
        for note in services.unread(user)
    ]


def bell_context() -> dict:
    """The header's bell: the unread count of the logged-in user."""
    if not getattr(current_user, "is_authenticated", False):
        return {}
    try:
        return {"notify_unread": services.unread_count(current_user)}
    except SQLAlchemyError:  # an error page while the database is down: no bell, no loop
        return {}

"""A reader's actions on a lesson (bookmark, note) and the course's files."""

from __future__ import annotations

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.permissions import login_required
from app.courses.forms import NoteForm
from app.courses.models import Attachment
from app.courses.services import attachments, notes
from app.courses.views._helpers import check_visible, get_or_404, visible_lesson
from app.courses.views.blueprint import bp
from app.extensions import db


def _lesson_page(lesson, anchor: str = "") -> str:
    return url_for(
        "courses.lesson",
        course_slug=lesson.course.slug,
        lesson_slug=lesson.slug,
        _anchor=anchor or None,
    )


@bp.route("/lessons/<int:lesson_id>/bookmark", methods=["POST"])
@login_required
def toggle_bookmark(lesson_id: int):
    lesson = visible_lesson(lesson_id)
    if notes.toggle_bookmark(current_user, lesson):
        flash(_("已加入书签"), "success")
    else:
        flash(_("已取消书签"), "info")
    db.session.commit()
    return redirect(_lesson_page(lesson))


@bp.route("/lessons/<int:lesson_id>/note", methods=["POST"])
@login_required
def save_note(lesson_id: int):
    lesson = visible_lesson(lesson_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(_("笔记没有保存：%(e)s", e="；".join(form.body.errors) or _("请重试")), "danger")
        return redirect(_lesson_page(lesson, "notes"))
    try:
        note = notes.save_note(current_user, lesson, form.body.data)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("笔记已保存") if note else _("笔记已清空"), "success")
    return redirect(_lesson_page(lesson, "notes"))


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    item = get_or_404(Attachment, attachment_id)
    check_visible(item.course)
    path = attachments.attachment_path(item)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=not attachments.inline(item),
        download_name=item.filename,
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    # a file is never a page: no scripts, no plug-ins, even if a browser guessed otherwise
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    )
    return response

"""Lessons: the editor (Markdown with a live preview), delete. Administrators only."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.forms import form_error
from app.common.permissions import role_required
from app.courses.forms import LessonForm
from app.courses.models import Course, Lesson
from app.courses.services import content
from app.courses.views._helpers import get_or_404
from app.courses.views.blueprint import admin_bp
from app.extensions import db


def _fields(form: LessonForm) -> dict:
    return {
        "title": form.title.data,
        "slug": form.slug.data,
        "position": form.position.data,
        "estimated_minutes": form.estimated_minutes.data or 10,
        "body": form.body.data or "",
    }


def _editor(form: LessonForm, course: Course, lesson: Lesson | None):
    return render_template(
        "courses/admin/lesson_form.html",
        form=form,
        course=course,
        lesson=lesson,
        preview_url=url_for("courses_api.preview"),
    )


@admin_bp.route("/<int:course_id>/lessons/new", methods=["GET", "POST"])
@role_required("admin")
def new_lesson(course_id: int):
    course = get_or_404(Course, course_id)
    form = LessonForm()
    if form.validate_on_submit():
        try:
            lesson = content.create_lesson(current_user, course, **_fields(form))
        except DomainError as exc:
            form_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("已新增章节 %(t)s", t=lesson.title), "success")
            return redirect(url_for("courses_admin.course", course_id=course.id))
    return _editor(form, course, None)


@admin_bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_lesson(lesson_id: int):
    lesson = get_or_404(Lesson, lesson_id)
    form = LessonForm(obj=lesson)
    if form.validate_on_submit():
        try:
            content.update_lesson(current_user, lesson, **_fields(form))
        except DomainError as exc:
            form_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("已保存章节 %(t)s", t=lesson.title), "success")
            return redirect(url_for("courses_admin.course", course_id=lesson.course_id))
    return _editor(form, lesson.course, lesson)


@admin_bp.route("/lessons/<int:lesson_id>/delete", methods=["POST"])
@role_required("admin")
def delete_lesson(lesson_id: int):
    lesson = get_or_404(Lesson, lesson_id)
    course_id, title = lesson.course_id, lesson.title
    content.delete_lesson(current_user, lesson)
    db.session.commit()
    flash(_("已删除章节 %(t)s", t=title), "success")
    return redirect(url_for("courses_admin.course", course_id=course_id))

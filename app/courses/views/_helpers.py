"""Shared by the course views: loading objects the current user may see, form errors."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.courses import policy
from app.courses.models import Course, Lesson
from app.courses.services import content
from app.extensions import db


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def check_visible(course: Course) -> Course:
    """404 for a draft the user may not see (it does not exist for them), 403 for a
    published course outside their audience."""
    if not course.published and not current_user.is_admin:
        abort(404)
    if not policy.can_view_course(current_user, course):
        abort(403)
    return course


def visible_course(slug: str) -> Course:
    course = content.course_by_slug(slug)
    if course is None:
        abort(404)
    return check_visible(course)


def visible_lesson(lesson_id: int) -> Lesson:
    lesson = get_or_404(Lesson, lesson_id)
    check_visible(lesson.course)
    return lesson

"""Links from elsewhere into lessons: a question's source (出处) written as
``course-slug/lesson-slug#anchor`` becomes a URL and a title, so result reviews and the
mistake book send a cadre to the paragraph to re-read."""

from __future__ import annotations

import re

from app.auth.models import User
from app.common import links
from app.courses import policy, rendering
from app.courses.services.content import lesson_by_ref

REF = re.compile(r"\s*([a-z0-9-]+)/([a-z0-9-]+)(?:#([^\s#]+))?\s*")


def lesson_url(lesson, anchor: str = "") -> str:
    values = {"course_slug": lesson.course.slug, "lesson_slug": lesson.slug}
    if anchor:
        values["_anchor"] = anchor
    return links.url("courses.lesson", **values)


def resolve_source_lesson(ref: str, user: User | None = None) -> tuple[str, str] | None:
    """``"political-building/theory-study#centre-group"`` → (the lesson's URL with that
    anchor, "lesson title · heading title"), or None if there is no such lesson (or, with
    ``user``, if they may not see its course). An anchor the lesson lacks is dropped."""
    match = REF.fullmatch(ref or "")
    if match is None:
        return None
    course_slug, lesson_slug, anchor = match.groups()
    lesson = lesson_by_ref(course_slug, lesson_slug)
    if lesson is None:
        return None
    if user is not None and not policy.can_view_course(user, lesson.course):
        return None
    title = lesson.title
    heading = rendering.heading_for(lesson.body, anchor) if anchor else None
    if heading is None:
        anchor = ""
    else:
        title = f"{lesson.title} · {heading}"
    return lesson_url(lesson, anchor or ""), title

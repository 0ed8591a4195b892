"""学习材料: the lessons of the courses feature a plan item or a session names, beside its
free-text materials. A secretary picks them among the published courses they may see; an id
that is no lesson, or a lesson they may not see, is refused by its number."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.checkin.services.base import CheckinError
from app.courses.models import Course, Lesson
from app.courses.policy import visible_course_ids
from app.courses.services import lesson_url
from app.extensions import db

MAX_LESSONS = 30  # a month's study names a few lessons, not a course catalogue


def lesson_title(lesson: Lesson) -> str:
    return f"{lesson.course.title} · {lesson.title}"


def material_lines(owner) -> list[str]:
    """A plan item's or a session's materials as lines of text: the lessons' titles, then
    the free text (the archive writes them offline, without links)."""
    lines = [lesson_title(lesson) for lesson in owner.lessons]
    return lines + [line for line in (owner.materials or "").splitlines() if line.strip()]


def _visible(user: User):
    return visible_course_ids(user).where(Course.published.is_(True))


def lesson_choices(user: User) -> list[Lesson]:
    """The lessons of the published courses ``user`` may see, course by course."""
    return list(
        db.session.scalars(
            select(Lesson)
            .join(Course, Lesson.course_id == Course.id)
            .where(Lesson.course_id.in_(_visible(user)))
            .order_by(Course.title, Course.id, Lesson.position, Lesson.id)
        )
    )


def pick_lessons(
    user: User, ids: Iterable[str | int], *, keep: Iterable[Lesson] = ()
) -> list[Lesson]:
    """The lessons ``ids`` names, in the order given, each once. Each must exist in a
    published course ``user`` may see — or be one of ``keep`` (already chosen before its
    course was withdrawn: saving the form again does not drop it)."""
    kept = {lesson.id: lesson for lesson in keep}
    chosen: dict[int, Lesson] = {}
    for raw in ids:
        text = str(raw).strip()
        if not text:
            continue
        if not text.isdigit():
            raise CheckinError(_("学习材料中的课程章节编号“%(i)s”无效", i=text[:20]), "lessons")
        lesson_id = int(text)
        if lesson_id in chosen:
            continue
        lesson = kept.get(lesson_id)
        if lesson is None:
            found = db.session.get(Lesson, lesson_id)
            visible = found is not None and (
                db.session.scalar(_visible(user).where(Course.id == found.course_id)) is not None
            )
            if not visible:
                raise CheckinError(
                    _("学习材料中的课程章节（编号 %(i)d）不存在或您无权查看", i=lesson_id),
                    "lessons",
                )
            lesson = found
        chosen[lesson_id] = lesson
    if len(chosen) > MAX_LESSONS:
        raise CheckinError(_("学习材料最多选择 %(n)d 个课程章节", n=MAX_LESSONS), "lessons")
    return list(chosen.values())


def lesson_links(user: User, lessons: Iterable[Lesson]) -> list[tuple[str, str | None]]:
    """(title, URL) of each lesson for ``user``: the URL only if they may open its course."""
    lessons = list(lessons)
    if not lessons:
        return []
    course_ids = {lesson.course_id for lesson in lessons}
    open_ids = set(db.session.scalars(visible_course_ids(user).where(Course.id.in_(course_ids))))
    return [
        (lesson_title(lesson), lesson_url(lesson) if lesson.course_id in open_ids else None)
        for lesson in lessons
    ]

"""Programmes, courses and lessons: create, update, find. Services take plain values and
model instances, raise ``DomainError``, flush but never commit."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.common import audit
from app.common.errors import DomainError
from app.courses.models import Course, Lesson, Program
from app.courses.services import slugs
from app.extensions import db

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 100
MAX_TITLE = 200
MAX_MINUTES = 600
MAX_HOURS = Decimal("999.9")
# First path segments of /courses/… that are pages, not courses.
RESERVED_SLUGS = {"search", "bookmarks", "teams", "attachments", "lessons", "manage", "new"}


# ------------------------------------------------------------------ checks


def check_slug(value: str, field: str = "slug", *, reserved: bool = False) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("请填写英文短名（slug）"), field)
    if len(value) > MAX_SLUG or not SLUG.fullmatch(value):
        raise DomainError(
            _("英文短名只能由小写字母、数字和连字符组成，如 political-building"), field
        )
    if reserved and value in RESERVED_SLUGS:
        raise DomainError(_("“%(s)s”是保留名称，请换一个", s=value), field)
    return value


def check_title(value: str, field: str = "title") -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("标题不能为空"), field)
    if len(value) > MAX_TITLE:
        raise DomainError(_("标题不能超过 %(n)d 个字符", n=MAX_TITLE), field)
    return value


def check_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise DomainError(_("学时须为数字，如 2 或 1.5"), "hours") from None
    if hours < 0 or hours > MAX_HOURS:
        raise DomainError(_("学时须在 0 到 %(n)s 之间", n=MAX_HOURS), "hours")
    return hours


def check_minutes(value) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("预计阅读时间须为整数分钟"), "estimated_minutes") from None
    if not 1 <= minutes <= MAX_MINUTES:
        raise DomainError(
            _("预计阅读时间须在 1 到 %(n)d 分钟之间", n=MAX_MINUTES), "estimated_minutes"
        )
    return minutes


# ------------------------------------------------------------------ programmes


def all_programs() -> list[Program]:
    return list(
        db.session.scalars(select(Program).order_by(Program.starts_on.desc(), Program.id.desc()))
    )


def find_program(title: str) -> Program | None:
    return db.session.scalar(select(Program).where(Program.title == (title or "").strip()))


def _program_values(title, description, starts_on, ends_on, program=None) -> dict:
    title = check_title(title)
    existing = find_program(title)
    if existing is not None and existing is not program:
        raise DomainError(_("已有名为“%(t)s”的学习计划", t=title), "title")
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("结束日期不能早于开始日期"), "ends_on")
    return {
        "title": title,
        "description": (description or "").strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
    }


def create_program(
    actor,
    *,
    title: str,
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Program:
    program = Program(**_program_values(title, description, starts_on, ends_on))
    db.session.add(program)
    db.session.flush()
    audit.record(actor, "program.create", program, _("创建学习计划 %(t)s", t=program.title))
    return program


def update_program(
    actor,
    program: Program,
    *,
    title: str,
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> None:
    for key, value in _program_values(title, description, starts_on, ends_on, program).items():
        setattr(program, key, value)
    db.session.flush()
    audit.record(actor, "program.update", program, _("修改学习计划 %(t)s", t=program.title))


# ------------------------------------------------------------------ courses


def all_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.sort_order, Course.id)))


def course_by_id(course_id: int) -> Course | None:
    return db.session.get(Course, course_id)


def course_by_slug(slug: str) -> Course | None:
    """The course with this slug (as exams' "required course" and question sources name it)."""
    return db.session.scalar(select(Course).where(Course.slug == (slug or "").strip()))


def _given_or_made(fields: dict, taken) -> str:
    """The slug typed (normalised: Chinese to pinyin, capitals and spaces to hyphens), or
    one made from the title when left empty — then made unique rather than refused."""
    typed = (fields.get("slug") or "").strip()
    if typed:
        return typed if SLUG.fullmatch(typed) else slugs.slugify(typed) or typed
    return slugs.unique_slug(slugs.slugify(fields.get("title") or ""), taken)


def _course_values(course: Course | None, fields: dict) -> dict:
    def taken(slug: str) -> bool:
        found = course_by_slug(slug)
        return slug in RESERVED_SLUGS or (found is not None and found is not course)

    slug = check_slug(_given_or_made(fields, taken), reserved=True)
    existing = course_by_slug(slug)
    if existing is not None and existing is not course:
        raise DomainError(_("英文短名“%(s)s”已被课程“%(t)s”使用", s=slug, t=existing.title), "slug")
    return {
        "slug": slug,
        "title": check_title(fields.get("title", "")),
        "summary": (fields.get("summary") or "").strip(),
        "hours": check_hours(fields.get("hours")),
        "program": fields.get("program"),
        "published": bool(fields.get("published")),
        "open_to_all": bool(fields.get("open_to_all")),
        "sort_order": int(fields.get("sort_order") or 0),
    }


def create_course(actor, **fields) -> Course:
    """``fields``: slug, title, summary, hours, program (a Program or None), published,
    open_to_all, sort_order."""
    course = Course(**_course_values(None, fields), created_by_id=getattr(actor, "id", None))
    db.session.add(course)
    db.session.flush()
    audit.record(actor, "course.create", course, _("创建课程 %(t)s", t=course.title))
    return course


def update_course(actor, course: Course, **fields) -> dict:
    """Apply ``fields`` (as for ``create_course``); returns what changed."""
    changes = {}
    for key, value in _course_values(course, fields).items():
        if getattr(course, key) != value:
            old = getattr(course, key)
            changes[key] = [str(old) if old is not None else "", str(value or "")]
            setattr(course, key, value)
    db.session.flush()
    if changes:
        audit.record(
            actor, "course.update", course, _("修改课程 %(t)s", t=course.title), changes=changes
        )
    return changes


# ------------------------------------------------------------------ lessons


def find_lesson(course: Course, slug: str) -> Lesson | None:
    return db.session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == (slug or "").strip())
    )


def lesson_by_ref(course_slug: str, lesson_slug: str) -> Lesson | None:
    return db.session.scalar(
        select(Lesson)
        .join(Course, Lesson.course_id == Course.id)
        .where(Course.slug == course_slug, Lesson.slug == lesson_slug)
    )


def _lesson_values(course: Course, lesson: Lesson | None, fields: dict) -> dict:
    def taken(slug: str) -> bool:
        found = find_lesson(course, slug)
        return found is not None and found is not lesson

    slug = check_slug(_given_or_made(fields, taken))
    existing = find_lesson(course, slug)
    if existing is not None and existing is not lesson:
        raise DomainError(_("本课程已有英文短名为“%(s)s”的章节", s=slug), "slug")
    position = fields.get("position")
    if position in (None, ""):
        position = lesson.position if lesson is not None else _next_position(course)
    return {
        "slug": slug,
        "title": check_title(fields.get("title", "")),
        "body": fields.get("body") or "",
        "estimated_minutes": check_minutes(fields.get("estimated_minutes", 10)),
        "position": int(position),
    }


def _next_position(course: Course) -> int:
    highest = db.session.scalar(
        select(func.max(Lesson.position)).where(Lesson.course_id == course.id)
    )
    return (highest or 0) + 1


def create_lesson(actor, course: Course, **fields) -> Lesson:
    """``fields``: slug, title, body, estimated_minutes, position (appended when empty)."""
    lesson = Lesson(course=course, **_lesson_values(course, None, fields))
    db.session.add(lesson)
    db.session.flush()
    audit.record(
        actor,
        "lesson.create",
        lesson,
        _("在课程 %(c)s 中新增章节 %(t)s", c=course.title, t=lesson.title),
    )
    return lesson


def update_lesson(actor, lesson: Lesson, **fields) -> bool:
    """Apply ``fields``; True if anything changed."""
    changed = []
    for key, value in _lesson_values(lesson.course, lesson, fields).items():
        if getattr(lesson, key) != value:
            changed.append(key)
            setattr(lesson, key, value)
    db.session.flush()
    if changed:
        audit.record(
            actor, "lesson.update", lesson, _("修改章节 %(t)s", t=lesson.title), fields=changed
        )
    return bool(changed)


def delete_lesson(actor, lesson: Lesson) -> None:
    """Remove a lesson with its readers' progress, bookmarks and notes (cascade)."""
    course = lesson.course
    audit.record(
        actor, "lesson.delete", lesson, _("删除章节 %(t)s（%(c)s）", t=lesson.title, c=course.title)
    )
    course.lessons.remove(lesson)
    db.session.delete(lesson)
    db.session.flush()

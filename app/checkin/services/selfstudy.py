"""自学打卡: a member records a day's self-study — the minutes, and the material (a lesson of
the courses feature, a book's title, or a link). At most one record per material per day: a
second one (two taps, or a lesson studied again) is refused, and the unique
(user, day, material) constraint holds it under a race. Studying a lesson in the courses
feature records one by itself (``on_lesson_studied``, a listener of ``app.courses.hooks``)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.checkin.models import SELF_STUDY_MATERIALS, SelfStudy
from app.checkin.services.base import CheckinError, clock
from app.common.timeutil import to_local
from app.courses.models import Lesson, LessonProgress
from app.courses.policy import can_view_course, visible_course_ids
from app.extensions import db

MAX_MINUTES_A_DAY = 24 * 60
BACKDATE_DAYS = 31  # a check-in may be recorded for the past month, not later


@dataclass(frozen=True)
class Material:
    kind: str  # "lesson", "book", "link"
    title: str = ""
    url: str = ""
    lesson: Lesson | None = None


def _material(material: Material) -> tuple[str, str, str]:
    """(title, key, url) of a material, or the error that says what is missing."""
    if material.kind not in SELF_STUDY_MATERIALS:
        raise CheckinError(_("请选择学习材料的类型"), "material_kind")
    if material.kind == "lesson":
        if material.lesson is None:
            raise CheckinError(_("请选择课程章节"), "lesson")
        title = f"{material.lesson.course.title} · {material.lesson.title}"
        return title[:300], f"lesson:{material.lesson.id}", ""
    if material.kind == "book":
        title = " ".join((material.title or "").split()).strip("《》 ")
        if not title:
            raise CheckinError(_("请填写书名"), "title")
        if len(title) > 300:
            raise CheckinError(_("书名不能超过 300 字"), "title")
        return title, "book:" + title.casefold(), ""
    url = (material.url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CheckinError(_("请填写以 http:// 或 https:// 开头的链接"), "url")
    if len(url) > 1000:
        raise CheckinError(_("链接太长"), "url")
    title = " ".join((material.title or "").split()) or url
    return title[:300], "link:" + url[:490], url


def existing(user: User, day: date, key: str) -> SelfStudy | None:
    return db.session.scalar(
        select(SelfStudy).where(
            SelfStudy.user_id == user.id, SelfStudy.studied_on == day, SelfStudy.material_key == key
        )
    )


def record(
    user: User,
    day: date | None,
    minutes: int | None,
    material: Material,
    *,
    source: str = "manual",
    now: datetime | None = None,
) -> SelfStudy:
    now = clock(now)
    today = to_local(now).date()
    if day is None:
        raise CheckinError(_("请填写学习日期"), "studied_on")
    if day > today:
        raise CheckinError(_("不能为以后的日期打卡"), "studied_on")
    if (today - day).days > BACKDATE_DAYS:
        raise CheckinError(_("只能补记 %(n)d 天内的自学", n=BACKDATE_DAYS), "studied_on")
    if minutes is None or not 1 <= int(minutes) <= MAX_MINUTES_A_DAY:
        raise CheckinError(_("学习时长须在 1 到 %(n)d 分钟之间", n=MAX_MINUTES_A_DAY), "minutes")
    title, key, url = _material(material)
    if existing(user, day, key) is not None:
        raise CheckinError(_("这份材料当天已经打过卡了"), "studied_on")
    row = SelfStudy(
        user_id=user.id,
        studied_on=day,
        minutes=int(minutes),
        material_kind=material.kind,
        material_title=title,
        material_key=key,
        url=url,
        lesson_id=material.lesson.id if material.lesson is not None else None,
        source=source,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise CheckinError(_("这份材料当天已经打过卡了"), "studied_on") from None
    return row


def remove(user: User, row: SelfStudy) -> None:
    if row.user_id != user.id:
        raise CheckinError(_("只能删除自己的打卡记录"))
    if row.source != "manual":
        raise CheckinError(_("学习课程时自动记录的打卡不能删除"))
    db.session.delete(row)
    db.session.flush()


def on_lesson_studied(user: User, lesson: Lesson, at: datetime) -> None:
    """The courses feature says ``user`` has just studied ``lesson``: record the day's
    self-study on it (its estimated minutes), unless that day already has one."""
    day = to_local(at).date()
    if existing(user, day, f"lesson:{lesson.id}") is not None:
        return
    with contextlib.suppress(CheckinError):  # recorded meanwhile: one a day is the rule
        record(
            user,
            day,
            max(1, min(int(lesson.estimated_minutes or 1), MAX_MINUTES_A_DAY)),
            Material("lesson", lesson=lesson),
            source="lesson",
            now=at,
        )


def of_user(user: User, *, year: int | None = None) -> list[SelfStudy]:
    query = select(SelfStudy).where(SelfStudy.user_id == user.id)
    if year is not None:
        query = query.where(
            SelfStudy.studied_on >= date(year, 1, 1), SelfStudy.studied_on < date(year + 1, 1, 1)
        )
    return list(
        db.session.scalars(query.order_by(SelfStudy.studied_on.desc(), SelfStudy.id.desc()))
    )


def minutes_of(user: User, year: int) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(SelfStudy.minutes), 0)).where(
                SelfStudy.user_id == user.id,
                SelfStudy.studied_on >= date(year, 1, 1),
                SelfStudy.studied_on < date(year + 1, 1, 1),
            )
        )
    )


def recent_lessons(user: User, limit: int = 50) -> list[Lesson]:
    """The lessons ``user`` has opened lately, of courses they may still see: the choices
    of a check-in on a lesson."""
    return list(
        db.session.scalars(
            select(Lesson)
            .join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
            .where(
                LessonProgress.user_id == user.id,
                Lesson.course_id.in_(visible_course_ids(user)),
            )
            .order_by(LessonProgress.last_beat_at.desc(), Lesson.id)
            .limit(limit)
        )
    )


def lesson_for(user: User, lesson_id: int | None) -> Lesson | None:
    """The lesson a check-in names, if ``user`` may see it."""
    lesson = db.session.get(Lesson, lesson_id) if lesson_id else None
    if lesson is None or not can_view_course(user, lesson.course):
        return None
    return lesson

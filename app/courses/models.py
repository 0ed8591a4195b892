"""Study programmes (学习计划), courses (课程), lessons (章节), attachments, assignments
(轮训 / 调训 / 自学), reading progress, completions, bookmarks and notes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import TimestampMixin
from app.common.timeutil import utcnow
from app.extensions import db

ASSIGNMENT_KINDS = ("rotation", "callup", "self")  # 轮训 / 调训 / 自学
ATTACHMENT_KINDS = ("pdf", "image", "audio", "video")
ATTACHMENT_ROLES = ("file", "cover")


class Program(TimestampMixin, db.Model):
    """学习计划 / 教育培训计划: the year's programme that publishes courses."""

    __tablename__ = "course_programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()

    courses: Mapped[list[Course]] = relationship(
        back_populates="program", order_by="(Course.sort_order, Course.id)"
    )

    def __repr__(self) -> str:
        return f"<Program {self.id} {self.title}>"


class Course(TimestampMixin, db.Model):
    """课程. ``slug`` is the stable ASCII name that imports and question sources use
    (``political-building/theory-study#centre-group``)."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_programs.id", ondelete="SET NULL"), index=True
    )
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal("0"))  # 学时
    published: Mapped[bool] = mapped_column(default=False)
    # Open courses are visible to every logged-in user; others only to their audience.
    open_to_all: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    program: Mapped[Program | None] = relationship(back_populates="courses")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course",
        order_by="(Lesson.position, Lesson.id)",
        cascade="all, delete-orphan",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="course", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="course", cascade="all, delete-orphan"
    )
    created_by = relationship("User")

    def __repr__(self) -> str:
        return f"<Course {self.id} {self.slug}>"

    @property
    def cover(self) -> Attachment | None:
        return next((a for a in self.attachments if a.role == "cover"), None)


class Lesson(TimestampMixin, db.Model):
    """章节 / 课时: a Markdown body read in order; ``estimated_minutes`` sets how long a
    reader must have it on screen before it counts as studied."""

    __tablename__ = "course_lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    estimated_minutes: Mapped[int] = mapped_column(default=10)

    course: Mapped[Course] = relationship(back_populates="lessons")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="lesson", order_by="Attachment.id"
    )

    def __repr__(self) -> str:
        return f"<Lesson {self.id} {self.slug}>"

    @property
    def ref(self) -> str:
        """``course-slug/lesson-slug``, as question sources write it."""
        return f"{self.course.slug}/{self.slug}"


class Attachment(db.Model):
    """A file of a course (optionally of one lesson), stored under a random name outside
    the static folder; ``content_type`` comes from the file's content, not its name."""

    __tablename__ = "course_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_lessons.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str] = mapped_column(String(10), default="file")
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    course: Mapped[Course] = relationship(back_populates="attachments")
    lesson: Mapped[Lesson | None] = relationship(back_populates="attachments")

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename}>"


class Assignment(db.Model):
    """Who must study a course by when. The audience is a named cadre (``user_id``), or the
    members of ``team_id``'s subtree, or of ``rank``, or both (a rank within a team)."""

    __tablename__ = "course_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="self")
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime | None] = mapped_column()  # UTC; the end of the local due day
    required: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    course: Mapped[Course] = relationship(back_populates="assignments")
    team = relationship("Team")
    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"<Assignment {self.id} course={self.course_id} {self.kind}>"

    def covers(self, user) -> bool:
        """Is ``user`` in this assignment's audience?"""
        if self.user_id is not None:
            return self.user_id == user.id
        if self.rank and user.rank != self.rank:
            return False
        if self.team_id is not None:
            return user.team is not None and self.team_id in user.team.ancestor_ids
        return bool(self.rank)


class LessonProgress(db.Model):
    """One reader's time on one lesson. ``seconds`` only grows by the server's own clock
    between consecutive heartbeats; ``studied_at`` is set once, when both rules are met."""

    __tablename__ = "course_lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("course_lessons.id", ondelete="CASCADE"), index=True
    )
    seconds: Mapped[int] = mapped_column(default=0)
    reached_end: Mapped[bool] = mapped_column(default=False)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_beat_at: Mapped[datetime | None] = mapped_column()
    studied_at: Mapped[datetime | None] = mapped_column()

    lesson: Mapped[Lesson] = relationship()


class CourseCompletion(db.Model):
    """A course finished: when, and the hours (学时) credited at that moment."""

    __tablename__ = "course_completions"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal("0"))

    course: Mapped[Course] = relationship()


class Bookmark(db.Model):
    """书签: a lesson a reader marked to come back to."""

    __tablename__ = "course_bookmarks"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("course_lessons.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lesson: Mapped[Lesson] = relationship()


class Note(TimestampMixin, db.Model):
    """学习笔记: a reader's private note on a lesson (one per lesson, edited in place)."""

    __tablename__ = "course_notes"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("course_lessons.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text, default="")

    lesson: Mapped[Lesson] = relationship()

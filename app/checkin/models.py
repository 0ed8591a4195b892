"""Centre-group study (理论学习中心组学习): the annual plan and its filing history, the
sessions with their speakers and follow-up measures, and attendance (签到)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Integer, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Team, User
from app.common.models import TimestampMixin
from app.common.timeutil import utcnow
from app.courses.models import Lesson
from app.extensions import db
from app.quiz.exams.models import Exam

PLAN_STATUSES = ("draft", "filed", "acknowledged", "returned")
PLAN_EVENT_KINDS = ("filed", "acknowledged", "returned", "amended")
# 集体学习 / 第一议题 / 务虚会 / 专题研讨 / 读书班
SESSION_KINDS = ("collective", "first_topic", "strategy", "seminar", "reading_class")
SPEAKER_ROLES = ("lead", "report", "speak")  # 领学 / 述学 / 交流发言
MEASURE_STATUSES = ("open", "done")
ATTENDANCE_STATUSES = ("present", "leave", "absent")
CHECKIN_METHODS = ("code", "manual")


# Materials that are lessons of the courses feature (学习材料：课程章节), beside the free text.
# A lesson deleted from its course leaves the plan item or session (its row here goes).
plan_item_lessons = Table(
    "study_plan_item_lessons",
    db.metadata,
    Column(
        "item_id",
        Integer,
        ForeignKey("study_plan_items.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "lesson_id",
        Integer,
        ForeignKey("course_lessons.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)
session_lessons = Table(
    "study_session_lessons",
    db.metadata,
    Column(
        "session_id",
        Integer,
        ForeignKey("study_sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "lesson_id",
        Integer,
        ForeignKey("course_lessons.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class StudyPlan(TimestampMixin, db.Model):
    """中心组学习计划: one team's plan for one year, filed (备案) with the organisation
    department."""

    __tablename__ = "study_plans"
    __table_args__ = (UniqueConstraint("team_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    filed_at: Mapped[datetime | None] = mapped_column()
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")

    team: Mapped[Team] = relationship()
    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    items: Mapped[list[StudyPlanItem]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="(StudyPlanItem.month, StudyPlanItem.id)",
    )
    events: Mapped[list[PlanEvent]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="(PlanEvent.at, PlanEvent.id)"
    )

    def __repr__(self) -> str:
        return f"<StudyPlan {self.team_id}/{self.year} {self.status}>"


class StudyPlanItem(db.Model):
    """One line of the plan: the month, the topic, the materials, who is to lead the study."""

    __tablename__ = "study_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("study_plans.id", ondelete="CASCADE"), index=True
    )
    month: Mapped[int] = mapped_column()
    topic: Mapped[str] = mapped_column(String(200))
    materials: Mapped[str] = mapped_column(Text, default="")
    lead_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="collective")

    plan: Mapped[StudyPlan] = relationship(back_populates="items")
    lead_user: Mapped[User | None] = relationship()
    lessons: Mapped[list[Lesson]] = relationship(
        secondary=plan_item_lessons, order_by=(Lesson.course_id, Lesson.position, Lesson.id)
    )


class PlanEvent(db.Model):
    """The plan's history: filed, acknowledged, returned (with the reason) and amended (what
    changed and why), each with who and when."""

    __tablename__ = "study_plan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("study_plans.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    what: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[StudyPlan] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class StudySession(TimestampMixin, db.Model):
    """集体学习 and its kinds (第一议题, 务虚会, 专题研讨, 读书班): one centre-group session."""

    __tablename__ = "study_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="collective")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    place: Mapped[str] = mapped_column(String(200), default="")
    topic: Mapped[str] = mapped_column(String(200))
    plan_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("study_plan_items.id", ondelete="SET NULL"), index=True
    )
    materials: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal("0"))  # 学时
    minutes: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised at render
    # 签到码: shown on screen by the secretary; valid inside the session's check-in window
    checkin_code: Mapped[str] = mapped_column(String(12), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    team: Mapped[Team] = relationship()
    plan_item: Mapped[StudyPlanItem | None] = relationship()
    lessons: Mapped[list[Lesson]] = relationship(
        secondary=session_lessons, order_by=(Lesson.course_id, Lesson.position, Lesson.id)
    )
    speakers: Mapped[list[SessionSpeaker]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="(SessionSpeaker.role, SessionSpeaker.id)",
    )
    measures: Mapped[list[FollowUpMeasure]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="(FollowUpMeasure.due_on, FollowUpMeasure.id)",
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<StudySession {self.id} {self.kind} {self.starts_at:%Y-%m-%d}>"


class SessionSpeaker(db.Model):
    """领学 / 述学 / 交流发言: who spoke at a session, on what."""

    __tablename__ = "study_session_speakers"
    __table_args__ = (UniqueConstraint("session_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200), default="")
    outline: Mapped[str] = mapped_column(Text, default="")
    # The outline as a file (发言提纲附件), kept in the upload folder under a random name.
    outline_filename: Mapped[str] = mapped_column(String(255), default="")
    outline_stored: Mapped[str | None] = mapped_column(String(64))
    outline_content_type: Mapped[str] = mapped_column(String(100), default="")
    outline_size: Mapped[int] = mapped_column(default=0)

    session: Mapped[StudySession] = relationship(back_populates="speakers")
    user: Mapped[User] = relationship()


class FollowUpMeasure(db.Model):
    """第一议题 follow-up: a measure decided after the study, its owner, due date and status."""

    __tablename__ = "study_followup_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True
    )
    what: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="open")
    done_at: Mapped[datetime | None] = mapped_column()

    session: Mapped[StudySession] = relationship(back_populates="measures")
    owner: Mapped[User | None] = relationship()


class Attendance(db.Model):
    """签到: one member at one session — present, on leave (with the reason) or absent."""

    __tablename__ = "study_attendances"
    # One row per member and session: two taps racing record exactly one.
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    late: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(500), default="")
    checked_in_at: Mapped[datetime | None] = mapped_column()
    method: Mapped[str] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[StudySession] = relationship(back_populates="attendances")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


SELF_STUDY_MATERIALS = ("lesson", "book", "link")  # 课程章节 / 书目 / 链接
SELF_STUDY_SOURCES = ("manual", "lesson")  # typed in, or recorded when a lesson was studied


class Reflection(TimestampMixin, db.Model):
    """心得体会: what a member took from a session, or from a material they studied."""

    __tablename__ = "study_reflections"
    # One per member and session (on materials, as many as they write: NULLs are distinct).
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # the author's team when written: the secretary who reads it is that team's
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True
    )
    material: Mapped[str] = mapped_column(String(300), default="")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User] = relationship()
    team: Mapped[Team | None] = relationship()
    session: Mapped[StudySession | None] = relationship()


class SelfStudy(db.Model):
    """自学打卡: a day's self-study — how many minutes, on which material."""

    __tablename__ = "study_self_studies"
    # At most one per material per day: a second tap (or a lesson read twice) changes nothing.
    __table_args__ = (UniqueConstraint("user_id", "studied_on", "material_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    studied_on: Mapped[date] = mapped_column(index=True)
    minutes: Mapped[int] = mapped_column()
    material_kind: Mapped[str] = mapped_column(String(10))
    material_title: Mapped[str] = mapped_column(String(300))
    # what "the same material" means: "lesson:<id>", the book title folded, or the link
    material_key: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(1000), default="")
    lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_lessons.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(String(10), default="manual")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class PartyLecture(db.Model):
    """党课: a member gives a party lecture — when, at which branch, on what, to how many."""

    __tablename__ = "study_party_lectures"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    given_on: Mapped[date] = mapped_column(index=True)
    branch: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    audience: Mapped[int] = mapped_column(default=0)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    team: Mapped[Team | None] = relationship()


class StudyQuota(db.Model):
    """The year's expectations of every member, set by an administrator (the defaults hold
    for a year without a row)."""

    __tablename__ = "study_quotas"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    attendance_percent: Mapped[int] = mapped_column(default=90)
    reflections: Mapped[int] = mapped_column(default=2)
    lectures: Mapped[int] = mapped_column(default=1)
    self_study_minutes: Mapped[int] = mapped_column(default=1200)
    reflection_min_chars: Mapped[int] = mapped_column(default=200)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionStudyTest(db.Model):
    """考学: a short exam on a session's topic, published to the team's members through the
    exams feature (no second engine); its results show on the session."""

    __tablename__ = "study_session_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), unique=True
    )
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[StudySession] = relationship()
    exam: Mapped[Exam] = relationship()

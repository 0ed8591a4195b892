"""Exams (试卷 / 考试) and attempts (答卷).

An ``Exam`` defines a window, a duration, who may sit it and how its paper is assembled
(fixed items or rules drawn per attempt). An ``Attempt`` is one cadre's sitting: it keeps a
snapshot of the paper (``AttemptItem``: exact question version, points, option permutation
and opaque option ids) so that editing the bank never changes a sitting that has begun.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import TimestampMixin
from app.common.timeutil import utcnow
from app.extensions import db

EXAM_KINDS = ("level_test", "exam", "practice", "daily")
# what a new exam may be: "practice" and "daily" are the separate practice and daily-quiz
# features now; the two codes stay valid for exams that already carry them
OFFERED_EXAM_KINDS = ("level_test", "exam")
EXAM_STATUSES = ("draft", "published", "closed")
ASSEMBLY_MODES = ("fixed", "rules")
MULTIPLE_POLICIES = ("all_or_nothing", "partial")
SCORE_POLICIES = ("at_submit", "after_close", "never")
REVIEW_POLICIES = ("after_submit", "after_close", "never")
AUDIENCE_KINDS = ("team", "rank", "user")
ATTEMPT_STATUSES = ("in_progress", "submitted")
EVENT_KINDS = (
    "started",
    "resumed",
    "focus_lost",
    "focus_regained",
    "submitted",
    "auto_submitted",
    "extended",
)


class Exam(TimestampMixin, db.Model):
    """试卷 / 考试: a timed test with its window, paper assembly and results policy."""

    __tablename__ = "exams"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="exam", index=True)
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")  # Markdown
    opens_at: Mapped[datetime] = mapped_column()
    closes_at: Mapped[datetime] = mapped_column()
    duration_minutes: Mapped[int] = mapped_column(default=60)
    attempts_allowed: Mapped[int] = mapped_column(default=1)
    pass_mark: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    grace_seconds: Mapped[int] = mapped_column(default=30)
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_options: Mapped[bool] = mapped_column(default=False)
    assembly: Mapped[str] = mapped_column(String(10), default="fixed")
    multiple_policy: Mapped[str] = mapped_column(String(20), default="all_or_nothing")
    score_policy: Mapped[str] = mapped_column(String(20), default="at_submit")
    review_policy: Mapped[str] = mapped_column(String(20), default="after_close")
    required_course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), index=True
    )
    focus_loss_limit: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    created_by = relationship("User")
    required_course = relationship("Course")
    audience: Mapped[list[ExamAudience]] = relationship(
        back_populates="exam", cascade="all, delete-orphan", order_by="ExamAudience.id"
    )
    items: Mapped[list[ExamItem]] = relationship(
        back_populates="exam", cascade="all, delete-orphan", order_by="ExamItem.position"
    )
    rules: Mapped[list[ExamRule]] = relationship(
        back_populates="exam", cascade="all, delete-orphan", order_by="ExamRule.position"
    )

    def __repr__(self) -> str:
        return f"<Exam {self.id} {self.title}>"

    def is_open(self, now: datetime) -> bool:
        return self.status == "published" and self.opens_at <= now < self.closes_at

    def has_closed(self, now: datetime) -> bool:
        return self.status == "closed" or now >= self.closes_at


class ExamAudience(db.Model):
    """Who may sit an exam: a team with its subtree, a rank, or a named cadre."""

    __tablename__ = "exam_audiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )

    exam: Mapped[Exam] = relationship(back_populates="audience")
    team = relationship("Team")
    user = relationship("User")


class ExamItem(db.Model):
    """A fixed item of a paper. ``pin_version`` false: the latest active version of the
    question's lineage is drawn when an attempt starts; true: exactly ``question_id``."""

    __tablename__ = "exam_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    pin_version: Mapped[bool] = mapped_column(default=False)
    points: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    position: Mapped[int] = mapped_column(default=0)

    exam: Mapped[Exam] = relationship(back_populates="items")
    question = relationship("Question")


class ExamRule(db.Model):
    """A rule of a paper assembled by rules: draw ``count`` active latest questions of
    ``type`` from a bank (and a category's subtree) within a difficulty range."""

    __tablename__ = "exam_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_categories.id", ondelete="SET NULL"), index=True
    )
    type: Mapped[str] = mapped_column(String(10))
    difficulty_min: Mapped[int] = mapped_column(default=1)
    difficulty_max: Mapped[int] = mapped_column(default=5)
    count: Mapped[int] = mapped_column(default=1)
    points_each: Mapped[Decimal] = mapped_column(Numeric(7, 2))

    exam: Mapped[Exam] = relationship(back_populates="rules")
    bank = relationship("QuestionBank")
    category = relationship("Category")


class Attempt(db.Model):
    """答卷: one cadre's sitting of an exam."""

    __tablename__ = "exam_attempts"
    __table_args__ = (
        UniqueConstraint("exam_id", "user_id", "number", name="uq_exam_attempts_exam_user_number"),
        Index("ix_exam_attempts_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column()
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    extra_seconds: Mapped[int] = mapped_column(default=0)
    score: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    max_score: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(0))
    passed: Mapped[bool | None] = mapped_column()
    graded: Mapped[bool] = mapped_column(default=False)  # every essay marked
    focus_losses: Mapped[int] = mapped_column(default=0)
    # its marked answers have gone to the mistake book (错题本), as the review policy allows
    mistakes_released: Mapped[bool] = mapped_column(
        default=False, server_default=false(), index=True
    )

    exam: Mapped[Exam] = relationship()
    user = relationship("User")
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="AttemptItem.position"
    )
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )
    events: Mapped[list[AttemptEvent]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="AttemptEvent.id"
    )

    def __repr__(self) -> str:
        return f"<Attempt {self.id} exam={self.exam_id} user={self.user_id} #{self.number}>"

    @property
    def in_progress(self) -> bool:
        return self.status == "in_progress"

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    def closes_for_saves_at(self) -> datetime:
        """The last moment a save or submit is accepted: the deadline plus the grace."""
        return self.deadline + timedelta(seconds=self.exam.grace_seconds)

    def is_overdue(self, now: datetime) -> bool:
        return self.in_progress and now > self.closes_for_saves_at()

    def can_view(self, user) -> bool:
        """The cadre who sat it, and administrators."""
        return user is not None and (user.id == self.user_id or user.is_admin)


class AttemptItem(db.Model):
    """One question of an attempt's snapshot. ``option_order`` lists original option
    indices in display order; ``option_ids[i]`` is the opaque id of original option ``i``."""

    __tablename__ = "exam_attempt_items"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id", name="uq_exam_attempt_items_question"),
        UniqueConstraint("attempt_id", "position", name="uq_exam_attempt_items_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("exam_attempts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    points: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    option_order: Mapped[list[int]] = mapped_column(JSON, default=list)
    option_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # 标记待查: kept here, not in the browser, so it follows the cadre to another device
    flagged: Mapped[bool] = mapped_column(default=False, server_default=false())

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    question = relationship("Question")


class AttemptAnswer(db.Model):
    """One saved answer. ``response`` uses the question's ORIGINAL option indices; ``seq``
    is the client's counter for this question (a lower one never overwrites a higher)."""

    __tablename__ = "exam_attempt_answers"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id", name="uq_exam_attempt_answers_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("exam_attempts.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    seq: Mapped[int] = mapped_column(default=0)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    correct: Mapped[bool | None] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    graded_at: Mapped[datetime | None] = mapped_column()

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    question = relationship("Question")
    graded_by = relationship("User")


class AttemptEvent(db.Model):
    """The integrity log of an attempt: started, resumed (device, address), focus lost and
    regained, submitted, auto-submitted, extended."""

    __tablename__ = "exam_attempt_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("exam_attempts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[str] = mapped_column(String(255), default="")

    attempt: Mapped[Attempt] = relationship(back_populates="events")


class QuestionTally(db.Model):
    """Per-question sums over one exam's scored attempts by the members of one team (their
    own team, not its subtree): what the results by team add up instead of passing over every
    answer. Kept by ``services/tallies.py``; ``TalliedAttempt`` lists what they hold."""

    __tablename__ = "exam_question_tallies"

    exam_id: Mapped[int] = mapped_column(
        ForeignKey("exams.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(primary_key=True)
    answered: Mapped[int] = mapped_column(default=0)  # items served
    score: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    points: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    correct: Mapped[int] = mapped_column(default=0)


class TalliedAttempt(db.Model):
    """An attempt counted in its exam's ``QuestionTally`` rows, under the team its cadre was in.
    No foreign key to the attempt: a deleted attempt leaves its row, so its team shows as
    changed (``services/tallies.py``)."""

    __tablename__ = "exam_tallied_attempts"
    __table_args__ = (Index("ix_exam_tallied_attempts_exam_team", "exam_id", "team_id"),)

    attempt_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))

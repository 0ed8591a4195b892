"""Practice (练习), the daily quiz (每日答题) and the mistake book (错题本).

A practice run and a day's quiz are both a ``PracticeSession``: the questions drawn, in
order, and one ``PracticeAnswer`` per question answered, marked at once. ``DailyQuiz`` ties a
session to a cadre's day (Asia/Shanghai) and keeps the streak reached when it was completed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import utcnow
from app.extensions import db

MISTAKE_SOURCES = ("exam", "practice", "daily")
SESSION_KINDS = ("practice", "mistakes", "daily")  # mistakes: re-practising the book
MASTERY_STREAK = 3  # right answers in a row, re-practised from the book, that master an entry


class MistakeEntry(db.Model):
    """错题本: one question (all its versions, by ``lineage_id``) a cadre got wrong."""

    __tablename__ = "mistake_entries"
    __table_args__ = (UniqueConstraint("user_id", "lineage_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lineage_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    # the newest version of the question this cadre has met
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    misses: Mapped[int] = mapped_column(default=0)
    correct_streak: Mapped[int] = mapped_column(default=0)
    mastered_at: Mapped[datetime | None] = mapped_column(index=True)
    first_missed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_missed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_source: Mapped[str] = mapped_column(String(10), default="practice")

    user = relationship("User")
    question = relationship("Question", foreign_keys=[question_id])

    def __repr__(self) -> str:
        return f"<MistakeEntry {self.user_id}:{self.lineage_id} x{self.misses}>"

    @property
    def mastered(self) -> bool:
        return self.mastered_at is not None


class PracticeSession(db.Model):
    """A practice run, a re-practice of the mistake book, or one day's quiz."""

    __tablename__ = "practice_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="practice")
    bank_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_banks.id", ondelete="SET NULL"), index=True
    )
    category_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    question_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # in the order shown
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column()

    user = relationship("User")
    bank = relationship("QuestionBank")
    answers: Mapped[list[PracticeAnswer]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="PracticeAnswer.id"
    )

    def __repr__(self) -> str:
        return f"<PracticeSession {self.id} {self.kind}>"

    def can_view(self, user) -> bool:
        return user is not None and user.id == self.user_id


class PracticeAnswer(db.Model):
    """One answer in a session, marked when given; a question is answered once."""

    __tablename__ = "practice_answers"
    __table_args__ = (UniqueConstraint("session_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    correct: Mapped[bool] = mapped_column(default=False)
    fraction: Mapped[Decimal] = mapped_column(Numeric(5, 4), default=0)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[PracticeSession] = relationship(back_populates="answers")
    question = relationship("Question")


class DailyQuiz(db.Model):
    """每日答题: a cadre's fixed set for one day; ``streak`` is the run of consecutive
    completed days ending with this one, fixed when it was completed."""

    __tablename__ = "daily_quizzes"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)  # Asia/Shanghai calendar day
    session_id: Mapped[int] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), unique=True
    )
    completed_at: Mapped[datetime | None] = mapped_column()
    streak: Mapped[int] = mapped_column(default=0)

    user = relationship("User")
    session: Mapped[PracticeSession] = relationship()

    def __repr__(self) -> str:
        return f"<DailyQuiz {self.user_id} {self.day}>"

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

"""Question banks (题库), knowledge points (知识点), questions and import batches.

A question is never changed once an attempt has used it: editing it then makes a new
version (same ``lineage_id``, ``version`` + 1, ``previous_version_id`` the old row) and the
old row stays as the attempt saw it, with ``is_latest`` false.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import TimestampMixin
from app.common.timeutil import utcnow
from app.extensions import db

QUESTION_STATUSES = ("active", "retired")
IMPORT_OUTCOMES = ("accepted", "rejected", "dry_run")
# what a bank is for: exams and practice, exams only, practice only
BANK_PURPOSES = ("both", "exam", "practice")


class QuestionBank(TimestampMixin, db.Model):
    """题库."""

    __tablename__ = "question_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(String(10), default="both", server_default="both")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    created_by = relationship("User")
    categories: Mapped[list[Category]] = relationship(back_populates="bank")

    def __repr__(self) -> str:
        return f"<QuestionBank {self.id} {self.name}>"


class Category(TimestampMixin, db.Model):
    """知识点: a node of a bank's tree. ``path`` is the chain of ids (``/3/8/``), so a
    subtree is one ``LIKE '/3/%'`` query, as for teams."""

    __tablename__ = "question_categories"
    __table_args__ = (UniqueConstraint("bank_id", "parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(
        ForeignKey("question_banks.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("question_categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(String(255), default="", index=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    bank: Mapped[QuestionBank] = relationship(back_populates="categories")
    parent: Mapped[Category | None] = relationship(
        remote_side="Category.id", back_populates="children"
    )
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="(Category.sort_order, Category.name)"
    )

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name}>"

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def depth(self) -> int:
        return max(len(self.ancestor_ids) - 1, 0)

    @property
    def names(self) -> list[str]:
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return list(reversed(names))

    @property
    def full_name(self) -> str:
        """``理论学习/总体要求`` — the path of names, as import files write it."""
        return "/".join(self.names)

    def is_within(self, other: Category) -> bool:
        return self.path.startswith(other.path)


class Question(TimestampMixin, db.Model):
    """A question of one of the five types (单选/多选/判断/填空/简答).

    ``options`` is the list of option texts (choice types only); ``answer`` has the
    normalised shape of ``app.quiz.bank.importers.base`` (indices, bool, blanks, text).
    """

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_categories.id"), index=True
    )
    type: Mapped[str] = mapped_column(String(10), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[Any] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text, default="")
    difficulty: Mapped[int] = mapped_column(default=3)
    points: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))  # None: the exam decides
    source: Mapped[str] = mapped_column(Text, default="")
    source_lesson: Mapped[str] = mapped_column(String(255), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)

    version: Mapped[int] = mapped_column(default=1)
    lineage_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"))
    is_latest: Mapped[bool] = mapped_column(default=True, index=True)

    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    bank: Mapped[QuestionBank] = relationship()
    category: Mapped[Category | None] = relationship()
    created_by = relationship("User")
    previous_version: Mapped[Question | None] = relationship(
        remote_side="Question.id", foreign_keys=[previous_version_id]
    )

    def __repr__(self) -> str:
        return f"<Question {self.id} v{self.version} {self.type}>"

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class ImportBatch(db.Model):
    """One import of a file (or a directory of files): who, when, what came of it."""

    __tablename__ = "question_import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255), default="")
    format: Mapped[str] = mapped_column(String(20), default="")
    bank_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_banks.id", ondelete="SET NULL"), index=True
    )
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    on_duplicate: Mapped[str] = mapped_column(String(10), default="skip")
    total: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    skipped_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(String(10))
    # {"by_type": {...}, "by_category": {...}}
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"location", "field", "message"}, ...] — the first errors, capped
    error_summary: Mapped[list] = mapped_column(JSON, default=list)
    # imported with skip_invalid: the valid questions were written, these were left out
    skip_invalid: Mapped[bool] = mapped_column(default=False, server_default=false())
    # [{"location", "field", "message"}, ...] — the questions left out and why
    skipped_report: Mapped[list] = mapped_column(JSON, default=list)
    # [{"location", "field", "message"}, ...] — what the importer adjusted on its own
    notes: Mapped[list] = mapped_column(JSON, default=list)

    actor = relationship("User")
    bank: Mapped[QuestionBank | None] = relationship()

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.outcome}>"

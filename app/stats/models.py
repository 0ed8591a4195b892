"""结果通报 (bulletins): frozen snapshots of a period's figures by unit; and the statistics
settings an administrator may change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import utcnow
from app.extensions import db

BULLETIN_STATUSES = ("published", "withdrawn")


class Bulletin(db.Model):
    """结果通报: the figures of a set of units for a period, frozen when it was generated.

    ``snapshot`` holds the tables as they were (headings, rows, rate columns): later data
    never changes a published bulletin. Nothing is edited after publishing; withdrawing is
    recorded (who, when, why) and the bulletin stays readable as withdrawn.
    """

    __tablename__ = "stats_bulletins"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column()
    period_end: Mapped[date] = mapped_column()  # excluded
    team_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    commentary: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="published", index=True)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    withdraw_reason: Mapped[str] = mapped_column(String(500), default="")

    published_by = relationship("User", foreign_keys=[published_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])

    def __repr__(self) -> str:
        return f"<Bulletin {self.id} {self.title}>"


class StatsSetting(db.Model):
    """One statistics setting (``individual_ranking``: "1" or "0")."""

    __tablename__ = "stats_settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

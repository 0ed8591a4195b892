"""Audit log: who did what to which object. Every feature records through ``record``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import utcnow
from app.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)  # "user.create", "users.import"
    object_type: Mapped[str] = mapped_column(String(32), default="", index=True)
    object_id: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")

    actor = relationship("User")


def _singular(table: str) -> str:
    """question_categories → question_category, question_import_batches → …_batch."""
    if table.endswith("ies"):
        return table[:-3] + "y"
    if table.endswith(("ches", "shes", "sses", "xes")):
        return table[:-2]
    return table.removesuffix("s")


def record(
    actor,
    action: str,
    obj: Any = None,
    summary: str = "",
    *,
    ip: str = "",
    **details: Any,
) -> AuditLog:
    """Add an entry to the current transaction (the caller commits with its change)."""
    object_type = object_id = ""
    if obj is not None:
        object_type = _singular(getattr(obj, "__tablename__", type(obj).__name__))
        object_id = str(getattr(obj, "id", "") or "")
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:500],
        details=details,
        ip=ip,
    )
    db.session.add(entry)
    return entry


def search(
    *,
    actor_id: int | None = None,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
):
    """A select of entries matching the filters, newest first."""
    query = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if actor_id:
        query = query.where(AuditLog.actor_id == actor_id)
    if action:
        query = query.where(AuditLog.action.startswith(action))
    if object_type:
        query = query.where(AuditLog.object_type == object_type)
    if object_id:
        query = query.where(AuditLog.object_id == object_id)
    if since:
        query = query.where(AuditLog.at >= since)
    if until:
        query = query.where(AuditLog.at < until)
    return query


def distinct_actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))

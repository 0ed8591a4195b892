"""Notifications (通知) and everything that carries them: the inbox row, the outbox of email
and group-robot deliveries with each try, the teams' robots, each user's channel choices, and
the scheduler's own records (job runs, paused jobs, run-now requests)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import utcnow
from app.extensions import db
from app.notify.messages import render_message


class Notification(db.Model):
    """One message to one user, shown in the inbox. ``key`` is the dedupe key (kind + object
    + recipient + period): unique, so a second send of the same reminder inserts nothing."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="message", server_default="message")
    key: Mapped[str | None] = mapped_column(String(255), unique=True)
    # ``message``: the text in the site's default language (search, robots, rows from before
    # 0019); ``msgid`` + ``params``: the same message rendered in each reader's language.
    message: Mapped[str] = mapped_column(String(500))
    msgid: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict | None] = mapped_column(JSON)
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column()

    user = relationship("User")

    @property
    def text(self) -> str:
        """The message in the current locale (the reader's), else as written."""
        return render_message(self.message, self.msgid, self.params)

    def __repr__(self) -> str:
        return f"<Notification {self.id} user={self.user_id} {self.kind}>"


class NotificationPreference(db.Model):
    """A user's channel choices. The inbox is always on; email is opt-in per user. Quiet
    hours (local time, ``HH:MM``) hold email back; empty: the site's NOTIFY_QUIET_HOURS."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    quiet_start: Mapped[str] = mapped_column(String(5), default="")
    quiet_end: Mapped[str] = mapped_column(String(5), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


ROBOT_KINDS = ("wecom", "dingtalk", "feishu", "json")


class TeamRobot(db.Model):
    """A group robot (群机器人) of a team's chat: WeCom, DingTalk (optionally signed),
    Feishu (optionally signed) or a generic JSON webhook."""

    __tablename__ = "team_robots"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    team = relationship("Team")


class Delivery(db.Model):
    """The outbox: one email or robot message to send. Each try is a ``DeliveryAttempt``;
    a failed try is retried with backoff until ``NOTIFY_MAX_TRIES``, then ``failed``."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(255), unique=True)
    channel: Mapped[str] = mapped_column(String(10))  # "email" or "robot"
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    robot_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_robots.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(500), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    # pending → sending (claimed by one outbox run: ``claim``, until ``next_attempt_at``) →
    # sent / pending again (retry) / failed
    status: Mapped[str] = mapped_column(String(10), default="pending")
    claim: Mapped[str | None] = mapped_column(String(32))
    tries: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()

    robot = relationship("TeamRobot")
    attempts: Mapped[list[DeliveryAttempt]] = relationship(
        cascade="all, delete-orphan", order_by="DeliveryAttempt.id"
    )


class DeliveryAttempt(db.Model):
    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str] = mapped_column(String(500), default="")
    duration_ms: Mapped[int] = mapped_column(default=0)


class ReminderBatch(db.Model):
    """A one-off reminder a secretary or admin sent (the rate limit counts these)."""

    __tablename__ = "reminder_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    message: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(500), default="")
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class JobRun(db.Model):
    """One run of a scheduled job: when, how it ended, what it counted."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(80))
    trigger: Mapped[str] = mapped_column(String(10), default="schedule")  # startup, manual
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(10), default="running")  # ok, error, skipped
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")


class JobState(db.Model):
    """An admin's hold on a job (paused) and a run-now request the scheduler picks up.
    ``lease_until`` is the lock on SQLite, where there is no advisory lock."""

    __tablename__ = "job_states"

    job: Mapped[str] = mapped_column(String(80), primary_key=True)
    paused: Mapped[bool] = mapped_column(default=False)
    run_requested_at: Mapped[datetime | None] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

"""Pages: the inbox and channel settings, a team's robots and one-off reminders, and the
administrators' job and outbox pages."""

from app.notify.views import admin, inbox, team  # noqa: F401
from app.notify.views.blueprint import admin_bp, bp
from app.notify.views.inbox import bell_context, notification_todos

__all__ = ["admin_bp", "bell_context", "bp", "notification_todos"]

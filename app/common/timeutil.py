"""Time: the database stores naive UTC; people see Asia/Shanghai. The server is the only
clock for deadlines."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """Naive UTC, the form every DateTime column holds."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(value: datetime | None, tz: ZoneInfo = SHANGHAI) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz)


def format_local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""

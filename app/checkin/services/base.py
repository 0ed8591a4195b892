"""What the centre-group services share: their error, the settings, the labels."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import current_app
from flask_babel import gettext as _

from app.auth.models import Team, User
from app.checkin import policy
from app.common.errors import DomainError
from app.common.timeutil import SHANGHAI, utcnow

DEFAULT_PLAN_DUE = "03-31"
DEFAULT_OPEN_BEFORE_MINUTES = 30
DEFAULT_LATE_GRACE_MINUTES = 5


class CheckinError(DomainError):
    """A centre-group rule was broken; ``message`` is for the user, ``field`` the input."""


def clock(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def open_before_minutes() -> int:
    return int(current_app.config.get("CHECKIN_OPEN_BEFORE_MINUTES", DEFAULT_OPEN_BEFORE_MINUTES))


def late_grace_minutes() -> int:
    return int(current_app.config.get("CHECKIN_LATE_GRACE_MINUTES", DEFAULT_LATE_GRACE_MINUTES))


def plan_due_date(year: int) -> date:
    """The day by which a team's plan for ``year`` should be filed (``CHECKIN_PLAN_DUE``,
    "MM-DD", the 31st of March by default)."""
    value = str(current_app.config.get("CHECKIN_PLAN_DUE") or DEFAULT_PLAN_DUE)
    month, day = (int(part) for part in value.split("-"))
    return date(year, month, day)


def local_midnight(day: date) -> datetime:
    """The start of a Shanghai calendar day, as the naive UTC the columns hold."""
    return datetime.combine(day, time(), tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A Shanghai calendar year as naive UTC, from its first moment up to the next year's."""
    return local_midnight(date(year, 1, 1)), local_midnight(date(year + 1, 1, 1))


def require_manager(user: User, team: Team) -> None:
    if not policy.can_manage(user, team):
        raise CheckinError(_("只有本班子的中心组秘书可以进行此操作"))


def require_member(user: User | None, team: Team, field: str = "") -> User:
    if user is None:
        raise CheckinError(_("请选择人员"), field)
    if not policy.is_member(user, team):
        raise CheckinError(_("所选人员不是本班子中心组成员"), field)
    return user


def kind_labels() -> dict[str, str]:
    return {
        "collective": _("集体学习"),
        "first_topic": _("第一议题"),
        "strategy": _("务虚会"),
        "seminar": _("专题研讨"),
        "reading_class": _("读书班"),
    }


def plan_status_labels() -> dict[str, str]:
    return {
        "draft": _("草稿"),
        "filed": _("已备案待审"),
        "acknowledged": _("已确认"),
        "returned": _("已退回"),
    }


def plan_event_labels() -> dict[str, str]:
    return {
        "filed": _("报送备案"),
        "acknowledged": _("确认备案"),
        "returned": _("退回修改"),
        "amended": _("备案后修改"),
    }


def role_labels() -> dict[str, str]:
    return {"lead": _("领学"), "report": _("述学"), "speak": _("交流发言")}


def attendance_labels() -> dict[str, str]:
    return {"present": _("出席"), "leave": _("请假"), "absent": _("缺席")}


def measure_labels() -> dict[str, str]:
    return {"open": _("推进中"), "done": _("已完成")}


def method_labels() -> dict[str, str]:
    return {"code": _("签到码"), "manual": _("秘书登记")}


def record_kind_labels() -> dict[str, str]:
    """The kinds of lines on a study record (学习档案), this feature's and the others'."""
    return {
        "session": _("中心组学习"),
        "reflection": _("心得体会"),
        "self_study": _("自学"),
        "lecture": _("讲党课"),
        "course": _("课程学习"),
        "exam": _("考试"),
        "practice": _("练习"),
    }

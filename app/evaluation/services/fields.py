"""Checking typed values for the evaluation services: one home for the messages that name the
field at fault."""

from __future__ import annotations

from flask_babel import gettext as _

from app.evaluation.services import EvaluationError


def required_text(value: str, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise EvaluationError(_("请填写%(f)s", f=label), field)
    if len(value) > limit:
        raise EvaluationError(_("%(f)s不能超过 %(n)d 字", f=label, n=limit), field)
    return value


def whole_number(value, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise EvaluationError(_("%(f)s须为整数", f=label), field) from None
    if not low <= number <= high:
        raise EvaluationError(_("%(f)s须在 %(a)d 到 %(b)d 之间", f=label, a=low, b=high), field)
    return number

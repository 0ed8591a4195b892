"""Points (分值): the one rule for reading a score, whoever carries it.

Two scales: a question's own points (more than 0, at most 1000: what a bank file or the
question form may give) and an exam's scores (an item's points, a pass mark, an essay's
mark: 0 to 100000). Both take at most two decimals. A value that breaks the rule raises
``DomainError`` naming ``field``; importers quote the file's text in the message instead.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from app.common.errors import DomainError

QUESTION_MAX = Decimal(1000)
SCORE_MAX = Decimal(100000)
CENT = Decimal("0.01")


def _decimal(text: str, field: str, quote: bool) -> Decimal:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        message = _("分值“%(value)s”不是数字", value=text) if quote else _("分值应为数字")
        raise DomainError(message, field) from None


def _cents(points: Decimal, field: str) -> None:
    if points != points.quantize(CENT):
        raise DomainError(_("分值最多保留两位小数"), field)


def read_question_points(text: str, field: str = "points", *, quote: bool = False) -> Decimal:
    """A question's points as a number in range; the two-decimal rule is left to
    ``question_points`` (an importer reports it when the bank takes the file)."""
    points = _decimal(text, field, quote)
    if not points.is_finite() or points <= 0 or points > QUESTION_MAX:
        message = (
            _("分值“%(value)s”应大于 0 且不超过 1000", value=text)
            if quote
            else _("分值应大于 0 且不超过 1000")
        )
        raise DomainError(message, field)
    return points


def question_points(value: Any, field: str = "points") -> Decimal | None:
    """A question's own points, None when blank."""
    if value is None or value == "":
        return None
    points = read_question_points(str(value), field)
    _cents(points, field)
    return points


def score(
    value: Any, field: str = "points", *, optional: bool = False, allow_zero: bool = False
) -> Decimal | None:
    """An exam's score (item points, pass mark, a mark): 0 to 100000, to the cent; zero only
    when allowed, blank only when optional."""
    if value in (None, "") and optional:
        return None
    points = _decimal(str(value).strip(), field, False)
    if not points.is_finite() or points < 0 or points > SCORE_MAX:
        raise DomainError(_("分值应在 0 到 100000 之间"), field)
    _cents(points, field)
    if points == 0 and not allow_zero:
        raise DomainError(_("分值应大于 0"), field)
    return points.quantize(CENT)

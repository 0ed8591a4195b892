"""Marking one response against one question's key. Pure functions, no database: the
attempt, practice and daily-quiz services all mark through here.

Responses arrive already mapped to the question's own option indices (option ids are opaque
per attempt; the attempt service translates them):

==========  ==========================  =============================================
type        response                    mark
==========  ==========================  =============================================
single      ``int`` or None             all or nothing
multiple    ``list[int]``               all or nothing, or partial: chosen/correct when
                                        no wrong option is chosen (``policy="partial"``)
judge       ``bool`` or None            all or nothing
blank       ``list[str]``               share of blanks matching one accepted answer
                                        after normalising (width, case, spaces)
essay       ``str``                     marked by a person (``needs_manual``)
==========  ==========================  =============================================
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MULTIPLE_POLICIES = ("all_or_nothing", "partial")
_SPACES = re.compile(r"\s+")
# Punctuation that differs only in width or habit and never changes an answer's meaning.
_TRIM = " \t\r\n。．.，,；;：:、“”\"'‘’"


@dataclass(frozen=True)
class Mark:
    fraction: Decimal | None  # 0..1; None while a person still has to mark it
    score: Decimal | None
    correct: bool | None  # fully right; None while unmarked

    @property
    def needs_manual(self) -> bool:
        return self.fraction is None


class MalformedResponse(ValueError):
    """The response does not have the shape its question type needs."""


def normalise_blank(text: str) -> str:
    """Full width to half width, case folded, inner runs of spaces to one, outer spaces and
    trailing punctuation trimmed: "ＡＢＣ　 党组 。" and "abc 党组" compare equal."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return _SPACES.sub(" ", text).strip(_TRIM)


def check_response(question_type: str, response: Any, option_count: int = 0) -> Any:
    """The response in canonical form, or MalformedResponse. ``None`` means unanswered."""
    if response is None:
        return None
    if question_type == "single":
        if isinstance(response, bool) or not isinstance(response, int):
            raise MalformedResponse("single: expected one option")
        if not 0 <= response < option_count:
            raise MalformedResponse("single: no such option")
        return response
    if question_type == "multiple":
        if not isinstance(response, list) or any(
            isinstance(i, bool) or not isinstance(i, int) for i in response
        ):
            raise MalformedResponse("multiple: expected a list of options")
        if any(not 0 <= i < option_count for i in response):
            raise MalformedResponse("multiple: no such option")
        return sorted(set(response))
    if question_type == "judge":
        if not isinstance(response, bool):
            raise MalformedResponse("judge: expected true or false")
        return response
    if question_type == "blank":
        if not isinstance(response, list) or not all(isinstance(s, str) for s in response):
            raise MalformedResponse("blank: expected a list of strings")
        if any(len(s) > 1000 for s in response) or len(response) > 50:
            raise MalformedResponse("blank: too long")
        return response
    if question_type == "essay":
        if not isinstance(response, str):
            raise MalformedResponse("essay: expected text")
        if len(response) > 20000:
            raise MalformedResponse("essay: too long")
        return response
    raise MalformedResponse(f"unknown question type {question_type!r}")


def is_blank_response(question_type: str, response: Any) -> bool:
    """Nothing was answered (for 'unanswered' lists and navigators)."""
    if response is None:
        return True
    if question_type in ("multiple",):
        return not response
    if question_type == "blank":
        return not any(str(s).strip() for s in response)
    if question_type == "essay":
        return not str(response).strip()
    return False


def mark(
    question_type: str,
    answer: Any,
    response: Any,
    points: Decimal | int | float | str,
    *,
    multiple_policy: str = "all_or_nothing",
) -> Mark:
    """Mark ``response`` against ``answer`` (the key in the importers' normalised shape)."""
    points = Decimal(str(points))
    if question_type == "essay":
        if is_blank_response("essay", response):
            return _mark(Decimal(0), points)  # nothing written: nothing to wait for
        return Mark(None, None, None)
    fraction = _fraction(question_type, answer, response, multiple_policy)
    return _mark(fraction, points)


def _mark(fraction: Decimal, points: Decimal) -> Mark:
    score = (points * fraction).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Mark(fraction, score, fraction == 1)


def _fraction(question_type: str, answer: Any, response: Any, policy: str) -> Decimal:
    if response is None:
        return Decimal(0)
    if question_type == "single":
        return Decimal(int(response in (answer or [])))
    if question_type == "multiple":
        key, chosen = set(answer or []), set(response)
        if not chosen or chosen - key:
            return Decimal(0)
        if chosen == key:
            return Decimal(1)
        if policy == "partial":
            return Decimal(len(chosen)) / Decimal(len(key))
        return Decimal(0)
    if question_type == "judge":
        return Decimal(int(response is answer))
    if question_type == "blank":
        blanks = answer or []
        if not blanks:
            return Decimal(0)
        right = 0
        for index, alternatives in enumerate(blanks):
            given = normalise_blank(response[index]) if index < len(response) else ""
            if given and given in {normalise_blank(a) for a in alternatives}:
                right += 1
        return Decimal(right) / Decimal(len(blanks))
    raise MalformedResponse(f"unknown question type {question_type!r}")

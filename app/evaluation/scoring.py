"""The scoring arithmetic, pure: plain values in, a :class:`Result` out. No database.

Rules (the framework's, written once here):
- a dimension scores the sum of its standards' scores, less the deductions of the
  negative-list items found under it, never below 0;
- the total is the sum of the dimensions; the grade is the first band whose minimum the total
  reaches, the bands taken from the highest minimum down;
- a confirmed one-vote-veto item (一票否决) makes the result 不合格 whatever the score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

UNQUALIFIED = "不合格"


@dataclass(frozen=True)
class StandardSpec:
    id: int
    dimension_id: int
    points: int


@dataclass(frozen=True)
class NegativeSpec:
    id: int
    dimension_id: int
    deduction: int
    veto: bool


@dataclass(frozen=True)
class Result:
    dimension_scores: dict[int, int]
    total: int
    grade: str
    veto: bool


class ScoringError(ValueError):
    """A score outside a standard's points, or a standard that is not in the framework."""

    def __init__(self, standard_id: int, message: str):
        super().__init__(message)
        self.standard_id = standard_id


def band_for(total: float, bands: Sequence[Mapping]) -> str:
    """The label of the highest band whose ``min`` the total reaches ("" if none does)."""
    for band in sorted(bands, key=lambda b: b["min"], reverse=True):
        if total >= band["min"]:
            return str(band["label"])
    return ""


def score(
    standards: Iterable[StandardSpec],
    scores: Mapping[int, int],
    negatives: Iterable[NegativeSpec],
    found: Mapping[int, bool],
    bands: Sequence[Mapping],
    dimension_ids: Iterable[int] = (),
) -> Result:
    """``scores``: standard id → points given (a missing standard scores 0); ``found``:
    negative item id → confirmed (a deduction counts when found; a veto only if confirmed)."""
    standards = list(standards)
    by_id = {s.id: s for s in standards}
    for standard_id, value in scores.items():
        spec = by_id.get(standard_id)
        if spec is None:
            raise ScoringError(standard_id, "not a standard of this framework")
        if not 0 <= value <= spec.points:
            raise ScoringError(standard_id, f"score {value} outside 0–{spec.points}")
    dims: dict[int, int] = {d: 0 for d in dimension_ids}
    for spec in standards:
        dims[spec.dimension_id] = dims.get(spec.dimension_id, 0) + scores.get(spec.id, 0)
    veto = False
    for item in negatives:
        if item.id not in found:
            continue
        if item.veto:
            veto = veto or bool(found[item.id])
        else:
            dims[item.dimension_id] = dims.get(item.dimension_id, 0) - item.deduction
    dims = {d: max(0, v) for d, v in dims.items()}
    total = sum(dims.values())
    grade = UNQUALIFIED if veto else band_for(total, bands)
    return Result(dims, total, grade, veto)


def parse_bands(text: str) -> list[dict]:
    """``"90 好\\n75 较好"`` → bands; raises ValueError naming the line at fault."""
    bands = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            raise ValueError(number)
        try:
            minimum = int(parts[0])
        except ValueError:
            raise ValueError(number) from None
        if not 0 <= minimum <= 1000:
            raise ValueError(number)
        bands.append({"min": minimum, "label": parts[1].strip()[:20]})
    if not bands:
        raise ValueError(0)
    if len({b["min"] for b in bands}) != len(bands):
        raise ValueError(0)
    return sorted(bands, key=lambda b: b["min"], reverse=True)

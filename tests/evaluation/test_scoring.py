"""The scoring arithmetic on hand-made cases: sums, deductions, floors, bands and the veto."""

from __future__ import annotations

import pytest

from app.evaluation.models import DEFAULT_BANDS
from app.evaluation.scoring import (
    UNQUALIFIED,
    NegativeSpec,
    ScoringError,
    StandardSpec,
    band_for,
    parse_bands,
    score,
)

# two dimensions: 1 (standards 10 + 20 points), 2 (one standard of 70 points)
STANDARDS = [StandardSpec(1, 1, 10), StandardSpec(2, 1, 20), StandardSpec(3, 2, 70)]
NEGATIVES = [
    NegativeSpec(10, 1, 5, False),
    NegativeSpec(11, 2, 0, True),
    NegativeSpec(12, 1, 40, False),
]


def test_full_marks_are_the_best_band():
    result = score(STANDARDS, {1: 10, 2: 20, 3: 70}, NEGATIVES, {}, DEFAULT_BANDS)
    assert result.dimension_scores == {1: 30, 2: 70}
    assert (result.total, result.grade, result.veto) == (100, "好", False)


def test_a_missing_standard_scores_nothing_and_bands_start_at_their_minimum():
    result = score(STANDARDS, {1: 5, 3: 70}, NEGATIVES, {}, DEFAULT_BANDS)
    assert (result.total, result.grade) == (75, "较好")  # exactly 75: 较好
    assert score(STANDARDS, {1: 4, 3: 70}, NEGATIVES, {}, DEFAULT_BANDS).grade == "一般"


def test_a_deduction_comes_off_its_dimension_and_never_below_zero():
    result = score(STANDARDS, {1: 10, 2: 20, 3: 60}, NEGATIVES, {10: True}, DEFAULT_BANDS)
    assert result.dimension_scores == {1: 25, 2: 60}
    assert (result.total, result.grade) == (85, "较好")
    floored = score(STANDARDS, {1: 10, 2: 20, 3: 60}, NEGATIVES, {12: True}, DEFAULT_BANDS)
    assert floored.dimension_scores[1] == 0  # 30 - 40, floored
    assert floored.total == 60


def test_a_confirmed_veto_is_unqualified_whatever_the_score():
    result = score(STANDARDS, {1: 10, 2: 20, 3: 70}, NEGATIVES, {11: True}, DEFAULT_BANDS)
    assert (result.total, result.grade, result.veto) == (100, UNQUALIFIED, True)


def test_an_unconfirmed_veto_changes_nothing():
    result = score(STANDARDS, {1: 10, 2: 20, 3: 70}, NEGATIVES, {11: False}, DEFAULT_BANDS)
    assert (result.grade, result.veto) == ("好", False)


def test_dimensions_without_standards_still_show():
    result = score([], {}, [], {}, DEFAULT_BANDS, dimension_ids=[7, 8])
    assert result.dimension_scores == {7: 0, 8: 0}
    assert result.grade == "较差"


@pytest.mark.parametrize("bad", [{1: 11}, {1: -1}, {99: 1}])
def test_scores_outside_the_standard_are_refused(bad):
    with pytest.raises(ScoringError):
        score(STANDARDS, bad, NEGATIVES, {}, DEFAULT_BANDS)


def test_bands_are_configurable():
    bands = parse_bands("80 优秀\n\n50 合格\n0 不合格")
    assert bands[0] == {"min": 80, "label": "优秀"}
    assert band_for(79, bands) == "合格" and band_for(80, bands) == "优秀"
    assert band_for(-1, bands) == ""
    for bad in ("abc 好", "90", "", "90 好\n90 较好"):
        with pytest.raises(ValueError):
            parse_bands(bad)

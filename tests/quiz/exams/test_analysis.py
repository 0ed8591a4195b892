"""Item analysis (app.quiz.exams.analysis) and its xlsx export, without the app.

Expected figures come from three places, none of them the module under test:

1. a 5 × 3 example worked by hand (the arithmetic is in the comments);
2. Moodle's own regression data — ``mod/quiz/report/statistics/tests/fixtures/results00.csv``
   (marks), ``qstats00.csv`` (question figures) and the quiz figures asserted in
   ``stats_from_steps_walkthrough_test.php`` — so our numbers are Moodle's numbers;
3. textbook formulas written independently here (``statistics.stdev``/``correlation``, Excel's
   SKEW and KURT, Cronbach's α) on a larger pseudo-random data set.
"""

from __future__ import annotations

import dataclasses
import io
import math
import random
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from app.quiz.exams.analysis import (
    AttemptMarks,
    ItemStats,
    analyse,
    flags_for,
    histogram,
    select_attempts,
)
from app.quiz.exams.analysis_export import DEFAULT_LABELS, analysis_workbook


def attempt(
    attempt_id: int,
    marks: dict,
    item_max: dict,
    *,
    user_id: int | None = None,
    number: int = 1,
    total: float | None = None,
    max_total: float | None = None,
) -> AttemptMarks:
    return AttemptMarks(
        attempt_id=attempt_id,
        user_id=attempt_id if user_id is None else user_id,
        attempt_number=number,
        total=math.fsum(marks.values()) if total is None else total,
        max_total=math.fsum(item_max.values()) if max_total is None else max_total,
        marks=marks,
        item_max=item_max,
        submitted_at=datetime(2024, 5, 1, 9, 30) + timedelta(minutes=attempt_id),
    )


def assert_no_nan_or_inf(obj) -> None:
    """Every number reachable from a result is finite (undefined figures are None)."""
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            assert_no_nan_or_inf(getattr(obj, f.name))
    elif isinstance(obj, dict):
        for value in obj.values():
            assert_no_nan_or_inf(value)
    elif isinstance(obj, list | tuple):
        for value in obj:
            assert_no_nan_or_inf(value)
    elif isinstance(obj, float):
        assert math.isfinite(obj), obj


# ---------------------------------------------------------------------------------------------
# 1. The hand-worked example
#
#   attempt   A (max 1)   B (max 1)   C (max 2)   total (max 4)
#      1          1           1           2           4
#      2          1           0           2           3
#      3          1           1           0           2
#      4          0           1           1           2
#      5          0           0           0           0
#
# Totals: mean 11/5 = 2.2; deviations 1.8, 0.8, −0.2, −0.2, −2.2.
#   Σd² = 3.24 + 0.64 + 0.04 + 0.04 + 4.84 = 8.8  → sd = √(8.8/4) = √2.2 = 1.483240
#   Σd³ = 5.832 + 0.512 − 0.008 − 0.008 − 10.648 = −4.32
#   Σd⁴ = 10.4976 + 0.4096 + 0.0016 + 0.0016 + 23.4256 = 34.336
#   m2 = 1.76, m3 = −0.864, m4 = 6.8672; k2 = 5·1.76/4 = 2.2; k3 = 25·(−0.864)/12 = −1.8
#   skewness = −1.8 / 2.2^1.5 = −0.551618
#   k4 = 25·(6·6.8672 − 3·4·1.76²)/24 = 25·(41.2032 − 37.1712)/24 = 4.2
#   kurtosis = 4.2 / 2.2² = 0.867769
# Item variances (n − 1): A 1.2/4 = 0.3, B 0.3, C 4/4 = 1 → Σ = 1.6
#   CIC = 100·3/2·(1 − 1.6/2.2) = 450/11 = 40.909091
#   error ratio = 100·√(1 − 0.409091) = 100·√(13/22) = 76.870611
#   standard error = 0.768706·1.483240 = √1.3 = 1.140175
# Percent of 4: 100, 75, 50, 50, 0 → mean 55, median 50, sd 37.080992 (= 1.483240/4·100),
#   standard error 28.504386; bands: 0–10 one, 50–60 two, 70–80 one, 90–100 one.
# Pass mark 2: four of five totals ≥ 2 → 0.8.
#
# Item A: marks 1,1,1,0,0 (mean .6); rest = total − A = 3,2,1,2,0 (mean 1.6)
#   deviations .4,.4,.4,−.6,−.6 and 1.4,.4,−.6,.4,−1.6 → Σ products 1.2 → cov 0.3
#   var(rest) = (1.96+.16+.36+.16+2.56)/4 = 1.3 → DI = 100·0.3/√(0.3·1.3) = 48.038446
#   sorted: 0,0,1,1,1 with 0,1,2,2,3 → Σ products 2.2 → cov max 0.55 → DE = 54.545455
#   cov with total = var + cov(rest) = 0.6; facility .6; sd √0.3 = 0.547723
# Item B: marks 1,0,1,1,0; rest 3,3,1,1,0 (mean 1.6)
#   Σ products .56 − .84 − .24 − .24 + .96 = 0.2 → cov 0.05; var(rest) 7.2/4 = 1.8
#   DI = 100·0.05/√0.54 = 6.804138; sorted rest 0,1,1,3,3 → Σ 2.2 → cov max .55
#   DE = 9.090909 (< 15: flagged); cov with total 0.35
# Item C: marks 2,2,0,1,0 (mean 1); rest 2,1,2,1,0 (mean 1.2)
#   Σ products .8 − .2 − .8 + 0 + 1.2 = 1.0 → cov 0.25; var(rest) 2.8/4 = 0.7
#   DI = 25/√0.7 = 29.880715; sorted 0,0,1,2,2 with 0,1,1,2,2 → Σ 3 → cov max .75
#   DE = 33.333333; cov with total 1.25; facility 1/2 = .5; sd √1/2 = .5
# Effective weights: √.6 = .774597, √.35 = .591608, √1.25 = 1.118034, Σ 2.484239
#   → A 31.180445, B 23.814458, C 45.005096

ITEM_MAX = {"A": 1.0, "B": 1.0, "C": 2.0}
HAND_MARKS = [(1, 1, 2), (1, 0, 2), (1, 1, 0), (0, 1, 1), (0, 0, 0)]


def hand_attempts() -> list[AttemptMarks]:
    return [
        attempt(i, dict(zip("ABC", map(float, marks), strict=True)), ITEM_MAX)
        for i, marks in enumerate(HAND_MARKS, start=1)
    ]


def approx(value: float):
    return pytest.approx(value, abs=5e-5)


def test_hand_example_quiz_figures():
    quiz = analyse(hand_attempts(), "first", pass_mark=2).quiz
    assert quiz.n == 5
    assert quiz.max_total == 4
    assert quiz.mean == approx(2.2)
    assert quiz.median == approx(2.0)
    assert quiz.sd == approx(1.483240)
    assert quiz.skewness == approx(-0.551618)
    assert quiz.kurtosis == approx(0.867769)
    assert quiz.cic == approx(40.909091)
    assert quiz.error_ratio == approx(76.870611)
    assert quiz.standard_error == approx(1.140175)
    assert quiz.mean_pct == approx(55.0)
    assert quiz.median_pct == approx(50.0)
    assert quiz.sd_pct == approx(37.080992)
    assert quiz.standard_error_pct == approx(28.504386)
    assert quiz.pass_rate == approx(0.8)
    assert quiz.histogram == [1, 0, 0, 0, 0, 2, 0, 1, 0, 1]
    assert quiz.scores_pct == [100.0, 75.0, 50.0, 50.0, 0.0]
    assert quiz.attempt_counts == {"first": 5, "highest": 5, "last": 5, "all": 5}


@pytest.mark.parametrize(
    ("key", "facility", "sd", "di", "de", "ew", "flags"),
    [
        ("A", 0.6, 0.547723, 48.038446, 54.545455, 31.180445, []),
        ("B", 0.6, 0.547723, 6.804138, 9.090909, 23.814458, ["efficiency_low"]),
        ("C", 0.5, 0.5, 29.880715, 33.333333, 45.005096, []),
    ],
)
def test_hand_example_item_figures(key, facility, sd, di, de, ew, flags):
    item = analyse(hand_attempts()).items[key]
    assert item.n == 5
    assert item.max_mark == ITEM_MAX[key]
    assert item.intended_weight == approx(100 * ITEM_MAX[key] / 4)
    assert item.facility == approx(facility)
    assert item.sd == approx(sd)
    assert item.discrimination_index == approx(di)
    assert item.discriminative_efficiency == approx(de)
    assert item.effective_weight == approx(ew)
    assert item.negative_covariance is False
    assert item.flags == flags


def test_hand_example_pass_rate_is_none_without_pass_mark():
    assert analyse(hand_attempts()).quiz.pass_rate is None
    assert analyse(hand_attempts(), pass_mark=2.5).quiz.pass_rate == approx(0.4)


# ---------------------------------------------------------------------------------------------
# 2. Moodle's regression data: 25 attempts × 7 slots (all max mark 1), "all attempts"

MOODLE_MARKS = [
    (1, 1, 1, 1, 1, 0, 1),
    (1, 1, 1, 1, 0.5, 1, 0),
    (1, 1, 1, 1, 0.5, 0, 1),
    (0, 0, 1, 1, 1, 0, 0),
    (1, 0, 1, 0, 0, 1, 0.5),
    (1, 1, 1, 1, 0.5, 0, 0.5),
    (0, 1, 1, 1, 0.5, 1, 0.5),
    (1, 1, 1, 0, 0.5, 1, 0.5),
    (1, 0, 1, 1, 1, 1, 1),
    (0, 1, 1, 0, 0.5, 1, 0.5),
    (0.8, 0, 1, 1, 0.5, 1, 0.5),
    (1, 1, 1, 0, 0.5, 1, 1),
    (1, 0, 1, 1, 0.5, 1, 0.5),
    (1, 0, 1, 1, 1, 0, 0.5),
    (0, 0, 1, 1, 0, 1, 1),
    (1, 0, 1, 0, 0.5, 1, 1),
    (0.8, 0, 1, 1, 0.5, 0, 1),
    (1, 0, 1, 1, 0, 1, 0.5),
    (1, 0, 1, 1, 0.5, 0, 0.5),
    (0, 1, 1, 0, 0.5, 1, 0),
    (1, 1, 0.3333333, 1, 0.5, 0, 0.5),
    (1, 1, 1, 0, 0.5, 0, 0.5),
    (1, 1, 1, 1, 0, 1, 0.5),
    (0, 0, 1, 0, 0.5, 1, 1),
    (0, 0, 1, 1, 1, 1, 1),
]
# qstats00.csv: slot → facility, sd, effective weight, discrimination index, efficiency
MOODLE_QSTATS = {
    1: (0.704, 0.4513682901, 21.2922742344, -7.0650767526, -9.4550536967),
    2: (0.48, 0.5099019514, 18.8979800309, -28.8982125772, -36.7834118938),
    3: (0.973333332, 0.13333334, 4.443012573, -9.1230674268, -21.6545012165),
    4: (0.68, 0.4760952286, 18.9347251357, -22.6306444113, -31.4411395613),
    5: (0.52, 0.3055050463, 11.1450138688, -17.6997047674, -21.1794802584),
    6: (0.64, 0.4898979486, 9.8081339177, -45.3785178421, -56.9365974439),
    7: (0.62, 0.331662479, 15.4788602394, -5.6543166602, -6.5043742058),
}
# stats_from_steps_walkthrough_test.php, check_quiz_stats_for_quiz_00
MOODLE_QUIZ = {
    "median": 4.5,
    "mean": 4.617333332,
    "sd": 0.8117265554,
    "skewness": -0.092502502,
    "kurtosis": -0.7073968557,
    "cic": -87.2230935542,
    "error_ratio": 136.8294900795,
    "standard_error": 1.1106813066,
}


def moodle_attempts() -> list[AttemptMarks]:
    item_max = {slot: 1.0 for slot in range(1, 8)}
    return [
        attempt(i, {slot: float(m) for slot, m in enumerate(row, start=1)}, item_max)
        for i, row in enumerate(MOODLE_MARKS, start=1)
    ]


def moodle_close(expected: float, precision: float):
    # Moodle's own test tolerance: relative (1.5e-5 for quiz, 1e-5/1e-6 for question figures).
    return pytest.approx(expected, rel=precision, abs=1e-9)


def test_quiz_figures_equal_moodles():
    quiz = analyse(moodle_attempts(), "all").quiz
    assert quiz.n == 25
    for name, expected in MOODLE_QUIZ.items():
        assert getattr(quiz, name) == moodle_close(expected, 1.5e-5), name


@pytest.mark.parametrize("slot", sorted(MOODLE_QSTATS))
def test_question_figures_equal_moodles(slot):
    facility, sd, ew, di, de = MOODLE_QSTATS[slot]
    item = analyse(moodle_attempts(), "all").items[slot]
    assert item.n == 25
    assert item.facility == moodle_close(facility, 1e-6)
    assert item.sd == moodle_close(sd, 1e-6)  # max mark 1, so Moodle's raw sd is ours
    assert item.effective_weight == moodle_close(ew, 1e-5)
    assert item.discrimination_index == moodle_close(di, 1e-5)
    assert item.discriminative_efficiency == moodle_close(de, 1e-5)
    # Every slot of this data set has efficiency < 15; slot 3 is also too easy.
    expected_flags = ["facility_high", "efficiency_low"] if slot == 3 else ["efficiency_low"]
    assert item.flags == expected_flags


# ---------------------------------------------------------------------------------------------
# 3. Independent textbook formulas on pseudo-random data


def random_attempts(count: int = 40, seed: int = 4) -> list[AttemptMarks]:
    rng = random.Random(seed)
    item_max = {f"q{i}": float(m) for i, m in enumerate([1, 1, 2, 2, 3, 5])}
    attempts = []
    for i in range(1, count + 1):
        ability = rng.random()
        marks = {
            key: float(min(top, max(0, round(rng.gauss(ability * top, top / 3)))))
            for key, top in item_max.items()
        }
        attempts.append(attempt(i, marks, item_max))
    return attempts


def test_figures_agree_with_textbook_formulas():
    attempts = random_attempts()
    result = analyse(attempts, "all")
    quiz = result.quiz
    totals = [a.total for a in attempts]
    n = len(totals)
    mean = statistics.fmean(totals)
    s = statistics.stdev(totals)

    assert quiz.mean == pytest.approx(mean)
    assert quiz.median == pytest.approx(statistics.median(totals))
    assert quiz.sd == pytest.approx(s)
    # Excel SKEW and KURT (sample-adjusted Fisher–Pearson) — the same estimators as k3/k2^1.5
    # and k4/k2², written the other way round.
    z = [(t - mean) / s for t in totals]
    skew = n / ((n - 1) * (n - 2)) * sum(v**3 for v in z)
    kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * sum(v**4 for v in z) - 3 * (n - 1) ** 2 / (
        (n - 2) * (n - 3)
    )
    assert quiz.skewness == pytest.approx(skew)
    assert quiz.kurtosis == pytest.approx(kurt)
    # Cronbach's α.
    keys = list(attempts[0].marks)
    k = len(keys)
    item_variances = sum(statistics.variance([a.marks[key] for a in attempts]) for key in keys)
    alpha = k / (k - 1) * (1 - item_variances / statistics.variance(totals))
    assert quiz.cic == pytest.approx(100 * alpha)
    assert quiz.error_ratio == pytest.approx(100 * math.sqrt(1 - alpha))
    assert quiz.standard_error == pytest.approx(s * math.sqrt(1 - alpha))

    for key in keys:
        item = result.items[key]
        x = [a.marks[key] for a in attempts]
        rest = [t - v for t, v in zip(totals, x, strict=True)]
        top = attempts[0].item_max[key]
        assert item.facility == pytest.approx(statistics.fmean(x) / top)
        assert item.sd == pytest.approx(statistics.stdev(x) / top)
        assert item.discrimination_index == pytest.approx(100 * statistics.correlation(x, rest))
        best = statistics.covariance(sorted(x), sorted(rest))
        assert item.discriminative_efficiency == pytest.approx(
            100 * statistics.covariance(x, rest) / best
        )
    # Σ of √cov(item, total) normalised: the weights add up to 100 when none is negative.
    if not any(i.negative_covariance for i in result.items.values()):
        assert sum(i.effective_weight for i in result.items.values()) == pytest.approx(100)
    assert_no_nan_or_inf(result)


# ---------------------------------------------------------------------------------------------
# Which attempts


def multi_attempts() -> list[AttemptMarks]:
    item_max = {"A": 2.0, "B": 2.0}
    return [
        attempt(1, {"A": 1.0, "B": 1.0}, item_max, user_id=7, number=1),  # 2
        attempt(2, {"A": 2.0, "B": 2.0}, item_max, user_id=7, number=2),  # 4
        attempt(3, {"A": 2.0, "B": 2.0}, item_max, user_id=7, number=3),  # 4 (tie)
        attempt(4, {"A": 0.0, "B": 1.0}, item_max, user_id=8, number=2),  # 1
        attempt(5, {"A": 2.0, "B": 1.0}, item_max, user_id=8, number=1),  # 3
        attempt(6, {"A": 1.0, "B": 0.0}, item_max, user_id=9, number=1),  # 1
    ]


@pytest.mark.parametrize(
    ("which", "ids"),
    [
        ("first", [1, 5, 6]),
        # highest total per user; on a tie the earlier attempt (Moodle's rule)
        ("highest", [2, 5, 6]),
        ("last", [3, 4, 6]),
        ("all", [1, 2, 3, 4, 5, 6]),
    ],
)
def test_which_attempts(which, ids):
    assert [a.attempt_id for a in select_attempts(multi_attempts(), which)] == ids
    quiz = analyse(multi_attempts(), which).quiz
    assert quiz.n == len(ids)
    totals = {a.attempt_id: a.total for a in multi_attempts()}
    assert quiz.mean == pytest.approx(statistics.fmean(totals[i] for i in ids))


def test_attempt_counts_cover_every_option():
    quiz = analyse(multi_attempts(), "highest").quiz
    assert quiz.which == "highest"
    assert quiz.attempt_counts == {"first": 3, "highest": 3, "last": 3, "all": 6}


def test_unknown_selector_is_refused():
    with pytest.raises(ValueError):
        select_attempts(multi_attempts(), "best")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Flags


def test_flags_for_easy_hard_and_weak_items():
    # 20 attempts: "easy" right 19 times, "hard" right twice, "good" tracks the total.
    item_max = {"easy": 1.0, "hard": 1.0, "good": 1.0, "other": 1.0}
    attempts = []
    for i in range(20):
        marks = {
            "easy": 0.0 if i == 0 else 1.0,
            "hard": 1.0 if i in (18, 19) else 0.0,
            "good": 1.0 if i >= 10 else 0.0,
            "other": 1.0 if i >= 8 else 0.0,
        }
        attempts.append(attempt(i + 1, marks, item_max))
    items = analyse(attempts).items
    assert items["easy"].facility == pytest.approx(0.95)
    assert "facility_high" in items["easy"].flags
    assert items["hard"].facility == pytest.approx(0.1)
    assert "facility_low" in items["hard"].flags
    assert items["good"].flags == []
    assert items["good"].discriminative_efficiency > 15


def blank_item(**changes) -> ItemStats:
    base = ItemStats(
        key="x",
        n=10,
        max_mark=1.0,
        intended_weight=None,
        mean=None,
        facility=None,
        sd=None,
        discrimination_index=None,
        discriminative_efficiency=None,
        effective_weight=None,
        negative_covariance=False,
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    ("facility", "efficiency", "flags"),
    [
        (0.2, 15.0, []),  # the bounds themselves are fine
        (0.9, 50.0, []),
        (0.1999, 50.0, ["facility_low"]),
        (0.9001, 50.0, ["facility_high"]),
        (0.5, 14.99, ["efficiency_low"]),
        (0.95, -3.0, ["facility_high", "efficiency_low"]),
        (None, None, []),  # undefined figures raise no flag (Moodle: not numeric → not dubious)
    ],
)
def test_flag_bounds(facility, efficiency, flags):
    assert flags_for(blank_item(facility=facility, discriminative_efficiency=efficiency)) == flags


def test_negative_covariance_has_no_effective_weight():
    # "odd" is right exactly when the rest of the test goes badly.
    item_max = {"a": 1.0, "b": 1.0, "odd": 1.0}
    rows = [(1, 1, 0), (1, 1, 0), (1, 0, 0), (0, 0, 1), (0, 1, 1), (0, 0, 1)]
    attempts = [
        attempt(i, dict(zip(item_max, map(float, row), strict=True)), item_max)
        for i, row in enumerate(rows, start=1)
    ]
    items = analyse(attempts).items
    assert items["odd"].negative_covariance is True
    assert items["odd"].effective_weight is None
    assert items["odd"].discrimination_index < 0
    assert "efficiency_low" in items["odd"].flags
    assert items["a"].effective_weight + items["b"].effective_weight == pytest.approx(100)


# ---------------------------------------------------------------------------------------------
# Degenerate data: None, never NaN, infinity or an exception


def test_no_attempts():
    result = analyse([], "first", pass_mark=3)
    quiz = result.quiz
    assert quiz.n == 0
    assert result.items == {}
    for name in ("mean", "median", "sd", "skewness", "kurtosis", "cic", "pass_rate", "mean_pct"):
        assert getattr(quiz, name) is None, name
    assert quiz.histogram == [0] * 10
    assert quiz.max_total is None


def test_one_attempt():
    result = analyse(hand_attempts()[:1], pass_mark=2)
    quiz = result.quiz
    assert (quiz.n, quiz.mean, quiz.median, quiz.pass_rate) == (1, 4.0, 4.0, 1.0)
    assert quiz.sd is None and quiz.skewness is None and quiz.cic is None
    assert quiz.sd_pct is None and quiz.standard_error is None
    item = result.items["A"]
    assert item.facility == 1.0
    assert item.sd is None and item.discrimination_index is None
    assert item.discriminative_efficiency is None and item.effective_weight is None
    assert_no_nan_or_inf(result)


def test_two_and_three_attempts_follow_moodles_thresholds():
    two = analyse(hand_attempts()[:2]).quiz
    assert two.sd == pytest.approx(math.sqrt(0.5))
    # Moodle computes skewness, kurtosis and the CIC only from s > 2 (kurtosis s > 3).
    assert two.skewness is None and two.kurtosis is None and two.cic is None
    three = analyse(hand_attempts()[:3]).quiz
    assert three.skewness == pytest.approx(0.0)  # totals 4, 3, 2 are symmetric
    assert three.kurtosis is None
    assert three.cic is not None
    assert_no_nan_or_inf(three)


def test_everybody_equal():
    item_max = {"A": 1.0, "B": 1.0}
    attempts = [attempt(i, {"A": 0.1, "B": 0.2}, item_max) for i in range(1, 7)]
    result = analyse(attempts, pass_mark=0.3)
    quiz = result.quiz
    assert quiz.sd == 0.0
    assert quiz.skewness is None and quiz.kurtosis is None and quiz.cic is None
    assert quiz.error_ratio is None and quiz.standard_error is None
    assert quiz.pass_rate == 1.0
    for item in result.items.values():
        assert item.sd == 0.0
        assert item.discrimination_index is None
        assert item.discriminative_efficiency is None
        assert item.effective_weight is None  # Σ√cov = 0
    assert result.items["A"].flags == ["facility_low"]
    assert result.items["B"].flags == []  # 0.2 is inside the bounds
    assert_no_nan_or_inf(result)


def test_pass_mark_tolerates_float_noise():
    noisy = sum([0.1] * 6)  # 0.5999999999999999
    attempts = [
        attempt(1, {"A": noisy}, {"A": 1.0}, total=noisy),
        attempt(2, {"A": 0.5}, {"A": 1.0}),
    ]
    assert analyse(attempts, pass_mark=0.6).quiz.pass_rate == 0.5


def test_constant_item_among_varying_ones():
    attempts = hand_attempts()
    item_max = {**ITEM_MAX, "D": 1.0}
    attempts = [
        dataclasses.replace(a, marks={**a.marks, "D": 1.0}, item_max=item_max, total=a.total + 1)
        for a in attempts
    ]
    result = analyse(attempts)
    d = result.items["D"]
    assert d.facility == 1.0 and d.sd == 0.0
    assert d.discrimination_index is None and d.discriminative_efficiency is None
    assert d.effective_weight == 0.0  # covariance 0 → √0 share
    assert d.flags == ["facility_high"]
    # The other weights are unchanged: D adds nothing to the spread.
    assert result.items["A"].effective_weight == approx(31.180445)
    assert_no_nan_or_inf(result)


def test_single_item_has_no_cic_and_no_rest_of_test():
    attempts = [attempt(i, {"A": float(i % 2)}, {"A": 1.0}) for i in range(1, 6)]
    result = analyse(attempts)
    assert result.quiz.cic is None and result.quiz.error_ratio is None
    assert result.quiz.skewness is not None
    item = result.items["A"]
    assert item.discrimination_index is None  # the rest of the test is always 0
    assert item.effective_weight == pytest.approx(100.0)
    assert_no_nan_or_inf(result)


def test_zero_maximum():
    attempts = [attempt(i, {"A": 0.0, "B": 0.0}, {"A": 0.0, "B": 0.0}) for i in range(1, 4)]
    result = analyse(attempts)
    assert result.items["A"].facility is None and result.items["A"].sd is None
    assert result.items["A"].intended_weight is None
    assert result.quiz.mean_pct is None and result.quiz.scores_pct == [None, None, None]
    assert result.quiz.histogram == [0] * 10
    assert_no_nan_or_inf(result)


def test_rule_drawn_papers_analyse_each_item_on_its_own_attempts():
    item_max = {"p": 1.0, "q": 1.0, "r": 1.0}
    papers = [
        {"p": 1.0, "q": 1.0},
        {"p": 0.0, "q": 1.0},
        {"p": 1.0, "r": 0.0},
        {"q": 0.0, "r": 1.0},
        {"p": 0.0, "r": 0.0},
    ]
    attempts = [
        attempt(i, marks, item_max, max_total=2.0) for i, marks in enumerate(papers, start=1)
    ]
    result = analyse(attempts)
    assert {key: item.n for key, item in result.items.items()} == {"p": 4, "q": 3, "r": 3}
    assert result.items["p"].facility == pytest.approx(0.5)
    assert result.quiz.cic is None  # no common set of items
    assert result.quiz.sd is not None
    assert_no_nan_or_inf(result)


def test_histogram_bands():
    assert histogram([0, 9.99, 10, 69.99999999999999, 70, 99.9, 100, 105, -5]) == [
        3,  # 0, 9.99, −5
        1,  # 10
        0,
        0,
        0,
        0,
        0,
        2,  # 70 (and 69.999… from rounding)
        0,
        3,  # 99.9, 100, 105
    ]


# ---------------------------------------------------------------------------------------------
# Workbook


def results_rows() -> list[dict]:
    start = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    return [
        {
            "name": "张三",
            "login": "zhangsan",
            "team": "组织部",
            "started": start,
            "submitted": start + timedelta(minutes=25),
            "score": 4.0,
            "passed": True,
        },
        {
            "name": '=HYPERLINK("http://x")',
            "login": "evil",
            "team": "宣传部\x07",
            "started": datetime(2024, 5, 1, 9, 1),
            "submitted": None,
            "score": 1.5,
            "passed": False,
        },
        {"name": "李四", "login": "lisi", "passed": None},
    ]


def build(labels=None) -> tuple[bytes, object]:
    result = analyse(hand_attempts(), "first", pass_mark=2)
    data = analysis_workbook(
        "政治理论水平测试",
        result.quiz,
        result.items,
        {"A": "1. 单选：党的宗旨", "B": "2. 判断", "C": "3. 多选"},
        results_rows(),
        **({"labels": labels} if labels else {}),
    )
    return data, load_workbook(io.BytesIO(data))


def test_workbook_sheets_and_results():
    data, workbook = build()
    assert data[:2] == b"PK"
    assert workbook.sheetnames == ["成绩", "试卷统计", "试题分析"]
    sheet = workbook["成绩"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "登录名", "单位", "开始时间", "交卷时间", "得分", "是否及格")
    assert rows[1] == (
        "张三",
        "zhangsan",
        "组织部",
        datetime(2024, 5, 1, 9, 0),
        datetime(2024, 5, 1, 9, 25),
        4,
        "是",
    )
    # A formula-looking name stays text; the control character is dropped.
    assert sheet["A3"].value == '=HYPERLINK("http://x")'
    assert sheet["A3"].data_type == "s"
    assert rows[2][2] == "宣传部"
    assert rows[2][4] is None and rows[2][6] == "否"
    assert rows[3] == ("李四", "lisi", None, None, None, None, None)


def test_workbook_quiz_figures():
    _, workbook = build()
    figures = {}
    for label, value in workbook["试卷统计"].iter_rows(min_row=2, values_only=True):
        if label is not None:
            figures[label] = value
    assert figures["试卷"] == "政治理论水平测试"
    assert figures["分析的作答"] == "每人首次作答"
    assert figures["分析的作答数"] == 5
    assert figures["平均分"] == approx(2.2)
    assert figures["平均分（%）"] == approx(55.0)
    assert figures["中位数"] == approx(2.0)
    assert figures["标准差"] == approx(1.483240)
    assert figures["偏度"] == approx(-0.551618)
    assert figures["峰度"] == approx(0.867769)
    assert figures["内部一致性系数 CIC（%）"] == approx(40.909091)
    assert figures["误差比（%）"] == approx(76.870611)
    assert figures["标准误"] == approx(1.140175)
    assert figures["及格率（%）"] == approx(80.0)
    assert figures["0–10%"] == 1
    assert figures["50–60%"] == 2
    assert figures["90–100%"] == 1


def test_workbook_item_rows():
    _, workbook = build()
    rows = list(workbook["试题分析"].iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "试题")
    assert rows[0][-1] == "需复核"
    by_label = {row[1]: row for row in rows[1:]}
    a = by_label["1. 单选：党的宗旨"]
    assert a[0] == 1 and a[2] == 5 and a[3] == 1
    assert a[5] == approx(60.0)  # facility as a percentage
    assert a[6] == approx(54.7723)
    assert a[7] == approx(48.038446)
    assert a[8] == approx(54.545455)
    assert a[9] == approx(31.180445)
    assert a[10] in ("", None)
    assert by_label["2. 判断"][10] == "区分效率低于 15%"
    assert by_label["3. 多选"][5] == approx(50.0)


def test_workbook_labels_can_be_replaced():
    _, workbook = build(labels={"sheet_results": "Results", "name": "Name", "yes": "yes"})
    assert workbook.sheetnames == ["Results", "试卷统计", "试题分析"]
    rows = list(workbook["Results"].iter_rows(values_only=True))
    assert rows[0][0] == "Name" and rows[1][6] == "yes"
    assert set(DEFAULT_LABELS) >= {"sheet_results", "sheet_quiz", "sheet_items"}

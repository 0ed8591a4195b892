"""Item analysis of an exam's attempts, with Moodle's quiz-statistics definitions.

Pure Python (no Flask, no database): the caller turns graded attempts into ``AttemptMarks``
and calls ``analyse``; the figures then compare one for one with Moodle's statistics report.

Sources followed (Moodle's code is the authority where it and the wiki differ):

* Calculations overview: https://docs.moodle.org/dev/Quiz_statistics_calculations
* Which attempts (first / highest / last / all): moodle/moodle ``mod/quiz/report/reportlib.php``
  ``quiz_report_grade_method_sql`` — highest ties go to the earliest attempt.
* Mean, median, SD (n − 1), skewness k3/k2^(3/2), kurtosis k4/k2², CIC, error ratio, standard
  error: ``mod/quiz/report/statistics/classes/calculator.php`` ``calculate()``.
* Facility, item SD, discrimination index, discriminative efficiency (sorted-pairs covariance),
  effective weight: ``question/classes/statistics/questions/calculator.php``
  (``initial_question_walker``, ``secondary_steps_walker``, ``secondary_question_walker``,
  ``calculate``).
* Item SD shown as SD / max mark, "dubious" when efficiency < 15:
  ``mod/quiz/report/statistics/statistics_table.php`` (``col_sd``, ``is_dubious_question``).
* Mean / median / SD / standard error shown as % of the maximum: ``classes/calculated.php``
  ``get_formatted_quiz_info_data``; histogram bands as in ``reportlib.php``
  ``quiz_report_grade_bands`` (100 % goes into the top band).
* Checked against Moodle's own expected values: ``mod/quiz/report/statistics/tests/
  stats_from_steps_walkthrough_test.php`` with ``tests/fixtures/results00.csv`` and
  ``qstats00.csv`` (see ``tests/quiz/test_analysis.py``).

Per formula (n attempts, x an item's marks, r = attempt's item-mark sum − x, t = attempt total):

* mean = Σt / n; median = middle of sorted t (mean of the two middle ones for even n)
* sd = √(Σ(t − mean)² / (n − 1))                                            (n > 1)
* m_j = Σ(t − mean)^j / n; k2 = n·m2/(n−1); k3 = n²·m3/((n−1)(n−2))
* skewness = k3 / k2^(3/2)                                                   (n > 2, k2 ≠ 0)
* k4 = n²((n+1)m4 − 3(n−1)m2²)/((n−1)(n−2)(n−3)); kurtosis = k4 / k2²        (n > 3)
* cic = 100·p/(p−1)·(1 − Σ var(x_i) / k2), p = number of items               (n > 2, p > 1)
* error_ratio = 100·√(1 − cic/100); standard_error = error_ratio/100 · sd
* facility = mean(x) / max mark; item sd = √(Σ(x − x̄)²/(n − 1)) / max mark
* discrimination_index = 100·cov(x, r) / √(var(x)·var(r))  (all with n − 1)
* discriminative_efficiency = 100·cov(x, r) / cov(sorted x, sorted r)
* effective_weight = 100·√cov(x, x + r) / Σ_items √cov(x_i, x_i + r_i), over items whose
  covariance with the total is ≥ 0; an item with a negative one gets none (Moodle: "negcovar")

Undefined figures (too few attempts, zero variance, zero maximum) are ``None``, never NaN or
infinity. Where Moodle would compare a float with zero we test "all values equal" instead, so
that rounding noise on a constant column cannot produce a huge spurious figure.

Deliberate choices beyond Moodle's code:

* quiz-level figures use ``AttemptMarks.total`` (Moodle: ``sumgrades``), item figures the sum of
  ``marks`` (Moodle: ``summarks``), exactly as Moodle does; they agree for fully graded attempts,
  which are the only ones to pass in (Moodle skips attempts whose total is not yet known);
* an item key absent from an attempt means "not in this paper": the item's figures use only the
  attempts that contain it, and the CIC (which needs one common set of items) is ``None`` unless
  every analysed attempt has the same keys — key rule-drawn papers by position to get it;
* percentages are taken per attempt (total / its own max_total), which equals Moodle's scaling
  by the quiz maximum whenever the maximum is the same for everybody.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ItemKey = int | str
Which = Literal["first", "highest", "last", "all"]
WHICH_OPTIONS: tuple[Which, ...] = ("first", "highest", "last", "all")

# Review thresholds of the issue (the 15 is Moodle's ``is_dubious_question``).
FACILITY_LOW = 0.2
FACILITY_HIGH = 0.9
EFFICIENCY_LOW = 15.0
HISTOGRAM_BINS = 10
# A total within this of the pass mark passes: graded sums such as 0.1 + 0.2 carry float noise.
PASS_TOLERANCE = 1e-9


@dataclass(frozen=True)
class AttemptMarks:
    """One graded attempt: its total and the mark of every item in its paper."""

    attempt_id: int
    user_id: int
    attempt_number: int  # 1-based, per user
    total: float
    max_total: float
    marks: Mapping[ItemKey, float]
    item_max: Mapping[ItemKey, float]
    submitted_at: datetime | None = None


@dataclass
class QuizStats:
    which: Which
    n: int
    attempt_counts: dict[str, int]  # n for each of WHICH_OPTIONS, as Moodle lists them
    max_total: float | None  # the common maximum, None when attempts differ
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None  # percent
    error_ratio: float | None  # percent
    standard_error: float | None  # marks
    mean_pct: float | None
    median_pct: float | None
    sd_pct: float | None
    standard_error_pct: float | None
    pass_rate: float | None  # fraction 0–1
    histogram: list[int]  # counts for 0–10 %, 10–20 %, …, 90–100 % (100 % in the last)
    scores_pct: list[float | None] = field(default_factory=list)  # per analysed attempt


@dataclass
class ItemStats:
    key: ItemKey
    n: int
    max_mark: float
    intended_weight: float | None  # percent of the total maximum
    mean: float | None  # in marks
    facility: float | None  # fraction 0–1
    sd: float | None  # fraction of the max mark
    discrimination_index: float | None  # percent
    discriminative_efficiency: float | None  # percent
    effective_weight: float | None  # percent
    negative_covariance: bool
    flags: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    quiz: QuizStats
    items: dict[ItemKey, ItemStats]


def select_attempts(attempts: Iterable[AttemptMarks], which: Which) -> list[AttemptMarks]:
    """Moodle's "attempts to analyse", keeping the input order."""
    if which not in WHICH_OPTIONS:
        raise ValueError(f"which must be one of {WHICH_OPTIONS}, not {which!r}")
    attempts = list(attempts)
    if which == "all":
        return attempts
    chosen: dict[int, AttemptMarks] = {}
    for attempt in attempts:
        best = chosen.get(attempt.user_id)
        if best is None or _better(attempt, best, which):
            chosen[attempt.user_id] = attempt
    keep = {id(a) for a in chosen.values()}
    return [a for a in attempts if id(a) in keep]


def _better(candidate: AttemptMarks, current: AttemptMarks, which: Which) -> bool:
    if which == "first":
        return candidate.attempt_number < current.attempt_number
    if which == "last":
        return candidate.attempt_number > current.attempt_number
    # highest: the greater total; on a tie the earlier attempt, as Moodle's SQL does.
    if candidate.total != current.total:
        return candidate.total > current.total
    return candidate.attempt_number < current.attempt_number


def analyse(
    attempts: Iterable[AttemptMarks],
    which: Which = "first",
    pass_mark: float | None = None,
) -> Analysis:
    """Quiz and per-item statistics of the chosen attempts (pass only graded attempts)."""
    attempts = list(attempts)
    selected = select_attempts(attempts, which)
    items = item_statistics(selected)
    counts = {option: len(select_attempts(attempts, option)) for option in WHICH_OPTIONS}
    quiz = quiz_statistics(selected, which, pass_mark, items, counts)
    return Analysis(quiz=quiz, items=items)


# ---------------------------------------------------------------------------------------------
# Test (quiz-level) statistics


def quiz_statistics(
    selected: Sequence[AttemptMarks],
    which: Which,
    pass_mark: float | None,
    items: Mapping[ItemKey, ItemStats],
    attempt_counts: dict[str, int] | None = None,
) -> QuizStats:
    totals = [float(a.total) for a in selected]
    n = len(totals)
    maxima = {float(a.max_total) for a in selected}
    pcts = [100.0 * a.total / a.max_total if a.max_total > 0 else None for a in selected]
    all_pcts = [p for p in pcts if p is not None] if None not in pcts else []

    mean = _mean(totals) if n else None
    median = statistics.median(totals) if n else None
    sd = skewness = kurtosis = cic = error_ratio = standard_error = None
    if n > 1:
        assert mean is not None
        deviations = [t - mean for t in totals]
        power2 = math.fsum(d * d for d in deviations)
        sd = math.sqrt(power2 / (n - 1))
        # Moodle nests skewness, kurtosis and the CIC inside "s > 2 and k2 != 0".
        if n > 2 and not _constant(totals):
            m2 = power2 / n
            m3 = math.fsum(d**3 for d in deviations) / n
            m4 = math.fsum(d**4 for d in deviations) / n
            k2 = n * m2 / (n - 1)
            k3 = n * n * m3 / ((n - 1) * (n - 2))
            skewness = k3 / k2**1.5
            if n > 3:
                k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
                kurtosis = k4 / (k2 * k2)
            cic = _cic(selected, items, k2)
            if cic is not None:
                error_ratio = _error_ratio(cic)
                if error_ratio is not None:
                    standard_error = error_ratio * sd / 100

    sd_pct = statistics.stdev(all_pcts) if len(all_pcts) > 1 else None
    return QuizStats(
        which=which,
        n=n,
        attempt_counts=dict(attempt_counts or {which: n}),
        max_total=maxima.pop() if len(maxima) == 1 else None,
        mean=mean,
        median=median,
        sd=sd,
        skewness=skewness,
        kurtosis=kurtosis,
        cic=cic,
        error_ratio=error_ratio,
        standard_error=standard_error,
        mean_pct=_mean(all_pcts) if all_pcts else None,
        median_pct=statistics.median(all_pcts) if all_pcts else None,
        sd_pct=sd_pct,
        standard_error_pct=(
            error_ratio * sd_pct / 100 if error_ratio is not None and sd_pct is not None else None
        ),
        pass_rate=(
            sum(t >= pass_mark - PASS_TOLERANCE for t in totals) / n
            if pass_mark is not None and n
            else None
        ),
        histogram=histogram(p for p in pcts if p is not None),
        scores_pct=pcts,
    )


def _cic(
    selected: Sequence[AttemptMarks], items: Mapping[ItemKey, ItemStats], k2: float
) -> float | None:
    """Cronbach's α × 100 on the marks; needs one common set of p > 1 items."""
    keys = set(selected[0].marks)
    p = len(keys)
    if p < 2 or any(set(a.marks) != keys for a in selected):
        return None
    # Σ of the raw (unnormalised) sample variances of the item marks, as Moodle sums them.
    sum_variance = math.fsum(_variance([float(a.marks[key]) for a in selected]) for key in keys)
    return (100 * p / (p - 1)) * (1 - sum_variance / k2)


def _error_ratio(cic: float) -> float | None:
    remainder = 1 - cic / 100
    if remainder < 0:
        # CIC ≤ 100 in exact arithmetic; clamp rounding noise, and give up (Moodle stores
        # NULL for its NaN) on anything larger.
        if remainder > -1e-9:
            return 0.0
        return None
    return 100 * math.sqrt(remainder)


def histogram(percentages: Iterable[float]) -> list[int]:
    """Counts per 10 % band; 100 % (and any bonus above) in the top band, below 0 in the first."""
    counts = [0] * HISTOGRAM_BINS
    width = 100 / HISTOGRAM_BINS
    for pct in percentages:
        # Round first so that 70 % computed as 69.99999999999999 lands in the 70–80 band.
        band = math.floor(round(pct, 9) / width)
        counts[min(max(band, 0), HISTOGRAM_BINS - 1)] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# Question (item) statistics


@dataclass
class _ItemData:
    marks: list[float] = field(default_factory=list)
    rest: list[float] = field(default_factory=list)  # item-mark sum minus this item's mark
    sums: list[float] = field(default_factory=list)  # item-mark sum of the attempt
    maxima: list[float] = field(default_factory=list)
    totals_max: list[float] = field(default_factory=list)


def item_statistics(selected: Sequence[AttemptMarks]) -> dict[ItemKey, ItemStats]:
    data: dict[ItemKey, _ItemData] = {}
    for attempt in selected:
        summarks = math.fsum(float(m) for m in attempt.marks.values())
        for key, mark in attempt.marks.items():
            entry = data.setdefault(key, _ItemData())
            entry.marks.append(float(mark))
            entry.rest.append(summarks - float(mark))
            entry.sums.append(summarks)
            entry.maxima.append(float(attempt.item_max.get(key, 0.0)))
            entry.totals_max.append(float(attempt.max_total))

    stats: dict[ItemKey, ItemStats] = {}
    covariance_with_total: dict[ItemKey, float | None] = {}
    for key, entry in data.items():
        stats[key], covariance_with_total[key] = _item(key, entry)

    # Effective weight: each item's √cov(item, total) over the sum of those that are ≥ 0.
    roots = math.fsum(
        math.sqrt(c) for c in covariance_with_total.values() if c is not None and c >= 0
    )
    for key, item in stats.items():
        covariance = covariance_with_total[key]
        if roots > 0 and covariance is not None and not item.negative_covariance:
            item.effective_weight = 100 * math.sqrt(covariance) / roots
    return stats


def _item(key: ItemKey, entry: _ItemData) -> tuple[ItemStats, float | None]:
    marks, rest = entry.marks, entry.rest
    n = len(marks)
    # Moodle keeps one maximum per slot; if a regrade changed it, the largest is the fair one.
    max_mark = max(entry.maxima)
    mean = _mean(marks)
    facility = mean / max_mark if max_mark != 0 else None
    total_max = max(entry.totals_max)
    intended = 100 * max_mark / total_max if total_max > 0 else None

    sd = discrimination = efficiency = covariance_total = None
    negative = False
    if n > 1:
        variance = _variance(marks)
        covariance = _covariance(marks, rest)
        covariance_total = _covariance(marks, entry.sums)
        negative = covariance_total < 0
        sd = math.sqrt(variance) / max_mark if max_mark != 0 else None
        # Both are undefined when either column is constant (zero variance / zero maximum
        # covariance — the sorted covariance is 0 only then, by Chebyshev's sum inequality).
        if not _constant(marks) and not _constant(rest):
            discrimination = 100 * covariance / math.sqrt(variance * _variance(rest))
            efficiency = 100 * covariance / _covariance(sorted(marks), sorted(rest))

    item = ItemStats(
        key=key,
        n=n,
        max_mark=max_mark,
        intended_weight=intended,
        mean=mean,
        facility=facility,
        sd=sd,
        discrimination_index=discrimination,
        discriminative_efficiency=efficiency,
        effective_weight=None,
        negative_covariance=negative,
    )
    item.flags = flags_for(item)
    return item, covariance_total


def flags_for(item: ItemStats) -> list[str]:
    """Review flags: facility outside 0.2–0.9, or efficiency below 15 (Moodle's "dubious")."""
    flags = []
    if item.facility is not None and item.facility < FACILITY_LOW:
        flags.append("facility_low")
    if item.facility is not None and item.facility > FACILITY_HIGH:
        flags.append("facility_high")
    if (
        item.discriminative_efficiency is not None
        and item.discriminative_efficiency < EFFICIENCY_LOW
    ):
        flags.append("efficiency_low")
    return flags


# ---------------------------------------------------------------------------------------------
# Small exact-where-possible helpers


def _constant(values: Sequence[float]) -> bool:
    return not values or max(values) == min(values)


def _mean(values: Sequence[float]) -> float:
    # A constant column keeps its exact value, so its deviations are exactly zero.
    if _constant(values):
        return values[0]
    return math.fsum(values) / len(values)


def _variance(values: Sequence[float]) -> float:
    return _covariance(values, values)


def _covariance(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Sample covariance (n − 1), the denominator Moodle uses throughout."""
    mx, my = _mean(xs), _mean(ys)
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)

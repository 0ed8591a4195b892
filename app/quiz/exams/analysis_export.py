"""An exam's results and item analysis → an .xlsx workbook for download.

Three sheets: 成绩 (one row per attempt, from ``results_rows``), 试卷统计 (the test figures of
``QuizStats`` and its score histogram) and 试题分析 (one row per item of ``ItemStats`` with its
review flags). Free of Flask: the Chinese wording is the default of the ``labels`` argument, and
any subset of it can be replaced (another language, other terms).

Percent figures are written on Moodle's 0–100 scale (facility 60 for 0.6), so the sheets read like
Moodle's statistics report. Text starting with "=" is stored as text, never as a formula (names
and teams come from users), and characters Excel cannot store are dropped. Excel has no time
zones: aware datetimes are written with their own wall-clock time, so pass local times.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.quiz.exams.analysis import HISTOGRAM_BINS, ItemKey, ItemStats, QuizStats

RESULT_COLUMNS = ("name", "login", "team", "started", "submitted", "score", "passed")

DEFAULT_LABELS: dict[str, str] = {
    # sheet names
    "sheet_results": "成绩",
    "sheet_quiz": "试卷统计",
    "sheet_items": "试题分析",
    # 成绩
    "name": "姓名",
    "login": "登录名",
    "team": "单位",
    "started": "开始时间",
    "submitted": "交卷时间",
    "score": "得分",
    "passed": "是否及格",
    "yes": "是",
    "no": "否",
    # 试卷统计
    "figure": "统计项",
    "value": "数值",
    "exam": "试卷",
    "which": "分析的作答",
    "which_first": "每人首次作答",
    "which_highest": "每人最高分作答",
    "which_last": "每人最后一次作答",
    "which_all": "全部作答",
    "attempts_first": "首次作答数",
    "attempts_all": "全部作答数",
    "n": "分析的作答数",
    "max_total": "满分",
    "mean": "平均分",
    "mean_pct": "平均分（%）",
    "median": "中位数",
    "median_pct": "中位数（%）",
    "sd": "标准差",
    "sd_pct": "标准差（%）",
    "skewness": "偏度",
    "kurtosis": "峰度",
    "cic": "内部一致性系数 CIC（%）",
    "error_ratio": "误差比（%）",
    "standard_error": "标准误",
    "standard_error_pct": "标准误（%）",
    "pass_rate": "及格率（%）",
    "histogram": "分数段分布",
    "band": "分数段",
    "count": "人次",
    # 试题分析
    "number": "序号",
    "item": "试题",
    "item_n": "作答数",
    "max_mark": "满分",
    "intended_weight": "预定权重（%）",
    "facility": "难度系数（得分率 %）",
    "item_sd": "标准差（%）",
    "discrimination_index": "区分度（%）",
    "discriminative_efficiency": "区分效率（%）",
    "effective_weight": "有效权重（%）",
    "flags": "需复核",
    "negative_covariance": "与总分负相关",
    "facility_low": "得分率低于 20%（过难）",
    "facility_high": "得分率高于 90%（过易）",
    "efficiency_low": "区分效率低于 15%",
}

NUMBER_FORMAT = "0.00##"  # 2 to 4 decimals: percentages and skewness alike
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
HEADER_FONT = Font(bold=True)


def analysis_workbook(
    exam_title: str,
    quiz_stats: QuizStats,
    item_stats: Mapping[ItemKey, ItemStats] | Iterable[ItemStats],
    item_labels: Mapping[ItemKey, str],
    results_rows: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str] | None = None,
) -> bytes:
    """The workbook as bytes; ``results_rows`` carry the keys of ``RESULT_COLUMNS``."""
    words = {**DEFAULT_LABELS, **(labels or {})}
    items = list(item_stats.values() if isinstance(item_stats, Mapping) else item_stats)

    workbook = Workbook()
    results = workbook.active
    results.title = words["sheet_results"]
    _results_sheet(results, results_rows, words)
    _quiz_sheet(workbook.create_sheet(words["sheet_quiz"]), exam_title, quiz_stats, words)
    _items_sheet(workbook.create_sheet(words["sheet_items"]), items, item_labels, words)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _results_sheet(
    sheet: Worksheet, rows: Sequence[Mapping[str, Any]], words: Mapping[str, str]
) -> None:
    _header(sheet, [words[key] for key in RESULT_COLUMNS], widths=[14, 16, 24, 20, 20, 8, 10])
    for row in rows:
        values = [row.get(key) for key in RESULT_COLUMNS]
        passed = values[-1]
        values[-1] = "" if passed is None else words["yes"] if passed else words["no"]
        _append(sheet, values)
    sheet.freeze_panes = "A2"


def _quiz_sheet(sheet: Worksheet, title: str, stats: QuizStats, words: Mapping[str, str]) -> None:
    _header(sheet, [words["figure"], words["value"]], widths=[28, 16])
    pass_rate = None if stats.pass_rate is None else 100 * stats.pass_rate
    figures: list[tuple[str, Any]] = [
        ("exam", title),
        ("which", words.get(f"which_{stats.which}", stats.which)),
        ("attempts_first", stats.attempt_counts.get("first")),
        ("attempts_all", stats.attempt_counts.get("all")),
        ("n", stats.n),
        ("max_total", stats.max_total),
        ("mean", stats.mean),
        ("mean_pct", stats.mean_pct),
        ("median", stats.median),
        ("median_pct", stats.median_pct),
        ("sd", stats.sd),
        ("sd_pct", stats.sd_pct),
        ("skewness", stats.skewness),
        ("kurtosis", stats.kurtosis),
        ("cic", stats.cic),
        ("error_ratio", stats.error_ratio),
        ("standard_error", stats.standard_error),
        ("standard_error_pct", stats.standard_error_pct),
        ("pass_rate", pass_rate),
    ]
    for key, value in figures:
        _append(sheet, [words[key], value])

    sheet.append([])
    _append(sheet, [words["histogram"]])
    sheet.cell(row=sheet.max_row, column=1).font = HEADER_FONT
    _append(sheet, [words["band"], words["count"]])
    for column in (1, 2):
        sheet.cell(row=sheet.max_row, column=column).font = HEADER_FONT
    width = 100 // HISTOGRAM_BINS
    for index, count in enumerate(stats.histogram):
        _append(sheet, [f"{index * width}–{(index + 1) * width}%", count])


def _items_sheet(
    sheet: Worksheet,
    items: list[ItemStats],
    item_labels: Mapping[ItemKey, str],
    words: Mapping[str, str],
) -> None:
    keys = [
        "number",
        "item",
        "item_n",
        "max_mark",
        "intended_weight",
        "facility",
        "item_sd",
        "discrimination_index",
        "discriminative_efficiency",
        "effective_weight",
        "flags",
    ]
    _header(sheet, [words[key] for key in keys], widths=[6, 40, 8, 8, 12, 14, 12, 12, 12, 12, 30])
    for number, item in enumerate(items, start=1):
        effective: Any = item.effective_weight
        if item.negative_covariance:
            effective = words["negative_covariance"]  # as Moodle shows it in this column
        _append(
            sheet,
            [
                number,
                item_labels.get(item.key, str(item.key)),
                item.n,
                item.max_mark,
                item.intended_weight,
                None if item.facility is None else 100 * item.facility,
                None if item.sd is None else 100 * item.sd,
                item.discrimination_index,
                item.discriminative_efficiency,
                effective,
                "；".join(words.get(flag, flag) for flag in item.flags),
            ],
        )
    sheet.freeze_panes = "C2"


def _header(sheet: Worksheet, titles: list[str], widths: list[int]) -> None:
    sheet.append(titles)
    for column, width in enumerate(widths, start=1):
        sheet.cell(row=1, column=column).font = HEADER_FONT
        sheet.column_dimensions[get_column_letter(column)].width = width


def _append(sheet: Worksheet, values: list[Any]) -> None:
    cleaned = [_clean(value) for value in values]
    sheet.append(cleaned)
    row = sheet.max_row
    for column, value in enumerate(cleaned, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # user text, never a formula
        elif isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, float):
            cell.number_format = NUMBER_FORMAT


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | date | time):
        return value
    # Decimal scores and anything else numeric-like: Excel wants a float.
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)

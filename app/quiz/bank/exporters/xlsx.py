"""Questions → the Chinese Excel import template (.xlsx), so that importing an export gives
the same questions back.

One sheet "题库" with the template's header (题型 题干 选项A… 答案 解析 难度 知识点 分值 出处
标签, plus 标题 / 关联课时 when any question has one). Answers are written in the import
conventions: letters ``ABD`` for choices, 正确/错误 for 判断, ``a/b|c`` for blanks; the
category path is joined with "/", tags with "、". At least four option columns are written,
more if a question needs them. Text starting with "=" is stored as text, never as a formula,
and characters Excel cannot store (control characters) are dropped.

What the template cannot carry back: leading/trailing spaces (the importer trims cells), a
tag containing a separator (space , ， 、 ; ；), a category level containing "/" or ">", and
a blank answer containing "|", "；" or "/".
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.quiz.bank.importers.base import (
    CHOICE_TYPES,
    LETTERS,
    TYPE_LABELS,
    ParsedQuestion,
    format_blank_answer,
    format_choice_answer,
    format_judge_answer,
)
from app.quiz.bank.importers.table import HEADERS, OPTION_KEYS

SHEET_TITLE = "题库"
MIN_OPTION_COLUMNS = 4
WIDTHS = {
    "type": 10,
    "stem": 48,
    "answer": 10,
    "explanation": 40,
    "difficulty": 6,
    "category": 22,
    "points": 6,
    "source": 22,
    "tags": 18,
    "title": 20,
    "source_lesson": 28,
}
OPTION_WIDTH = 18
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center")


def columns_for(questions: list[ParsedQuestion], option_columns: int | None = None) -> list[str]:
    """The keys of the columns to write, in the template's order."""
    widest = max((len(q.options) for q in questions), default=0)
    count = option_columns or min(max(MIN_OPTION_COLUMNS, widest), len(LETTERS))
    keys = [
        "type",
        "stem",
        *OPTION_KEYS[:count],
        "answer",
        "explanation",
        "difficulty",
        "category",
        "points",
        "source",
        "tags",
    ]
    if any(q.title for q in questions):
        keys.append("title")
    if any(q.source_lesson for q in questions):
        keys.append("source_lesson")
    return keys


def answer_text(question: ParsedQuestion) -> str:
    answer = question.answer
    if question.type in CHOICE_TYPES:
        return format_choice_answer(list(answer or []))
    if question.type == "judge":
        return format_judge_answer(bool(answer)) if isinstance(answer, bool) else ""
    if question.type == "blank":
        return format_blank_answer(answer or [])
    return str(answer or "")


def _points(value: Decimal | None) -> Any:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    # keep it a number when a float holds it exactly as written, else write the text
    return as_float if Decimal(repr(as_float)) == value else str(value)


def row_values(question: ParsedQuestion, keys: list[str]) -> list[Any]:
    values: dict[str, Any] = {
        "type": TYPE_LABELS.get(question.type, question.type),
        "stem": question.stem,
        "answer": answer_text(question),
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "category": "/".join(question.category),
        "points": _points(question.points),
        "source": question.source,
        "tags": "、".join(question.tags),
        "title": question.title,
        "source_lesson": question.source_lesson,
    }
    for key, option in zip(OPTION_KEYS, question.options, strict=False):
        values[key] = option
    return [values.get(key) for key in keys]


def write_header(sheet: Worksheet, keys: list[str]) -> None:
    sheet.append([HEADERS[key] for key in keys])
    for index, key in enumerate(keys, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        width = OPTION_WIDTH if key in OPTION_KEYS else WIDTHS.get(key, 12)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def write_rows(sheet: Worksheet, questions: list[ParsedQuestion], keys: list[str]) -> None:
    for row, question in enumerate(questions, start=2):
        values = [_clean(value) for value in row_values(question, keys)]
        sheet.append(values)
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and value.startswith("="):
                # openpyxl takes "=…" for a formula; a stem is text
                sheet.cell(row=row, column=column).data_type = "s"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def build_workbook(
    questions: list[ParsedQuestion], option_columns: int | None = None
) -> tuple[Workbook, Worksheet, list[str]]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    keys = columns_for(questions, option_columns)
    write_header(sheet, keys)
    write_rows(sheet, questions, keys)
    return workbook, sheet, keys


def export_xlsx(questions: list[ParsedQuestion], bank_name: str = "") -> bytes:
    workbook, _, _ = build_workbook(questions)
    if bank_name:
        workbook.properties.title = _clean(bank_name)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

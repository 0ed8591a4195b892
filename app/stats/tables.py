"""A statistics table: what a page shows, a chart draws and an export writes, from one place.

``Table`` holds headings and rows of plain values (text, numbers, ``None`` for "—"); pages
render it, ``to_xlsx`` and ``to_csv`` write it. Cells come from users (names, unit names,
commentary): any text a spreadsheet would read as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return, OWASP's list) is neutralised — a leading
apostrophe in CSV, a string cell (never a formula) with the same apostrophe in xlsx.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    title: str
    headings: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # column indexes holding rates (0–1): shown and exported as percentages
    rate_columns: tuple[int, ...] = ()
    # figure key of each column that holds a registry figure (index → key)
    keys: dict[int, str] = field(default_factory=dict)

    def display(self, row: list[Any], index: int) -> str:
        return display(row[index], index in self.rate_columns)


def display(value: Any, rate: bool = False) -> str:
    if value is None:
        return "—"
    if rate:
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def neutralise(text: str) -> str:
    """Text a spreadsheet must never evaluate: a formula-looking start gets an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any, rate: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return round(value * 100, 1) if rate else value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _headings(table: Table) -> list[str]:
    return [
        f"{heading} (%)" if index in table.rate_columns else heading
        for index, heading in enumerate(table.headings)
    ]


def to_csv(tables: list[Table]) -> bytes:
    """UTF-8 with a BOM (Excel opens it as UTF-8); tables one after another."""
    out = io.StringIO()
    writer = csv.writer(out)
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        if len(tables) > 1:
            writer.writerow([neutralise(table.title)])
        writer.writerow([neutralise(h) for h in _headings(table)])
        for row in table.rows:
            writer.writerow([_cell(value, i in table.rate_columns) for i, value in enumerate(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for number, table in enumerate(tables, start=1):
        sheet = book.create_sheet(_sheet_name(table.title, number, used))
        sheet.append([neutralise(h) for h in _headings(table)])
        for column in range(1, len(table.headings) + 1):
            sheet.cell(row=1, column=column).font = Font(bold=True)
            sheet.column_dimensions[get_column_letter(column)].width = 16
        for row in table.rows:
            values = [_cell(value, i in table.rate_columns) for i, value in enumerate(row)]
            sheet.append(values)
            for column, value in enumerate(values, start=1):
                if isinstance(value, str):
                    sheet.cell(row=sheet.max_row, column=column).data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, number: int, used: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:28] or f"Sheet{number}"
    while name in used:
        name = f"{name[:25]}_{number}"
    used.add(name)
    return name

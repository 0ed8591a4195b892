"""The Chinese Excel template (.xlsx). Columns and row rules: see ``table``.

Sheets
    Every visible worksheet whose rows include a recognised header (see ``table``) is read,
    in workbook order; other sheets (a 填写说明 sheet, lookup lists) and hidden sheets are
    skipped. Locations read ``工作表“Sheet1”第 5 行`` with Excel's own row numbers.
Values
    Cached values are read, so a formula cell gives what Excel shows. A merged range's value
    (its top-left cell) applies to every cell it covers, e.g. one 题型 cell merged down a
    block of rows; merges that start above the header row are ignored.
Speed
    openpyxl's read-only mode streams the sheet but cannot see merged ranges. Those are listed
    at the end of the sheet's XML as ``<mergeCell ref="A2:A9"/>``, so they are picked out of
    the raw sheet bytes with one pattern search before the rows are streamed, and applied
    only to the template's columns — cost linear in rows x recognised columns, whatever the
    merges say. The sheet's own ``<dimension>`` is ignored (some generators write it wrong,
    and read-only mode would silently cut rows or columns to it).
Safety
    The ZIP is checked against bombs first (``detect.open_zip``). openpyxl parses with
    defusedxml when it is installed (``openpyxl.xml.DEFUSEDXML``), so entity tricks raise
    instead of expanding. Whatever goes wrong while reading becomes ``ImportRejected``.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from typing import Any

import openpyxl
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.utils.cell import range_boundaries

from . import csv_format
from .base import ImportRejected, ParseResult
from .detect import looks_like_text_table, open_office_package
from .table import TableReader, no_header_message

MAX_MERGED_RANGES = 100_000
_MERGE_REF = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z0-9:$]+)[\"']")

CORRUPT_MESSAGE = _l("无法读取 Excel 文件：文件可能已损坏，或不是有效的 .xlsx 文件")


def parse(data: bytes, filename: str) -> ParseResult:
    if looks_like_text_table(data):
        return csv_format.parse(data, filename)
    archive = open_office_package(data, "xlsx")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about unsupported extensions, data validation, styles …
            warnings.simplefilter("ignore")
            return _parse_workbook(data, archive)
    except ImportRejected:
        raise
    except Exception as exc:
        raise ImportRejected(CORRUPT_MESSAGE) from exc
    finally:
        archive.close()


def _parse_workbook(data: bytes, archive: zipfile.ZipFile) -> ParseResult:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    result = ParseResult()
    found = False
    candidate = None
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            reader = _read_sheet(sheet, archive, result)
            found = reader.found_header or found
            candidate = candidate or reader.candidate
    finally:
        workbook.close()
    if not found:
        raise ImportRejected(no_header_message(candidate))
    if not result.questions and not result.errors:
        raise ImportRejected(_("表格中没有填写题目"))
    return result


def _read_sheet(sheet: Any, archive: zipfile.ZipFile, result: ParseResult) -> TableReader:
    # translated once per sheet, not once per row
    row_at = _("工作表“%(sheet)s”第 %(row)d 行")
    title = sheet.title
    reader = TableReader(result, lambda number: row_at % {"sheet": title, "row": number})
    merges = _merged_ranges(archive, sheet)
    sheet.reset_dimensions()
    rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
    if not merges:
        for number, row in enumerate(rows, start=1):
            reader.feed(number, row)
        reader.close()
        return reader

    merges.sort()
    pending = 0
    # column index → (last row, value) of the merged range covering it right now
    fill: dict[int, tuple[int, Any]] = {}
    header = None
    for number, row in enumerate(rows, start=1):
        if reader.header is not header:
            header = reader.header
            fill.clear()
        while pending < len(merges) and merges[pending][0] <= number:
            top, left, bottom, right = merges[pending]
            pending += 1
            if header is None:
                continue
            value = row[left] if top == number and left < len(row) else None
            for index in header.columns.values():
                if left <= index <= right:
                    fill[index] = (bottom, value)
        if fill:
            row = _apply(fill, number, row)
        reader.feed(number, row)
    reader.close()
    return reader


def _apply(fill: dict[int, tuple[int, Any]], number: int, row: tuple) -> list:
    cells = list(row)
    for index, (bottom, value) in list(fill.items()):
        if number > bottom:
            del fill[index]
            continue
        if index >= len(cells):
            cells.extend([None] * (index + 1 - len(cells)))
        cells[index] = value
    return cells


def _merged_ranges(archive: zipfile.ZipFile, sheet: Any) -> list[tuple[int, int, int, int]]:
    """(top row, left column index, bottom row, right column index) of each merged range."""
    # openpyxl keeps the sheet's part name on the read-only sheet; without it there is
    # nothing to scan and the sheet is read as if it had no merges.
    path = str(getattr(sheet, "_worksheet_path", "") or "").lstrip("/")
    try:
        xml = archive.read(path)
    except KeyError:
        return []
    if b"mergeCell" not in xml:
        return []
    ranges = []
    for match in _MERGE_REF.finditer(xml, max(0, xml.find(b"mergeCell") - 10)):
        if len(ranges) >= MAX_MERGED_RANGES:
            raise ImportRejected(_("工作表中的合并单元格过多，疑似异常文件，已拒绝导入"))
        try:
            left, top, right, bottom = range_boundaries(match.group(1).decode("ascii"))
        except (ValueError, TypeError):
            continue
        if None in (left, top, right, bottom):
            continue
        ranges.append((top, left - 1, bottom, right - 1))
    return ranges

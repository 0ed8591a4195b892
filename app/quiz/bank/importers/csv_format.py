"""CSV with the same columns as the Excel template (see ``table``).

Encoding
    Detected, never asked: UTF-16 with BOM, then UTF-8 (with or without BOM, strictly), then
    GB18030 — which covers GBK, what Excel's plain "CSV（逗号分隔）" writes on Chinese
    Windows. A file that is none of these is refused, saying so.
Delimiter
    Comma, tab or semicolon: the one that turns a line among the first 50 into a recognised
    header row wins (comma if none does — and then the file is refused for lacking a header).
Disguised files
    Some systems export tab- or comma-separated text under an ``.xlsx``/``.xls`` name; such a
    file (see ``detect.looks_like_text_table``) is read here, with a note saying so.
Locations
    ``第 N 行`` counts records the way a spreadsheet shows them: a quoted cell that contains
    line breaks is still one row.
"""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from .base import ImportIssue, ImportRejected, ParseResult, decode_text
from .table import TableReader, match_header, no_header_message

DELIMITERS = (",", "\t", ";")
HEADER_SEARCH_LINES = 50


def _delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_LINES] if line.strip()]
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        if any(match_header(row) for row in rows):
            return delimiter
    return ","


def _encoding_name(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "GBK"
    return "UTF-8"


def parse(data: bytes, filename: str) -> ParseResult:
    text = decode_text(data).lstrip("\ufeff")
    delimiter = _delimiter(text)
    result = ParseResult()
    row_at = _("第 %(n)d 行")  # translated once, not once per row
    reader = TableReader(result, lambda number: row_at % {"n": number})
    number = 0
    try:
        for number, row in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            reader.feed(number, row)
        reader.close()
    except csv.Error as exc:
        raise ImportRejected(
            _(
                "第 %(n)d 行：CSV 格式错误（引号不成对或单元格内容过长），请检查后再导入",
                n=number + 1,
            )
        ) from exc
    if not reader.found_header:
        raise ImportRejected(no_header_message(reader.candidate))
    if filename.lower().endswith((".xlsx", ".xls")):
        kind = (
            _("制表符分隔")
            if delimiter == "\t"
            else _("逗号分隔")
            if delimiter == ","
            else _("分号分隔")
        )
        result.notes.insert(
            0,
            ImportIssue(
                filename,
                _(
                    "文件名是 Excel 文件，内容却是%(kind)s的文本（%(encoding)s），已按文本表格读取",
                    kind=kind,
                    encoding=_encoding_name(data),
                ),
            ),
        )
    if not result.questions and not result.errors:
        raise ImportRejected(_("文件中没有填写题目"))
    return result

"""Word (.docx) question banks, read with python-docx in document order.

Paragraphs
    The same layout as the text importer (``chinese_text``): each body paragraph is one line,
    a soft line break (Shift+Enter) inside it starts another line of the same paragraph.
    Location ``第 N 段`` counts the body paragraphs, empty ones included.
Word's automatic numbering
    Many banks number stems (1. 2. …) and options (A. B. …) with Word lists, so the numbers
    are not in the paragraph text. They are rendered from the numbering definitions the way
    Word shows them — the level's format (decimal, upperLetter, chineseCounting …) in its
    ``lvlText`` such as ``%1.`` or ``（%1）`` — and put in front of the text. Counters run per
    list and restart where the document overrides the start; bullets add nothing.
Tables
    A table whose first rows contain the Excel template's header (题型, 题干, 答案 …) is read
    row by row like the Excel template (``table``), located ``第 T 个表格第 R 行``. Any other
    table is treated as text: its cells' paragraphs, row by row, are fed to the text layout,
    located ``第 T 个表格第 R 行第 C 列`` (a merged cell is read once).
Safety
    The ZIP is checked against bombs before python-docx opens it; python-docx parses with
    entity resolution off. Anything that goes wrong while reading becomes ``ImportRejected``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .base import ImportRejected, ParseResult
from .chinese_layout import repeated_lines
from .chinese_text import TextParser
from .detect import open_office_package
from .table import TableReader, match_header

CORRUPT_MESSAGE = _l("无法读取 Word 文件：文件可能已损坏，或不是有效的 .docx 文件")
HEADER_SEARCH_ROWS = 5

_CHINESE_DIGITS = "零一二三四五六七八九"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_LEVEL_REF = re.compile(r"%([1-9])")


def _letters(n: int) -> str:
    # Word repeats the letter: 27 → AA, 28 → BB
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = []
    for value, numeral in _ROMAN:
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def _chinese(n: int) -> str:
    if n < 10:
        return _CHINESE_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return (
            (_CHINESE_DIGITS[tens] if tens > 1 else "")
            + "十"
            + (_CHINESE_DIGITS[ones] if ones else "")
        )
    return str(n)


def _format_number(n: int, fmt: str) -> str:
    if fmt == "upperLetter":
        return _letters(n) if n > 0 else ""
    if fmt == "lowerLetter":
        return _letters(n).lower() if n > 0 else ""
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "chineseLegalSimplified",
        "japaneseCounting",
        "taiwaneseCounting",
        "ideographDigital",
    ):
        return _chinese(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _HEAVENLY_STEMS[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt.startswith("decimalFullWidth"):
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _int_attr(element: Any, name: str, default: int | None = None) -> int | None:
    if element is None:
        return default
    value = element.get(qn(name))
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class _ListLabels:
    """Renders the label Word shows in front of a numbered paragraph."""

    def __init__(self, document: Any):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[int, tuple[str, dict[int, int]]] = {}
        self.counters: dict[object, list[int | None]] = {}
        self.style_numbering: dict[str, tuple[int, int] | None] = {}
        self.styles = None
        try:
            numbering = document.part.numbering_part.element
            self.styles = document.styles.element
        except Exception:
            return
        for abstract in numbering.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.findall(qn("w:lvl")):
                ilvl = _int_attr(lvl, "w:ilvl", 0) or 0
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                levels[ilvl] = (
                    fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
                    text.get(qn("w:val"), "") if text is not None else "",
                    _int_attr(lvl.find(qn("w:start")), "w:val", 1) or 0,
                )
            self.levels[abstract.get(qn("w:abstractNumId"), "")] = levels
        for num in numbering.findall(qn("w:num")):
            num_id = _int_attr(num, "w:numId")
            abstract_id = num.find(qn("w:abstractNumId"))
            if num_id is None or abstract_id is None:
                continue
            overrides = {}
            for override in num.findall(qn("w:lvlOverride")):
                start = _int_attr(override.find(qn("w:startOverride")), "w:val")
                if start is not None:
                    overrides[_int_attr(override, "w:ilvl", 0) or 0] = start
            self.nums[num_id] = (abstract_id.get(qn("w:val"), ""), overrides)

    def label(self, paragraph: Paragraph) -> str:
        if not self.nums:
            return ""
        numbering = self._numbering(paragraph)
        if numbering is None:
            return ""
        num_id, ilvl = numbering
        if num_id not in self.nums or not 0 <= ilvl <= 8:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.levels.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        # a list that overrides its start restarts; otherwise lists sharing a definition
        # continue each other, as in Word
        key: object = num_id if overrides else abstract_id
        counters = self.counters.setdefault(key, [None] * 9)
        current = counters[ilvl]
        counters[ilvl] = overrides.get(ilvl, levels[ilvl][2]) if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        fmt, text, _start = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def render(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            value = counters[level]
            if value is None:
                value = levels.get(level, ("decimal", "", 1))[2]
            return _format_number(value, levels.get(level, (fmt,))[0])

        return _LEVEL_REF.sub(render, text)

    def _numbering(self, paragraph: Paragraph) -> tuple[int, int] | None:
        p_pr = paragraph._p.pPr
        num_pr = p_pr.numPr if p_pr is not None else None
        if num_pr is not None and num_pr.numId is not None:
            ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
            return int(num_pr.numId.val), int(ilvl)
        style_id = p_pr.pStyle.val if p_pr is not None and p_pr.pStyle is not None else None
        return self._style_numbering(style_id) if style_id else None

    def _style_numbering(self, style_id: str) -> tuple[int, int] | None:
        if style_id in self.style_numbering:
            return self.style_numbering[style_id]
        found = None
        seen = set()
        current = style_id
        while current and current not in seen and self.styles is not None:
            seen.add(current)
            style = self.styles.get_by_id(current)
            if style is None:
                break
            p_pr = style.pPr
            if p_pr is not None and p_pr.numPr is not None and p_pr.numPr.numId is not None:
                ilvl = p_pr.numPr.ilvl.val if p_pr.numPr.ilvl is not None else 0
                found = (int(p_pr.numPr.numId.val), int(ilvl))
                break
            current = style.basedOn_val
        self.style_numbering[style_id] = found
        return found


def _lines(paragraph: Paragraph, labels: _ListLabels) -> list[str]:
    label = labels.label(paragraph)
    text = paragraph.text
    if label and text.strip():
        text = f"{label} {text.lstrip()}"
    return text.split("\n")


def _rows(table: Table) -> Iterator[tuple[int, list[Any]]]:
    for number, row in enumerate(table.rows, start=1):
        yield number, list(row.cells)


def _unique_cells(table: Table) -> Iterator[tuple[int, int, Any]]:
    """(row, column, cell) once per cell: python-docx repeats a merged cell for every grid
    position it covers."""
    seen: set[Any] = set()  # the <w:tc> elements themselves: holding them keeps lxml's
    # proxy objects (and so their identity) stable
    for row_number, cells in _rows(table):
        for column, cell in enumerate(cells, start=1):
            if cell._tc not in seen:
                seen.add(cell._tc)
                yield row_number, column, cell


def _is_template_table(table: Table) -> bool:
    for index, (_row, cells) in enumerate(_rows(table)):
        if index >= HEADER_SEARCH_ROWS:
            return False
        if match_header([cell.text for cell in cells]):
            return True
    return False


class _DocumentReader:
    def __init__(self, document: Any):
        self.document = document
        self.result = ParseResult()
        lines = [line for p in document.paragraphs for line in p.text.splitlines()]
        self.text = TextParser(self.result, repeated_lines(lines, self.result))
        self.labels = _ListLabels(document)
        self.paragraphs = 0
        self.tables = 0
        # translated once, not once per paragraph or row
        self.paragraph_at = _("第 %(n)d 段")
        self.row_at = _("第 %(table)d 个表格第 %(row)d 行")
        self.cell_at = _("第 %(table)d 个表格第 %(row)d 行第 %(column)d 列")

    def read(self) -> ParseResult:
        for block in self.document.iter_inner_content():
            if isinstance(block, Paragraph):
                self.paragraphs += 1
                where = self.paragraph_at % {"n": self.paragraphs}
                for line in _lines(block, self.labels):
                    self.text.feed(where, line)
            else:
                self.tables += 1
                self._table(block, self.tables)
        self.text.close()
        return self.result

    def _table(self, table: Table, number: int) -> None:
        if _is_template_table(table):
            self.text.flush()
            row_at = self.row_at
            reader = TableReader(self.result, lambda row: row_at % {"table": number, "row": row})
            for row_number, cells in _rows(table):
                reader.feed(row_number, [cell.text for cell in cells])
            reader.close()
            return
        for row_number, column, cell in _unique_cells(table):
            where = self.cell_at % {"table": number, "row": row_number, "column": column}
            self._cell(cell, where)

    def _cell(self, cell: Any, where: str) -> None:
        for block in cell.iter_inner_content():
            if isinstance(block, Paragraph):
                for line in _lines(block, self.labels):
                    self.text.feed(where, line)
            else:
                # a table nested in a cell: its text, under the outer cell's location
                for _row, _column, inner in _unique_cells(block):
                    self._cell(inner, where)


def parse(data: bytes, filename: str) -> ParseResult:
    open_office_package(data, "docx").close()
    try:
        document = docx.Document(io.BytesIO(data))
        result = _DocumentReader(document).read()
    except ImportRejected:
        raise
    except Exception as exc:
        raise ImportRejected(CORRUPT_MESSAGE) from exc
    if not result.questions and not result.errors:
        raise ImportRejected(
            _(
                "没有识别到任何题目：题目应以题号开头（如“1.”），选项以“A.”开头，"
                "答案写在“答案：”之后；或使用与 Excel 模板相同列名的表格"
            )
        )
    return result

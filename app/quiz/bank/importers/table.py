"""Rows of the question template, shared by the Excel (.xlsx), CSV and Word-table importers,
and ``build_question`` (raw field texts → a checked ``ParsedQuestion``), which the Chinese
text importer uses too.

Header row
    The first row holding a 题干 (or stem) cell and at least one other recognised column —
    one lone "题干" cell, as in an instructions sheet, is not a header. Column order is free
    and unknown columns (序号, 备注 …) are ignored. Names are compared after NFKC (so
    "选项Ａ" is "选项A"), case-folding, and dropping spaces, ``_``, ``-``, ``*`` and a
    trailing note in brackets such as "（必填）". 题型, 题干 and 答案 are required; a header
    missing one, or naming a column twice, is reported once and its rows are skipped. A
    header row repeated further down starts a new block.
Columns (Chinese / English)
    题型 type · 题干 stem · 选项A…选项H option_a…option_h (or just A…H) · 答案 answer ·
    解析 explanation · 难度 difficulty · 知识点 category · 分值 points · 出处 source ·
    标签 tags · 标题 title · 关联课时 source_lesson. A few common synonyms are accepted
    (题目, 正确答案, 参考答案, 分类, 分数, 来源 …), see ``COLUMNS``.
Rows
    A row whose recognised cells are all empty is skipped, wherever it is (blank separator
    rows, formatted but empty rows at the end). Options are read A→H with trailing empty
    ones dropped; an empty option before a filled one is an error. A 判断 row may list
    正确/错误 (对/错 …) as options and answer with the option letter. Numbers typed as numbers
    (难度 3.0, 判断 answer 1) and dates are turned back into the text the user sees.
    Only rows without problems become questions; each problem is reported against its row,
    with ``field`` = the column header as written in the file.
Blank (填空) answers
    base's convention: ``|`` or ``；`` between blanks, ``/`` between accepted alternatives.
    When the stem marks its blanks (``____`` or an empty ``（ ）``), the number of blanks
    in the answer must match.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from .base import (
    CHOICE_TYPES,
    LETTERS,
    ImportIssue,
    ParsedQuestion,
    ParseResult,
    clean_text,
    field_label,
    parse_blank_answer,
    parse_category,
    parse_choice_answer,
    parse_difficulty,
    parse_judge_answer,
    parse_points,
    parse_tags,
    parse_type,
    problems,
    to_halfwidth,
)

OPTION_KEYS = tuple(f"option_{letter.lower()}" for letter in LETTERS)

# key, header written by the exporter and the template, accepted names (already normalised)
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("type", "题型", ("题型", "题目类型", "试题类型", "type", "questiontype")),
    ("stem", "题干", ("题干", "题目", "试题", "题目内容", "试题内容", "stem", "question")),
    *(
        (key, f"选项{letter}", (f"选项{letter.lower()}", letter.lower(), f"option{letter.lower()}"))
        for key, letter in zip(OPTION_KEYS, LETTERS, strict=True)
    ),
    ("answer", "答案", ("答案", "正确答案", "参考答案", "标准答案", "answer")),
    ("explanation", "解析", ("解析", "答案解析", "试题解析", "explanation", "analysis")),
    ("difficulty", "难度", ("难度", "难度系数", "difficulty")),
    ("category", "知识点", ("知识点", "分类", "考点", "category")),
    ("points", "分值", ("分值", "分数", "points", "score")),
    ("source", "出处", ("出处", "来源", "source")),
    ("tags", "标签", ("标签", "关键词", "tags", "tag")),
    ("title", "标题", ("标题", "title")),
    ("source_lesson", "关联课时", ("关联课时", "sourcelesson")),
)
HEADERS: dict[str, str] = {key: header for key, header, _ in COLUMNS}
REQUIRED = ("type", "stem", "answer")
_ALIASES = {alias: key for key, _, aliases in COLUMNS for alias in aliases}

_HEADER_NOTE = re.compile(r"\([^()]*\)$")
_HEADER_NOISE = re.compile(r"[\s_\-*:]+")
_BLANK = re.compile(r"_{2,}|＿{2,}|[（(]\s*[)）]")


def cell_text(value: Any) -> str:
    """A cell as the user sees it: dates as dates, numbers as written, line ends as \\n."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    text = clean_text(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def normalize_header(value: Any) -> str:
    text = to_halfwidth(cell_text(value)).lower()
    text = _HEADER_NOTE.sub("", text.strip())
    return _HEADER_NOISE.sub("", text)


def count_blanks(stem: str) -> int:
    """How many blanks the stem marks (``____`` or an empty ``（ ）``); 0 if none are marked."""
    return len(_BLANK.findall(stem))


@dataclass
class TableHeader:
    columns: dict[str, int]  # key → column index
    written: dict[str, str]  # key → header as written in the file
    duplicates: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        messages = [
            _("表头缺少“%(column)s”列", column=HEADERS[key])
            for key in REQUIRED
            if key not in self.columns
        ]
        messages += [_("表头中“%(column)s”列重复", column=name) for name in self.duplicates]
        return messages


def match_header(cells: Sequence[Any]) -> TableHeader | None:
    """The header described in the module docstring, or None if ``cells`` is not one."""
    columns: dict[str, int] = {}
    written: dict[str, str] = {}
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        if cell is None or (isinstance(cell, str) and len(cell) > 40):
            continue
        key = _ALIASES.get(normalize_header(cell))
        if key is None:
            continue
        if key in columns:
            duplicates.append(cell_text(cell))
            continue
        columns[key] = index
        written[key] = cell_text(cell)
    if "stem" not in columns or len(columns) < 2:
        return None
    return TableHeader(columns, written, duplicates)


class TableReader:
    """Feeds the rows of one table (sheet, CSV file, Word table) into a ``ParseResult``.

    ``where(row_number)`` gives the location text for a row, e.g. 工作表“Sheet1”第 5 行
    (translated: a reader is called for every row, so callers translate the pattern once).
    """

    def __init__(self, result: ParseResult, where: Callable[[int], str]):
        self.result = result
        self.where = where
        self.header: TableHeader | None = None
        self.found_header = False
        self._usable = False

    def feed(self, number: int, cells: Sequence[Any]) -> None:
        header = self.header
        if header is None or self._repeats_header(header, cells):
            new = match_header(cells)
            if new is not None:
                self._start(number, new)
                return
            if header is None:
                return
        if not self._usable:
            return
        question, issues = row_to_question(header, cells, self.where(number))
        self.result.errors.extend(issues)
        if question is not None:
            self.result.questions.append(question)

    def _start(self, number: int, header: TableHeader) -> None:
        self.header = header
        self.found_header = True
        problems = header.problems()
        self._usable = not problems
        for message in problems:
            self.result.errors.append(ImportIssue(self.where(number), message))

    @staticmethod
    def _repeats_header(header: TableHeader, cells: Sequence[Any]) -> bool:
        """A data row that repeats the header names in both its 题型 and 题干 columns."""
        for key in ("stem", "type"):
            index = header.columns.get(key)
            if index is None or index >= len(cells):
                return False
            cell = cells[index]
            if not isinstance(cell, str) or len(cell) > 20:
                return False
            if _ALIASES.get(normalize_header(cell)) != key:
                return False
        return True


def row_to_question(
    header: TableHeader, cells: Sequence[Any], location: str
) -> tuple[ParsedQuestion | None, list[ImportIssue]]:
    """One data row → (question or None, issues). An empty row gives (None, [])."""
    width = len(cells)
    values = {
        key: cell_text(cells[index]) if index < width else ""
        for key, index in header.columns.items()
    }
    if not any(values.values()):
        return None, []
    options = [values.get(key, "") for key in OPTION_KEYS]
    while options and not options[-1]:
        options.pop()
    return build_question(values.get("type", ""), values, options, location, header.written)


def build_question(
    raw_type: str,
    fields: Mapping[str, str],
    options: list[str],
    location: str,
    labels: Mapping[str, str] | None = None,
    field_locations: Mapping[str, str] | None = None,
) -> tuple[ParsedQuestion | None, list[ImportIssue]]:
    """Raw texts → (question, []) or (None, issues).

    ``fields`` uses the keys of ``COLUMNS`` (stem, answer, explanation …). ``labels`` names
    each key the way the file does (default: ``base.field_label``, in the current language);
    ``field_locations`` can place a field's issues somewhere other than ``location``.
    """
    labels = labels or {}
    field_locations = field_locations or {}
    issues: list[ImportIssue] = []

    def add(message: str, key: str) -> None:
        where = field_locations.get(key, location)
        issues.append(ImportIssue(where, message, labels.get(key) or field_label(key)))

    stem = fields.get("stem", "")
    qtype = parse_type(raw_type) if raw_type else None
    if not raw_type:
        add(_("题型为空"), "type")
    elif qtype is None:
        add(_("未知题型“%(type)s”", type=raw_type), "type")
    if qtype is None:
        if not stem:
            add(_("题干为空"), "stem")
        return None, issues

    question = ParsedQuestion(
        type=qtype,
        stem=stem,
        options=list(options),
        explanation=fields.get("explanation", ""),
        category=parse_category(fields.get("category", "")),
        source=fields.get("source", ""),
        source_lesson=fields.get("source_lesson", ""),
        tags=parse_tags(fields.get("tags", "")),
        title=fields.get("title", ""),
        location=location,
    )
    answer_error = _parse_answer(question, fields.get("answer", ""))
    if answer_error:
        add(answer_error, "answer")
    difficulty, message = parse_difficulty(fields.get("difficulty", ""))
    if message:
        add(message, "difficulty")
    elif difficulty is not None:
        question.difficulty = difficulty
    points, message = parse_points(fields.get("points", ""))
    if message:
        add(message, "points")
    question.points = points

    for key, message in problems(question):
        if not (answer_error and key == "answer"):
            add(message, key)
    return (None if issues else question), issues


def _parse_answer(question: ParsedQuestion, raw: str) -> str | None:
    """Set ``question.answer`` from the raw text; return the problem, if any."""
    if question.type in CHOICE_TYPES:
        question.answer, message = parse_choice_answer(raw, len(question.options))
        return message
    if question.type == "judge":
        if question.options:
            values = [parse_judge_answer(option)[0] for option in question.options]
            if None not in values and len(set(values)) == len(values):
                question.options = []
                letter = to_halfwidth(raw).strip().upper()
                if len(letter) == 1 and "A" <= letter < LETTERS[len(values)]:
                    question.answer = values[ord(letter) - ord("A")]
                    return None
        question.answer, message = parse_judge_answer(raw)
        return message
    if question.type == "blank":
        question.answer, message = parse_blank_answer(raw)
        if message:
            return message
        expected = count_blanks(question.stem)
        if expected and expected != len(question.answer):
            return _(
                "题干有 %(blanks)d 处空，答案有 %(answers)d 个（多个空的答案用“|”或“；”分隔）",
                blanks=expected,
                answers=len(question.answer),
            )
        return None
    question.answer = raw
    return None

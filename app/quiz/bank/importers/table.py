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
    (题目, 正确答案, 参考答案, 分类, 分数, 来源 …), see ``COLUMNS``; other systems' templates
    name them 问题内容/题目内容/试题内容 (stem), 正确选项 (answer), 选项1…选项8 or 选项一…选项八
    (options), 难易度/难易程度 (difficulty), 题库分类/所属分类/章节 (category).
    A sheet whose header is not found, or lacks a required column, is reported naming the
    columns found and the names expected.
Other systems' layouts
    备选答案 (or 选项) holding every option in one cell, split on line breaks, ``|`` or
    ``；``. One row per option (the question repeated on each row, or written on the first
    row only) with a 选项 column and either an answer column or a 是否正确 column marking
    the right options: consecutive rows of the same question are read as one question.
    An option cell that starts with its own letter (``A、…``, ``A. …``, ``（A）…``) has it
    stripped. Type words other systems use (客观填空题, 主观题, 计算题, 案例分析题,
    判断改错题 → 简答 …) are in ``base.TYPE_NAMES``.
Difficulty
    1–5, or a word (简单/容易 1, 基础/较易 2, 一般/中等 3, 较难 4, 困难 5), or a number on
    another scale: the scale a header note names (``难度（1-3）``) is rescaled to 1–5; without
    a note, a column whose largest value is 6–10 is read as 1–10 (a note says so); a
    decimal between 0 and 1 is a 难度系数 (pass rate). See ``base.read_difficulty``.
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
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from .base import (
    CHOICE_TYPES,
    LETTERS,
    ImportIssue,
    ParsedQuestion,
    ParseResult,
    clean_text,
    difficulty_scale,
    field_label,
    format_choice_answer,
    parse_blank_answer,
    parse_category,
    parse_choice_answer,
    parse_judge_answer,
    parse_points,
    parse_tags,
    parse_type,
    problems,
    read_difficulty,
    rescale_difficulty,
    to_halfwidth,
)

OPTION_KEYS = tuple(f"option_{letter.lower()}" for letter in LETTERS)

# key, header written by the exporter and the template, accepted names (already normalised)
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("type", "题型", ("题型", "题目类型", "试题类型", "type", "questiontype")),
    (
        "stem",
        "题干",
        (
            *("题干", "题目", "试题", "题目内容", "试题内容", "问题内容", "问题", "题干内容"),
            *("试题题干", "题目名称", "试题名称", "stem", "question"),
        ),
    ),
    *(
        (
            key,
            f"选项{letter}",
            (
                f"选项{letter.lower()}",
                letter.lower(),
                f"option{letter.lower()}",
                f"{letter.lower()}选项",
                f"选项{number}",
                f"选项{chinese}",
            ),
        )
        for key, letter, number, chinese in zip(
            OPTION_KEYS, LETTERS, range(1, 9), "一二三四五六七八", strict=True
        )
    ),
    # every option in one cell; or, one row per option, that row's option
    ("options_cell", "备选答案", ("备选答案", "候选答案", "选项", "选项内容", "options")),
    # one row per option: is this row's option a right one?
    (
        "is_correct",
        "是否正确",
        (
            "是否正确",
            "是否正确答案",
            "是否为正确答案",
            "是否正确选项",
            "正确与否",
            "是否答案",
            "iscorrect",
        ),
    ),
    ("answer", "答案", ("答案", "正确答案", "参考答案", "标准答案", "正确选项", "answer")),
    ("explanation", "解析", ("解析", "答案解析", "试题解析", "explanation", "analysis")),
    (
        "difficulty",
        "难度",
        ("难度", "难度系数", "难易度", "难易程度", "难度等级", "难度级别", "difficulty"),
    ),
    (
        "category",
        "知识点",
        (
            *("知识点", "分类", "考点", "题库分类", "所属分类", "试题分类", "题目分类"),
            *("章节", "所属章节", "category"),
        ),
    ),
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
_OWN_LETTER = re.compile(
    r"\s*(?:[（(]\s*(?P<p>[A-Ha-hＡ-Ｈａ-ｈ])\s*[)）]|(?P<l>[A-Ha-hＡ-Ｈａ-ｈ])\s*[.．、:：)）])\s*"
)
_CELL_OPTION_SEPARATOR = re.compile(r"\s*(?:\n|[|｜；;])\s*")
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


def accepted_names(key: str) -> str:
    """The header names a column may have, for messages: 答案、正确答案、参考答案…"""
    names = next(aliases for k, _header, aliases in COLUMNS if k == key)
    return "、".join(name for name in names if not name.isascii())


def expected_headers() -> str:
    return _(
        "应有“题型”“题干”“答案”列（题干也可写作 题目、问题内容、试题内容；答案也可写作 "
        "正确答案、参考答案、正确选项），选项写作 选项A…选项H、选项1…选项8 或 备选答案"
    )


@dataclass
class TableHeader:
    columns: dict[str, int]  # key → column index
    written: dict[str, str]  # key → header as written in the file
    duplicates: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # every header cell, as written

    @property
    def has_options(self) -> bool:
        return "options_cell" in self.columns or any(k in self.columns for k in OPTION_KEYS)

    @property
    def difficulty_top(self) -> int | None:
        """The scale the 难度 header names (``难度（1-10）``), if any."""
        return difficulty_scale(self.written.get("difficulty", ""))

    @property
    def per_option_rows(self) -> bool:
        return "options_cell" in self.columns

    def problems(self) -> list[str]:
        found = "、".join(self.found)
        messages = [
            _(
                "表头缺少“%(column)s”列（可写作：%(names)s）；本表的列是：%(found)s",
                column=HEADERS[key],
                names=accepted_names(key),
                found=found,
            )
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
    found: list[str] = []
    for index, cell in enumerate(cells):
        if cell is None or (isinstance(cell, str) and len(cell) > 40):
            continue
        if cell_text(cell):
            found.append(cell_text(cell))
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
    if "answer" not in columns and "is_correct" in columns:
        columns["answer"] = columns["is_correct"]  # satisfied by the marks
        written["answer"] = written["is_correct"]
    return TableHeader(columns, written, duplicates, found)


def header_candidate(cells: Sequence[Any]) -> list[str] | None:
    """A row that looks like someone's header (three or more short texts, none numeric), for
    the message when no header is recognised."""
    texts = [cell_text(c) for c in cells if c is not None and cell_text(c)]
    short = [t for t in texts if len(t) <= 20 and not re.fullmatch(r"[\d.]+", t)]
    return short if len(short) >= 3 and len(short) == len(texts) else None


def no_header_message(candidate: tuple[str, list[str]] | None) -> str:
    """Refusal for a table whose header is not recognised: what was found, what is expected."""
    if candidate is None:
        return _(
            "没有找到题目表头：%(expected)s（可下载导入模板对照）", expected=expected_headers()
        )
    where, names = candidate
    return _(
        "没有识别出题目表头：%(where)s的列是 %(found)s；%(expected)s（可下载导入模板对照）",
        where=where,
        found="、".join(names),
        expected=expected_headers(),
    )


class TableReader:
    """Feeds the rows of one table (sheet, CSV file, Word table) into a ``ParseResult``;
    ``close()`` after the last row.

    ``where(row_number)`` gives the location text for a row, e.g. 工作表“Sheet1”第 5 行
    (translated: a reader is called for every row, so callers translate the pattern once).
    """

    def __init__(self, result: ParseResult, where: Callable[[int], str]):
        self.result = result
        self.where = where
        self.header: TableHeader | None = None
        self.found_header = False
        self.candidate: tuple[str, list[str]] | None = None  # a header not recognised
        self._usable = False
        self._header_row = 0
        self._group: list[tuple[int, Sequence[Any]]] = []  # one question's rows (per option)
        self._raw_difficulty: list[tuple[ParsedQuestion, int]] = []
        self._optionless = 0  # choice rows under a header without option columns
        self._repeated_stems = 0  # …of which repeat the stem of the row above
        self._last_stem = ""

    def feed(self, number: int, cells: Sequence[Any]) -> None:
        header = self.header
        if header is None or self._repeats_header(header, cells):
            new = match_header(cells)
            if new is not None:
                self._end_block()
                self._start(number, new)
                return
            if header is None:
                if self.candidate is None:
                    names = header_candidate(cells)
                    if names:
                        self.candidate = (self.where(number), names)
                return
        if not self._usable:
            return
        if header.per_option_rows:
            self._group_row(header, number, cells)
            return
        self._row(header, number, cells)

    def close(self) -> None:
        self._end_block()

    def _row(self, header: TableHeader, number: int, cells: Sequence[Any]) -> None:
        if not header.has_options and self._is_choice(header, cells):
            self._optionless += 1
            stem = _values(header, cells).get("stem", "")
            self._repeated_stems += bool(stem) and stem == self._last_stem
            self._last_stem = stem
            return
        question, issues = row_to_question(header, cells, self.where(number))
        self._take(header, cells, question, issues)

    def _take(
        self,
        header: TableHeader,
        cells: Sequence[Any],
        question: ParsedQuestion | None,
        issues: list[ImportIssue],
    ) -> None:
        self.result.errors.extend(issues)
        if question is None:
            return
        self.result.questions.append(question)
        index = header.columns.get("difficulty")
        if index is not None and index < len(cells) and not header.difficulty_top:
            raw = read_difficulty(cell_text(cells[index]))[2]
            if raw is not None:
                self._raw_difficulty.append((question, raw))

    def _is_choice(self, header: TableHeader, cells: Sequence[Any]) -> bool:
        index = header.columns.get("type")
        if index is None or index >= len(cells):
            return False
        return parse_type(cell_text(cells[index])) in CHOICE_TYPES

    # one row per option -------------------------------------------------------------

    def _group_row(self, header: TableHeader, number: int, cells: Sequence[Any]) -> None:
        values = _values(header, cells)
        if not any(values.values()):
            return
        if self._group:
            first = _values(header, self._group[0][1])
            # one option per row, the question repeated: the same question; a row with
            # every option in its cell is a question of its own, even with the same stem
            same = (
                values.get("stem") == first.get("stem")
                and values.get("type", "") in ("", first.get("type", ""))
                and len(split_option_cell(values.get("options_cell", ""))) == 1
                and len(split_option_cell(first.get("options_cell", ""))) == 1
            )
            if same or not values.get("stem"):
                self._group.append((number, cells))
                return
            self._end_group()
        self._group.append((number, cells))

    def _end_group(self) -> None:
        header, rows = self.header, self._group
        self._group = []
        if header is None or not rows:
            return
        first_number, first_cells = rows[0]
        values = _values(header, first_cells)
        options: list[str] = []
        marked: list[int] = []
        answer = ""
        for _number, cells in rows:
            row = _values(header, cells)
            parts = split_option_cell(row.get("options_cell", ""))
            marks = "is_correct" in header.columns
            if marks and parse_judge_answer(row.get("is_correct", ""))[0]:
                marked.extend(range(len(options), len(options) + len(parts)))
            own_answer = header.columns.get("answer") != header.columns.get("is_correct")
            if own_answer and row.get("answer") and not answer:
                answer = row["answer"]
            options.extend(parts)
            for key, text in row.items():
                if text and not values.get(key):
                    values[key] = text
        if options and "is_correct" in header.columns and (marked or not answer):
            values["answer"] = format_choice_answer(marked)
        else:
            values["answer"] = answer
        question, issues = build_question(
            values.get("type", ""),
            values,
            options,
            self.where(first_number),
            header.written,
            difficulty_top=header.difficulty_top,
        )
        self._take(header, first_cells, question, issues)

    # blocks ---------------------------------------------------------------------------

    def _start(self, number: int, header: TableHeader) -> None:
        self.header = header
        self.found_header = True
        self._header_row = number
        problems = header.problems()
        self._usable = not problems
        for message in problems:
            self.result.errors.append(ImportIssue(self.where(number), message))
        if self._usable and number > 1 and not self.result.questions:
            self.result.notes.append(
                ImportIssue(self.where(number), _("表头在这一行，前面的行（标题、说明）已忽略"))
            )

    def _end_block(self) -> None:
        self._end_group()
        header = self.header
        if header is None:
            return
        if self._optionless:
            self.result.errors.append(
                ImportIssue(
                    self.where(self._header_row),
                    _(
                        "表头中没有识别出选项列，本表 %(n)d 道选择题都无法读取。本表的列是："
                        "%(found)s；选项列应写作 选项A…选项H、A…H、选项1…选项8、选项一…选项八，"
                        "或一列“备选答案”写全部选项",
                        n=self._optionless,
                        found="、".join(header.found),
                    )
                    + (
                        _(
                            "。同一题干出现在连续多行，像是“一行一个选项”的排法：把放选项的列命名为"
                            "“选项”，标明对错的列命名为“是否正确”（或保留答案列）即可导入"
                        )
                        if self._repeated_stems
                        else ""
                    ),
                )
            )
            self._optionless = self._repeated_stems = 0
            self._last_stem = ""
        raw = self._raw_difficulty
        self._raw_difficulty = []
        if raw and max(value for _q, value in raw) > 5:
            for question, value in raw:
                question.difficulty = rescale_difficulty(Decimal(value), 10)
            self.result.notes.append(
                ImportIssue(
                    self.where(self._header_row),
                    _(
                        "“%(column)s”列最大为 %(max)d，按 1–10 分制换算为 1–5",
                        column=header.written["difficulty"],
                        max=max(v for _q, v in raw),
                    ),
                )
            )

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


def _values(header: TableHeader, cells: Sequence[Any]) -> dict[str, str]:
    width = len(cells)
    return {
        key: cell_text(cells[index]) if index < width else ""
        for key, index in header.columns.items()
    }


def strip_own_letter(text: str, letter: str | None) -> str:
    """``A、正确做法`` in option A's cell → ``正确做法``; ``letter`` None: any letter."""
    match = _OWN_LETTER.match(text)
    if not match or match.end() >= len(text):
        return text
    found = to_halfwidth(match.group("p") or match.group("l")).upper()
    return text[match.end() :] if letter is None or found == letter else text


def split_option_cell(text: str) -> list[str]:
    """Every option in one cell (line breaks, ``|`` or ``；`` between them), letters stripped."""
    text = text.strip()
    if not text:
        return []
    parts = [p for p in _CELL_OPTION_SEPARATOR.split(text) if p.strip()]
    if len(parts) == 1:
        parts = _split_lettered(parts[0])
    return [strip_own_letter(part.strip(), None) for part in parts]


def _split_lettered(text: str) -> list[str]:
    """``A.甲 B.乙 C.丙`` on one line → three parts (each next letter after a space)."""
    parts, start = [], 0
    for letter in LETTERS[1:]:
        match = re.compile(rf"\s(?:[（(]{letter}[)）]|{letter}\s*[.．、:：)）])").search(
            text, start
        )
        if match is None:
            break
        parts.append(text[start : match.start()])
        start = match.start() + 1
    parts.append(text[start:])
    return parts if _OWN_LETTER.match(text) else [text]


def row_to_question(
    header: TableHeader, cells: Sequence[Any], location: str
) -> tuple[ParsedQuestion | None, list[ImportIssue]]:
    """One data row → (question or None, issues). An empty row gives (None, [])."""
    values = _values(header, cells)
    if not any(values.values()):
        return None, []
    options = [
        strip_own_letter(values.get(key, ""), letter)
        for key, letter in zip(OPTION_KEYS, LETTERS, strict=True)
    ]
    while options and not options[-1]:
        options.pop()
    if not options and values.get("options_cell"):
        options = split_option_cell(values["options_cell"])
    return build_question(
        values.get("type", ""),
        values,
        options,
        location,
        header.written,
        difficulty_top=header.difficulty_top,
    )


def build_question(
    raw_type: str,
    fields: Mapping[str, str],
    options: list[str],
    location: str,
    labels: Mapping[str, str] | None = None,
    field_locations: Mapping[str, str] | None = None,
    difficulty_top: int | None = None,
) -> tuple[ParsedQuestion | None, list[ImportIssue]]:
    """Raw texts → (question, []) or (None, issues).

    ``fields`` uses the keys of ``COLUMNS`` (stem, answer, explanation …). ``labels`` names
    each key the way the file does (default: ``base.field_label``, in the current language);
    ``field_locations`` can place a field's issues somewhere other than ``location``.
    ``difficulty_top``: the difficulty scale the file announced (see ``base.read_difficulty``;
    a number 6–10 without one is read on 1–10, and a ``TableReader`` rescales its whole
    column when one of its values is above 5).
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
    difficulty, message, raw = read_difficulty(fields.get("difficulty", ""), difficulty_top)
    if raw is not None and raw > 5:
        difficulty = rescale_difficulty(Decimal(raw), 10)
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

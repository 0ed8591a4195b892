"""The one interface every question importer speaks.

An importer turns the bytes of one file into ``ParsedQuestion`` objects and a list of
``ImportIssue`` — every problem it found, each with the file's own coordinates. It never
stops at the first error and never writes anything; the service decides what to do with
the result. A file that cannot be read at all (encrypted, not the format it claims, too
big) raises ``ImportRejected``. Nothing else may escape an importer.

Every message and location is built with Flask-Babel's ``gettext`` in the current locale
(the request's language on the upload page, the default Chinese in the CLI); outside an
application context ``gettext`` returns the Chinese source text. Data from the file and the
format's own keywords (column headers, 答案：, 单选题 …) are never translated.

Answers are normalised to one shape whatever the file said:

==========  ===============================================================
type        ``answer``
==========  ===============================================================
single      ``[i]`` — index into ``options``
multiple    ``[i, j, ...]`` — sorted, at least two
judge       ``True`` / ``False``
blank       ``[[alt, alt, ...], ...]`` — one list of accepted answers per blank
essay       ``str`` — the reference answer, may be empty
==========  ===============================================================
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.common.errors import DomainError
from app.quiz.bank import points
from app.quiz.bank.question_types import CHOICE_TYPES, QUESTION_TYPES

MIN_OPTIONS, MAX_OPTIONS = 2, 8
LETTERS = "ABCDEFGH"
MAX_FILE_BYTES = 20 * 1024 * 1024

TYPE_NAMES: dict[str, str] = {
    "单选": "single",
    "单选题": "single",
    "单项选择": "single",
    "单项选择题": "single",
    "多选": "multiple",
    "多选题": "multiple",
    "多项选择": "multiple",
    "多项选择题": "multiple",
    "不定项选择题": "multiple",
    "不定项选择": "multiple",
    "不定项": "multiple",
    "判断": "judge",
    "判断题": "judge",
    "填空": "blank",
    "填空题": "blank",
    "客观填空题": "blank",
    "客观填空": "blank",
    "主观填空题": "blank",
    "主观填空": "blank",
    "简答": "essay",
    "简答题": "essay",
    "问答": "essay",
    "问答题": "essay",
    "论述题": "essay",
    "论述": "essay",
    "主观": "essay",
    "主观题": "essay",
    "计算题": "essay",
    "案例分析题": "essay",
    "案例分析": "essay",
    "材料分析题": "essay",
    "公文改错题": "essay",
    "名词解释": "essay",
    # a statement to judge AND correct or argue: the written correction needs grading
    "判断改错题": "essay",
    "判断辨析题": "essay",
    "辨析题": "essay",
    "single": "single",
    "multiple": "multiple",
    "judge": "judge",
    "blank": "blank",
    "essay": "essay",
    "truefalse": "judge",
    "true_false": "judge",
}
TYPE_LABELS = {
    "single": "单选题",
    "multiple": "多选题",
    "judge": "判断题",
    "blank": "填空题",
    "essay": "简答题",
}
# the names messages give to question types and fields (ImportIssue.field), translated
_TRANSLATED_TYPE_LABELS = {
    "single": _l("单选题"),
    "multiple": _l("多选题"),
    "judge": _l("判断题"),
    "blank": _l("填空题"),
    "essay": _l("简答题"),
}
FIELD_LABELS = {
    "type": _l("题型"),
    "stem": _l("题干"),
    "options": _l("选项"),
    "answer": _l("答案"),
    "explanation": _l("解析"),
    "difficulty": _l("难度"),
    "category": _l("知识点"),
    "points": _l("分值"),
    "source": _l("出处"),
    "source_lesson": _l("关联课时"),
    "tags": _l("标签"),
    "title": _l("标题"),
    "bank": _l("题库"),
}

TRUE_WORDS = {"正确", "对", "√", "✓", "✔", "是", "t", "true", "yes", "y", "1"}
FALSE_WORDS = {"错误", "错", "×", "✗", "✘", "✖", "❌", "╳", "x", "否", "f", "false", "no", "n", "0"}

# Blank answers: blanks are separated by "|" or a full-width "；", alternatives inside one
# blank by "/" (full-width "／" too). A literal "/" in an answer cannot be written — none of
# the shipped content needs one, and the convention is the one administrators already use.
BLANK_SEPARATORS = re.compile(r"\s*[|｜；]\s*")
ALTERNATIVE_SEPARATORS = re.compile(r"\s*[/／]\s*")


@dataclass
class ImportIssue:
    """One problem in the file: where (the file's own coordinates: sheet and row, or line),
    which field, and why, in the language of the moment it was found."""

    location: str
    message: str
    field: str = ""

    def __str__(self) -> str:
        if self.field:
            return _(
                "%(where)s，%(field)s：%(message)s",
                where=self.location,
                field=self.field,
                message=self.message,
            )
        return _("%(where)s：%(message)s", where=self.location, message=self.message)


@dataclass
class ParsedQuestion:
    type: str
    stem: str
    options: list[str] = field(default_factory=list)
    answer: Any = None
    explanation: str = ""
    difficulty: int = 3
    category: list[str] = field(default_factory=list)
    points: Decimal | None = None
    source: str = ""
    source_lesson: str = ""  # "course-slug/lesson-slug#anchor", resolved by the service
    tags: list[str] = field(default_factory=list)
    title: str = ""
    location: str = ""  # where it started in the file, for messages after parsing


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    bank_name: str = ""  # a format that names its bank (native, Moodle's top category)
    # what the importer did on its own that the administrator should know about (a header
    # found on row 3, page footers dropped, a ".xlsx" read as tab-separated text …): never
    # a reason to refuse
    notes: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class QuestionImportError(Exception):
    """Base of everything an importer may raise."""


class ImportRejected(QuestionImportError):
    """The file as a whole cannot be read: the message says why (a lazy message is
    translated when raised)."""

    def __init__(self, message: str | LazyString):
        self.message = str(message)
        super().__init__(self.message)


def check_size(data: bytes) -> None:
    """ImportRejected past ``MAX_FILE_BYTES``: readers read one byte more than the limit
    and let this say no."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected(_("文件超过 20 MB，请拆分后分批导入"))


# ---------------------------------------------------------------- shared field parsing


def clean_text(value: Any) -> str:
    """Cell or line text: None → "", numbers as written (3.0 → "3"), spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u3000", " ").replace("\xa0", " ")
    return text.strip()


def field_label(key: str) -> str:
    """The name of a field in messages (``ImportIssue.field``): ``answer`` → 答案 / Answer."""
    return str(FIELD_LABELS[key])


def type_label(qtype: str) -> str:
    """The name of a question type in messages: ``judge`` → 判断题 / True or false."""
    return str(_TRANSLATED_TYPE_LABELS[qtype])


def to_halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation to their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def parse_type(raw: Any) -> str | None:
    text = clean_text(raw)
    return TYPE_NAMES.get(text) or TYPE_NAMES.get(to_halfwidth(text).lower())


def parse_choice_answer(raw: Any, option_count: int) -> tuple[list[int], str | None]:
    """Letters in any of the accepted spellings → sorted indices, or an error message.

    Accepts ``A``, ``ABD``, ``A,B,D``, ``A、B、D``, ``A B D``, full-width ``ＡＢ``, lower case.
    """
    text = to_halfwidth(clean_text(raw)).upper()
    if not text:
        return [], _("答案为空")
    letters = re.sub(r"[\s,，、;；/|]+", "", text)
    if not re.fullmatch(r"[A-Z]+", letters):
        return [], _("答案“%(answer)s”不是选项字母", answer=clean_text(raw))
    indices = []
    for letter in letters:
        index = ord(letter) - ord("A")
        if index >= option_count:
            return [], _("答案“%(letter)s”不在选项中", letter=letter)
        if index in indices:
            return [], _("答案中“%(letter)s”重复", letter=letter)
        indices.append(index)
    return sorted(indices), None


def parse_judge_answer(raw: Any) -> tuple[bool | None, str | None]:
    text = to_halfwidth(clean_text(raw)).lower()
    if text in TRUE_WORDS:
        return True, None
    if text in FALSE_WORDS:
        return False, None
    if not text:
        return None, _("答案为空")
    return None, _("判断题答案“%(answer)s”无法识别，请填写“正确”或“错误”", answer=clean_text(raw))


def parse_blank_answer(raw: Any) -> tuple[list[list[str]], str | None]:
    text = clean_text(raw)
    if not text:
        return [], _("答案为空")
    blanks = []
    for part in BLANK_SEPARATORS.split(text):
        alternatives = [a for a in ALTERNATIVE_SEPARATORS.split(part.strip()) if a]
        if not alternatives:
            return [], _("填空题某一空的答案为空")
        blanks.append(alternatives)
    return blanks, None


def format_choice_answer(indices: list[int]) -> str:
    return "".join(LETTERS[i] for i in indices)


def format_judge_answer(value: bool) -> str:
    return "正确" if value else "错误"


def format_blank_answer(blanks: list[list[str]]) -> str:
    return "|".join("/".join(alternatives) for alternatives in blanks)


def parse_difficulty(raw: Any) -> tuple[int | None, str | None]:
    text = to_halfwidth(clean_text(raw))
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("难度“%(value)s”不是 1–5 的整数", value=text)
    if value != value.to_integral_value() or not 1 <= value <= 5:
        return None, _("难度“%(value)s”不是 1–5 的整数", value=text)
    return int(value), None


# Other systems' difficulty words, on the platform's 1–5 scale (docs/import-formats.md)
DIFFICULTY_WORDS: dict[str, int] = {
    **dict.fromkeys(("简单", "容易", "易", "很容易", "非常简单"), 1),
    **dict.fromkeys(("基础", "较易", "较容易", "较简单", "偏易"), 2),
    **dict.fromkeys(("一般", "中等", "适中", "中", "普通"), 3),
    **dict.fromkeys(("较难", "偏难", "稍难", "中难"), 4),
    **dict.fromkeys(("困难", "难", "很难", "非常难", "极难"), 5),
}
# "难度（1-10）", "难易度(1~3)": the scale a column header announces
_SCALE_NOTE = re.compile(r"(?:0|1)\s*[-~～至到—]\s*(\d{1,3})")


def difficulty_scale(header: str) -> int | None:
    """The top of the scale a header names (``难度（1-10）`` → 10), or None."""
    match = _SCALE_NOTE.search(to_halfwidth(header))
    return int(match.group(1)) if match and int(match.group(1)) >= 2 else None


def rescale_difficulty(value: Decimal, top: int) -> int:
    """A value on 1…top → 1…5, linearly, rounding half up (1–10: 1,2→1 … 9,10→5)."""
    if top == 5:
        return int(value)
    scaled = 1 + (value - 1) * 4 / Decimal(top - 1)
    return max(1, min(5, int(scaled.quantize(Decimal(1), rounding="ROUND_HALF_UP"))))


def read_difficulty(raw: Any, top: int | None = None) -> tuple[int | None, str | None, int | None]:
    """Other systems' difficulty → (1–5 value, problem, the number as written).

    Words (``DIFFICULTY_WORDS``) and numbers 1–5 are read as they are; a number on a scale
    the header announced (``top``) is rescaled; a whole number up to 10 without one is
    returned as written (third value) so the caller can rescale its whole column once it
    knows the column's largest value; a decimal between 0 and 1 is a 难度系数 (the share
    of people answering right, so 0.9 is easy): ``1 + round((1 - p) * 4)``."""
    text = to_halfwidth(clean_text(raw)).strip()
    if not text:
        return None, None, None
    if text in DIFFICULTY_WORDS:
        return DIFFICULTY_WORDS[text], None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return (
            None,
            _("难度“%(value)s”无法识别：请填写 1–5，或 简单/一般/困难 等", value=text),
            None,
        )
    if 0 < value < 1:
        share = (1 - value) * 4
        return 1 + int(share.quantize(Decimal(1), rounding="ROUND_HALF_UP")), None, None
    if value != value.to_integral_value() or value < 1:
        return (
            None,
            _("难度“%(value)s”无法识别：请填写 1–5，或 简单/一般/困难 等", value=text),
            None,
        )
    if top:
        if value > top:
            return None, _("难度“%(value)s”超出表头写明的 1–%(top)d", value=text, top=top), None
        return rescale_difficulty(value, top), None, None
    if value <= 5:
        return int(value), None, int(value)
    if value <= 10:
        return 5, None, int(value)
    return None, _("难度“%(value)s”超出范围：请填写 1–5（或在表头注明 1–10 等）", value=text), None


def parse_points(raw: Any) -> tuple[Decimal | None, str | None]:
    text = to_halfwidth(clean_text(raw))
    if not text:
        return None, None
    try:
        value = points.read_question_points(text, quote=True)
    except DomainError as exc:
        return None, exc.message
    # quantize, not normalize: Decimal("10").normalize() is 1E+1
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value, None


def parse_category(raw: Any) -> list[str]:
    """``一级/二级`` (also ``>``, full-width ``／``) → ["一级", "二级"]."""
    text = clean_text(raw)
    return [part.strip() for part in re.split(r"[/／>＞]", text) if part.strip()]


def parse_tags(raw: Any) -> list[str]:
    text = clean_text(raw)
    return [t for t in (p.strip() for p in re.split(r"[,，、;；\s]+", text)) if t]


def problems(question: ParsedQuestion) -> list[tuple[str, str]]:
    """The rules every question obeys, whatever file it came from: (field key, message)."""
    found: list[tuple[str, str]] = []
    if question.type not in QUESTION_TYPES:
        return [("type", _("未知题型“%(type)s”", type=question.type))]
    if not question.stem.strip():
        found.append(("stem", _("题干为空")))
    if question.type in CHOICE_TYPES:
        if len(question.options) < MIN_OPTIONS:
            found.append(("options", _("选择题至少需要 %(n)d 个选项", n=MIN_OPTIONS)))
        elif len(question.options) > MAX_OPTIONS:
            found.append(("options", _("选择题最多 %(n)d 个选项（A–H）", n=MAX_OPTIONS)))
        if any(not o.strip() for o in question.options):
            found.append(("options", _("存在空选项")))
        answer = question.answer or []
        if question.type == "single" and len(answer) != 1:
            found.append(("answer", _("单选题必须恰好有一个正确答案")))
        if question.type == "multiple" and len(answer) < 2:
            found.append(("answer", _("多选题至少两个正确答案")))
        if any(i >= len(question.options) or i < 0 for i in answer):
            found.append(("answer", _("答案不在选项中")))
    elif question.options:
        found.append(("options", _("%(type)s不应有选项", type=type_label(question.type))))
    if question.type == "judge" and not isinstance(question.answer, bool):
        found.append(("answer", _("判断题答案必须是“正确”或“错误”")))
    if question.type == "blank":
        blanks = question.answer or []
        if not blanks or any(not alts for alts in blanks):
            found.append(("answer", _("填空题答案为空")))
    if not 1 <= question.difficulty <= 5:
        found.append(("difficulty", _("难度应为 1–5")))
    return found


def validate(question: ParsedQuestion) -> list[ImportIssue]:
    """``problems`` as issues at the question's location."""
    return [
        ImportIssue(question.location, message, field_label(key))
        for key, message in problems(question)
    ]


# Moodle's cloze (multianswer) gaps: {1:SHORTANSWER:=…}, {:MC:~a~=b}, {2:NUMERICAL:=3}
CLOZE_GAP = re.compile(
    r"\{\d*:(?:SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|NUMERICAL|NM|MULTICHOICE\w*|MC\w*"
    r"|MULTIRESPONSE\w*|MR\w*):",
    re.I,
)


def cloze_message(text: str) -> str:
    """Cloze text where a text format (Chinese layout, GIFT) cannot hold it."""
    match = CLOZE_GAP.search(text)
    gap = (match.group(0) if match else "{1:…:") + "…"
    return _(
        "这是 Moodle 完形填空（cloze）题的写法（%(gap)s），文本文件中不受支持；"
        "请改用 Moodle XML 导出，或改写为填空题",
        gap=gap,
    )


def stem_fingerprint(stem: str) -> str:
    """Normalised stem for duplicate detection: width-folded, lower case, punctuation,
    blanks (``（ ）``, ``____``) and whitespace removed."""
    text = to_halfwidth(stem).lower()
    text = re.sub(r"[\s_（）()【】\[\]「」“”\"'‘’,，.。、;；:：!！?？·…—\-*#>`]+", "", text)
    return text


def decode_text(data: bytes) -> str:
    """Text file bytes → str: UTF-16 with a BOM, else UTF-8 (BOM or not), else GB18030 (a
    superset of GBK/GB2312, what Excel and Notepad on Chinese Windows write). Each attempt is
    strict, so a file that is neither raises ``ImportRejected`` instead of turning into
    mojibake. Line endings are left as they are."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRejected(
            _(
                "无法识别文件的文字编码：既不是 UTF-8，也不是 GBK/GB18030。"
                "请用记事本或 Excel 另存为“UTF-8”编码后再导入"
            )
        ) from None

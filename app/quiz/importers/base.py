"""The one interface every question importer speaks.

An importer turns the bytes of one file into ``ParsedQuestion`` objects and a list of
``ImportIssue`` — every problem it found, each with the file's own coordinates. It never
stops at the first error and never writes anything; the service decides what to do with
the result. A file that cannot be read at all (encrypted, not the format it claims, too
big) raises ``ImportRejected``. Nothing else may escape an importer.

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

QUESTION_TYPES = ("single", "multiple", "judge", "blank", "essay")
CHOICE_TYPES = ("single", "multiple")
MIN_OPTIONS, MAX_OPTIONS = 2, 8
LETTERS = "ABCDEFGH"
MAX_FILE_BYTES = 20 * 1024 * 1024

TYPE_NAMES: dict[str, str] = {
    "单选": "single", "单选题": "single", "单项选择": "single", "单项选择题": "single",
    "多选": "multiple", "多选题": "multiple", "多项选择": "multiple", "多项选择题": "multiple",
    "不定项选择题": "multiple",
    "判断": "judge", "判断题": "judge",
    "填空": "blank", "填空题": "blank",
    "简答": "essay", "简答题": "essay", "问答": "essay", "问答题": "essay", "论述题": "essay",
    "single": "single", "multiple": "multiple", "judge": "judge", "blank": "blank",
    "essay": "essay", "truefalse": "judge", "true_false": "judge",
}
TYPE_LABELS = {"single": "单选题", "multiple": "多选题", "judge": "判断题", "blank": "填空题",
               "essay": "简答题"}

TRUE_WORDS = {"正确", "对", "√", "✓", "✔", "是", "t", "true", "yes", "y", "1"}
FALSE_WORDS = {"错误", "错", "×", "✗", "✘", "x", "否", "f", "false", "no", "n", "0"}

# Blank answers: blanks are separated by "|" or a full-width "；", alternatives inside one
# blank by "/" (full-width "／" too). A literal "/" in an answer cannot be written — none of
# the shipped content needs one, and the convention is the one administrators already use.
BLANK_SEPARATORS = re.compile(r"\s*[|｜；]\s*")
ALTERNATIVE_SEPARATORS = re.compile(r"\s*[/／]\s*")


@dataclass
class ImportIssue:
    """One problem in the file: where (the file's own words: sheet and row, or line), which
    field, and why, in Chinese."""

    location: str
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.location}，{self.field}" if self.field else self.location
        return f"{where}：{self.message}"


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

    @property
    def ok(self) -> bool:
        return not self.errors


class QuestionImportError(Exception):
    """Base of everything an importer may raise."""


class ImportRejected(QuestionImportError):
    """The file as a whole cannot be read: the message says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
        return [], "答案为空"
    letters = re.sub(r"[\s,，、;；/|]+", "", text)
    if not re.fullmatch(r"[A-Z]+", letters):
        return [], f"答案“{clean_text(raw)}”不是选项字母"
    indices = []
    for letter in letters:
        index = ord(letter) - ord("A")
        if index >= option_count:
            return [], f"答案“{letter}”不在选项中"
        if index in indices:
            return [], f"答案中“{letter}”重复"
        indices.append(index)
    return sorted(indices), None


def parse_judge_answer(raw: Any) -> tuple[bool | None, str | None]:
    text = to_halfwidth(clean_text(raw)).lower()
    if text in TRUE_WORDS:
        return True, None
    if text in FALSE_WORDS:
        return False, None
    if not text:
        return None, "答案为空"
    return None, f"判断题答案“{clean_text(raw)}”无法识别，请填写“正确”或“错误”"


def parse_blank_answer(raw: Any) -> tuple[list[list[str]], str | None]:
    text = clean_text(raw)
    if not text:
        return [], "答案为空"
    blanks = []
    for part in BLANK_SEPARATORS.split(text):
        alternatives = [a for a in ALTERNATIVE_SEPARATORS.split(part.strip()) if a]
        if not alternatives:
            return [], "填空题某一空的答案为空"
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
        return None, f"难度“{text}”不是 1–5 的整数"
    if value != value.to_integral_value() or not 1 <= value <= 5:
        return None, f"难度“{text}”不是 1–5 的整数"
    return int(value), None


def parse_points(raw: Any) -> tuple[Decimal | None, str | None]:
    text = to_halfwidth(clean_text(raw))
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"分值“{text}”不是数字"
    if not value.is_finite() or value <= 0 or value > 1000:
        return None, f"分值“{text}”应大于 0 且不超过 1000"
    # quantize, not normalize: Decimal("10").normalize() is 1E+1
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value, None


def parse_category(raw: Any) -> list[str]:
    """``一级/二级`` (also ``>``, full-width ``／``) → ["一级", "二级"]."""
    text = clean_text(raw)
    return [part.strip() for part in re.split(r"[/／>＞]", text) if part.strip()]


def parse_tags(raw: Any) -> list[str]:
    text = clean_text(raw)
    return [t for t in (p.strip() for p in re.split(r"[,，、;；\s]+", text)) if t]


def validate(question: ParsedQuestion) -> list[ImportIssue]:
    """The rules every question obeys, whatever file it came from."""
    where = question.location
    errors: list[ImportIssue] = []

    def err(message: str, field_name: str = "") -> None:
        errors.append(ImportIssue(where, message, field_name))

    if question.type not in QUESTION_TYPES:
        err(f"未知题型“{question.type}”", "题型")
        return errors
    if not question.stem.strip():
        err("题干为空", "题干")
    if question.type in CHOICE_TYPES:
        if len(question.options) < MIN_OPTIONS:
            err(f"选择题至少需要 {MIN_OPTIONS} 个选项", "选项")
        elif len(question.options) > MAX_OPTIONS:
            err(f"选择题最多 {MAX_OPTIONS} 个选项（A–H）", "选项")
        if any(not o.strip() for o in question.options):
            err("存在空选项", "选项")
        answer = question.answer or []
        if question.type == "single" and len(answer) != 1:
            err("单选题必须恰好有一个正确答案", "答案")
        if question.type == "multiple" and len(answer) < 2:
            err("多选题至少两个正确答案", "答案")
        if any(i >= len(question.options) or i < 0 for i in answer):
            err("答案不在选项中", "答案")
    elif question.options:
        err(f"{TYPE_LABELS[question.type]}不应有选项", "选项")
    if question.type == "judge" and not isinstance(question.answer, bool):
        err("判断题答案必须是“正确”或“错误”", "答案")
    if question.type == "blank":
        blanks = question.answer or []
        if not blanks or any(not alts for alts in blanks):
            err("填空题答案为空", "答案")
    if not 1 <= question.difficulty <= 5:
        err("难度应为 1–5", "难度")
    return errors


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
            "无法识别文件的文字编码：既不是 UTF-8，也不是 GBK/GB18030。"
            "请用记事本或 Excel 另存为“UTF-8”编码后再导入"
        ) from None

"""The vocabulary of the Chinese layout (``chinese_text``): type and field words, the
patterns of headings, stems, options and field markers, and the lines that are no part of a
bank — separators, and the page headers and footers a PDF leaves behind when pasted into
Word or a text file (``repeated_lines``)."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .base import LETTERS, ImportIssue, ParseResult, parse_judge_answer, to_halfwidth
from .table import count_blanks

# heading word → type; "choice" = single or multiple, decided by the answer
TYPE_WORDS: dict[str, str] = {
    **{word: "single" for word in ("单项选择题", "单项选择", "单选题", "单选")},
    **{word: "multiple" for word in ("多项选择题", "多项选择", "多选题", "多选")},
    **{word: "multiple" for word in ("不定项选择题", "不定项选择")},
    "选择题": "choice",
    **{word: "judge" for word in ("判断题", "判断", "判断正误题", "判断正误", "是非题")},
    **{word: "blank" for word in ("填空题", "填空")},
    **{
        word: "essay"
        for word in (
            "简答题",
            "简答",
            "问答题",
            "问答",
            "论述题",
            "论述",
            "名词解释",
            "案例分析题",
            "材料分析题",
            "思考题",
            "计算题",
            "主观题",
            "公文改错题",
            "判断改错题",
            "判断辨析题",
            "辨析题",
        )
    },
    **{word: "blank" for word in ("客观填空题", "主观填空题")},
}
FIELD_WORDS: dict[str, str] = {
    **{word: "answer" for word in ("答案", "正确答案", "参考答案", "标准答案", "答")},
    **{word: "explanation" for word in ("解析", "答案解析", "试题解析", "解题思路")},
    **{word: "difficulty" for word in ("难度", "难度系数", "难易度", "难易程度", "难度等级")},
    **{word: "category" for word in ("知识点", "考点", "分类")},
    **{word: "points" for word in ("分值", "分数")},
    **{word: "source" for word in ("出处", "来源")},
    **{word: "tags" for word in ("标签", "关键词")},
    "题型": "type",
}
MULTILINE_FIELDS = ("answer", "explanation")


def _alternation(words: object) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_TYPES = _alternation(TYPE_WORDS)
_FIELDS = _alternation(FIELD_WORDS)
_INLINE_FIELDS = _alternation(word for word in FIELD_WORDS if word != "答")
_CN = "[一二三四五六七八九十]+"
_DIGITS = "[0-9０-９]{1,5}"  # a question number, not a year-long run of digits

LINE_BREAK = re.compile(r"\r\n|\r|\n")
# No two whitespace runs may touch in these patterns: each must be cheap to reject on a
# 20 MB line of spaces.
HEADING = re.compile(
    rf"(?:(?:{_CN}|[IVX]+)\s*[、.．]|(?P<digits>{_DIGITS})\s*[、.．]|[（(]\s*{_CN}\s*[)）]"
    rf"|第\s*{_CN}\s*(?:部分|大题|题型)(?:\s*[、.．:：])?)?"
    rf"\s*(?:[【\[]\s*)?(?P<word>{_TYPES})(?:\s*[】\]])?"
    r"(?P<tail>\s*[（(:：,，;；].*|\s+[共每本].*)?",
    re.S,
)
STEM = re.compile(
    rf"(?:第\s*(?P<di>{_DIGITS})\s*题\s*[.．、:：]?"
    # "9.2025年…" is question 9 about 2025; "3.5 亿" is not a question number
    rf"|(?P<dot>{_DIGITS})\s*[.．、](?:(?![0-9０-９])|(?=[0-9０-９]{{4}}\s*年))"
    rf"|[（(]\s*(?P<paren>{_DIGITS})\s*[)）]"
    rf"|(?P<half>{_DIGITS})\s*[)）])\s*(?P<rest>.*)",
    re.S,
)
QUESTION_TYPE_TAG = re.compile(rf"[【\[（(]\s*(?P<word>{_TYPES})\s*[】\]）)]\s*")
OPTION = re.compile(
    r"(?:[（(]\s*(?P<p>[A-HＡ-Ｈ])\s*[)）]|(?P<l>[A-Ha-hＡ-Ｈａ-ｈ])\s*[.．、:：)）])\s*"
)
FIELD = re.compile(
    rf"(?:【\s*(?P<a>{_FIELDS})\s*】|\[\s*(?P<b>{_FIELDS})\s*\]|(?P<c>{_FIELDS})\s*[:：])\s*"
    r"(?P<rest>.*)",
    re.S,
)
INLINE_FIELD = re.compile(rf"【\s*(?:{_FIELDS})\s*】|(?<=\s)(?:{_INLINE_FIELDS})\s*[:：]")
# a heading that only names a type ("判断题", "单选") — see TextParser._heading_placed
BARE_HEADING = re.compile(rf"(?:{_TYPES})")
CHAPTER = re.compile(
    rf"第\s*(?:[0-9０-９]{{1,3}}|{_CN})\s*(?:部分|单元|[讲章节课篇])(?:[\s:：、.．].{{0,40}})?",
    re.S,
)
SEPARATOR = re.compile(r"[-=*_~—－＝＊─━·•.。]{3,}|[-=*~—－＝＊─━]+(?:\s*[-=*~—－＝＊─━]+){2,}")
JUDGE_OPTION = re.compile(r"(?P<word>true|false|t|f)\s*[.．、:：)）]\s*(?P<rest>.*)", re.I | re.S)
LABEL = re.compile(r"(?P<label>[\u4e00-\u9fff]{2,6})\s*[:：]\s*(?P<rest>.{0,40})", re.S)
PAGE_NUMBER = re.compile(
    r"(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|[-—–]\s*\d+\s*[-—–]|\d+\s*/\s*\d+"
    r"|page\s*\d+(?:\s*of\s*\d+)?)",
    re.I,
)
REPEAT_THRESHOLD = 4  # a page header or footer repeats on every page; lines of a bank do not
SECTION_POINTS = re.compile(r"每小?题\s*(\d+(?:\.\d+)?)\s*分")
PAREN_CHOICE = re.compile(r"[（(]\s*([A-HＡ-Ｈ](?:\s*(?:[、,，]\s*)?[A-HＡ-Ｈ])*)\s*[)）]")
PAREN_JUDGE = re.compile(r"[（(]\s*(√|×|✓|✔|✗|✘|对|错|正确|错误)\s*[)）]")
PAREN_FILLED = re.compile(r"[（(]([^（）()]*)[)）]")
TRAILING_PUNCT = "。.．!！;；,，"
BLANK_PARTS = re.compile(r"[\s、,，;]+")
BLANK_SEPARATOR = re.compile(r"[|｜；]")
BLANK_MARK = "（ ）"


def _next_option_pattern(letter: str, lower: bool) -> re.Pattern[str]:
    ascii_letter = letter.lower() if lower else letter
    wide = chr(ord(ascii_letter) + 0xFEE0)
    variants = f"[{ascii_letter}{wide}]"
    return re.compile(
        rf"(?:(?<=\s)|(?<=[^\x00-\x7f]))"
        rf"(?:[（(]\s*{variants}\s*[)）]|{variants}\s*[.．、:：)）])\s*"
    )


_NEXT_OPTION = {
    (letter, lower): _next_option_pattern(letter, lower)
    for letter in LETTERS[1:]
    for lower in (False, True)
}


def split_options(text: str) -> list[tuple[str, str]] | None:
    """``A.xxx  B.yyy`` → [("A", "xxx"), ("B", "yyy")]; None if the line is no option line."""
    match = OPTION.match(text)
    if not match:
        return None
    raw_letter = match.group("p") or match.group("l")
    letter = to_halfwidth(raw_letter).upper()
    lower = to_halfwidth(raw_letter).islower()
    items: list[tuple[str, str]] = []
    position = match.end()
    while True:
        index = LETTERS.index(letter)
        following = None
        if index + 1 < len(LETTERS):
            pattern = _NEXT_OPTION[(LETTERS[index + 1], lower)]
            following = pattern.search(text, position)
        if following is None:
            items.append((letter, text[position:].strip()))
            return items
        items.append((letter, text[position : following.start()].strip()))
        letter = LETTERS[index + 1]
        position = following.end()


def split_markers(line: str) -> list[str]:
    """Cut a line before each inline field marker (``…（ ）【答案】B``, ``D.xx  答案：B``)."""
    lead = len(line) - len(line.lstrip())
    starts = [m.start() for m in INLINE_FIELD.finditer(line) if m.start() > lead]
    if not starts:
        return [line]
    bounds = [0, *starts, len(line)]
    return [line[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def question_number(text: str) -> int:
    return int(to_halfwidth(text))


def shorten(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def join_wrapped(parts: list[str]) -> str:
    """An option wrapped over lines: no space between Chinese text, one between Latin words."""
    pieces = parts[:1]
    for part in parts[1:]:
        if pieces[-1] and part and pieces[-1][-1].isascii() and part[0].isascii():
            pieces.append(" ")
        pieces.append(part)
    return "".join(pieces)


def strip_punctuation(text: str) -> str:
    """Drop trailing spaces and sentence punctuation: ``B。`` → ``B``."""
    while True:
        stripped = text.rstrip().rstrip(TRAILING_PUNCT)
        if stripped == text:
            return text
        text = stripped


def repeated_lines(lines: list[str], result: ParseResult | None = None) -> set[str]:
    """Lines that repeat across the file like a PDF's page header or footer ("XX 学院内部
    资料", "第 3 页 共 120 页"): the same line ``REPEAT_THRESHOLD`` times or more that is no
    part of the layout (not a stem, option, field, heading or judge word), and page numbers.
    They are dropped wherever they stand; ``result`` gets a note for each."""
    counts: dict[str, int] = {}
    for raw in lines:
        line = raw.strip().replace("\u3000", " ").strip()
        if line:
            counts[line] = counts.get(line, 0) + 1
    drop: set[str] = set()
    pages = 0
    for line, count in counts.items():
        if PAGE_NUMBER.fullmatch(line):
            drop.add(line)
            pages += count
            continue
        if count < REPEAT_THRESHOLD or len(line) < 4 or not _is_plain_text(line):
            continue
        drop.add(line)
        if result is not None:
            result.notes.append(
                ImportIssue(
                    _("全文"),
                    _(
                        "“%(line)s”在文件中重复出现 %(n)d 次（页眉或页脚），已忽略",
                        line=shorten(line, 30),
                        n=count,
                    ),
                )
            )
    if pages >= REPEAT_THRESHOLD and result is not None:
        result.notes.append(ImportIssue(_("全文"), _("页码行（共 %(n)d 行）已忽略", n=pages)))
    elif pages < REPEAT_THRESHOLD:
        drop = {line for line in drop if not PAGE_NUMBER.fullmatch(line)}
    return drop


def _is_plain_text(line: str) -> bool:
    """Not a line the layout gives meaning to, nor one that reads like part of a question: a
    stem's second line repeated in many questions ("下列说法正确的是：", "……（ ）") ends a
    sentence, asks or leaves a blank, which page headers and footers do not."""
    if line[-1] in "。？?：:；;！!" or count_blanks(line):
        return False
    if STEM.fullmatch(line) or OPTION.match(line) or FIELD.fullmatch(line):
        return False
    if HEADING.fullmatch(line) or CHAPTER.fullmatch(line) or SEPARATOR.fullmatch(line):
        return False
    if INLINE_FIELD.search(line) or JUDGE_OPTION.fullmatch(line):
        return False
    return parse_judge_answer(strip_punctuation(line))[0] is None

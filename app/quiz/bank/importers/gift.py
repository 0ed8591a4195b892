"""Moodle's GIFT text format.

Questions are separated by blank lines; ``//`` starts a comment line. Supported:

* ``::标题::`` titles and ``[markdown]``/``[plain]``/``[moodle]``/``[html]`` format prefixes
  (stripped; ``[html]`` text is converted like Moodle XML's, see ``moodle_xml.html_to_text``);
* ``{=对 ~错 ~错}`` single choice; ``{~%50%对 ~%50%对 ~%-100%错}`` — as in Moodle, an
  answer block with an ``=`` answer is single choice: the best-weighted answer is right, and
  partial credit on the others (``~%50%Galilee``, ``=%50%Cat``) is dropped with a note (the
  platform scores a single choice right or wrong); without ``=``, every answer with a
  positive weight is right, so two or more make a multiple-choice question;
* ``{T}`` ``{F}`` ``{TRUE}`` ``{FALSE}`` judge; ``{=甲 =乙}`` one blank accepting 甲 or 乙 (if
  the answer block stands inside the sentence it is replaced by ``____``); ``{}`` essay —
  its reference answer, if any, is the ``【参考答案】`` part of the general feedback, which
  is how ``exporters/gift`` writes it;
* ``####`` general feedback → explanation; ``#`` feedback on single answers is appended to
  the explanation as a list ("- B：…");
* escapes ``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n`` (a line break);
* ``$CATEGORY: $course$/top/一级/二级`` sets the category of the questions after it (the
  ``$…$`` context and ``top`` are dropped, ``//`` is a literal ``/``);
* comment tags ``// [tag:中心组] [tag:难度:2]`` on the lines of a question (Moodle 3.10+),
  with the metadata tags of ``moodle_xml.META_TAGS``; ``// 题库：名称`` names the bank.

What our model cannot hold — numerical ``{#…}``, matching ``{=a -> b}``, several answer
blocks in one question, text without an answer block — is an error on the question's line.
Files are UTF-8 (with or without BOM), else GB18030. Locations are "第 N 行", the line the
question starts on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from flask_babel import gettext as _

from .base import (
    CLOZE_GAP,
    LETTERS,
    ImportIssue,
    ParsedQuestion,
    ParseResult,
    clean_text,
    cloze_message,
    decode_text,
    field_label,
    validate,
)
from .moodle_xml import apply_tags, dropped_weights_note, html_to_text, split_category_path

BLANK = "____"
ESSAY_ANSWER, ESSAY_EXPLANATION = "【参考答案】", "【解析】"
# Escaped special characters are swapped for Unicode noncharacters (never valid in text,
# removed from the input first) while the structure is parsed, and swapped back after.
_SPECIAL = ":#={}~\\"
_HOLD = {ch: chr(0xFDD0 + i) for i, ch in enumerate(_SPECIAL)}
_RELEASE = str.maketrans({v: k for k, v in _HOLD.items()})
_NONCHARACTERS = re.compile("[\ufdd0-\ufdef]")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d*)?)%")
_TAG = re.compile(r"\[tag:((?:\\.|[^\]\\])*)\]")
_BANK = re.compile(r"^//\s*题库\s*[:：]\s*(.+)$")
Fail = Callable[..., None]  # fail(message, field key)


def _hold(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        ch = match.group(1)
        return "\n" if ch == "n" else _HOLD.get(ch, match.group(0))

    return re.sub(r"\\(.)", swap, text)


def _unescape_tag(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _release(text: str) -> str:
    return text.translate(_RELEASE)


def _text(raw: str, fmt: str = "") -> tuple[str, str]:
    """A part of a question → (clean text, its format); the format defaults to ``fmt``."""
    match = _FORMAT.match(raw)
    if match:
        fmt, raw = match.group(1).lower(), raw[match.end() :]
    text = _release(raw)
    return clean_text(html_to_text(text) if fmt == "html" else text), fmt


def _explanation(general: str, notes: list[str]) -> str:
    parts = [general] if general else []
    if notes:
        parts.append("\n".join(f"- {note}" for note in notes))
    return "\n\n".join(parts)


class _Reader:
    def __init__(self) -> None:
        self.result = ParseResult()
        self.category: list[str] = []

    def read(self, text: str) -> ParseResult:
        text = _NONCHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        block: list[tuple[int, str]] = []
        comments: list[str] = []
        for number, line in enumerate(text.split("\n") + [""], start=1):
            stripped = line.strip()
            if not stripped:
                if block:
                    self.block(block, comments)
                block, comments = [], []  # comments belong to the question they stand in
            elif stripped.startswith("//"):
                comments.append(stripped)
                bank = _BANK.match(stripped)
                if bank and not self.result.bank_name:
                    self.result.bank_name = clean_text(bank.group(1))
            else:
                block.append((number, line))
        if not self.result.questions and not self.result.errors:
            self.result.errors.append(ImportIssue(_("文件"), _("没有找到任何 GIFT 题目")))
        return self.result

    def block(self, lines: list[tuple[int, str]], comments: list[str]) -> None:
        first = lines[0][1].strip()
        if first[:10].upper() == "$CATEGORY:":
            self.category = split_category_path(_release(_hold(first[10:])))
            lines = lines[1:]
            if not lines:
                return
        location = _("第 %(line)d 行", line=lines[0][0])
        tags = [_unescape_tag(t) for c in comments for t in _TAG.findall(c)]
        errors: list[ImportIssue] = []
        question = self.question("\n".join(line for _, line in lines), location, errors)
        if question is not None:
            question.category = list(self.category)
            tags_label = field_label("tags")
            errors += [ImportIssue(location, m, tags_label) for m in apply_tags(question, tags)]
            reported = {e.field for e in errors}
            errors += [e for e in validate(question) if e.field not in reported]
        self.result.errors.extend(errors)
        if question is not None and not errors:
            self.result.questions.append(question)

    def question(self, raw: str, location: str, errors: list[ImportIssue]) -> ParsedQuestion | None:
        def fail(message: str, field_key: str = "") -> None:
            errors.append(
                ImportIssue(location, message, field_label(field_key) if field_key else "")
            )

        if CLOZE_GAP.search(raw):
            fail(cloze_message(raw), "type")
            return None
        text = _hold(raw).strip()
        title = ""
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                fail(_("题目名称缺少结尾的“::”"), "title")
                return None
            title = clean_text(_release(text[2:end]))
            text = text[end + 2 :].strip()
        start, end = text.find("{"), text.find("}")
        if start < 0 and end < 0:
            if "｛" in text:
                fail(
                    _("没有答案块 {…}：GIFT 描述性文字不是题目，不受支持；答案块要用半角大括号 { }")
                )
            else:
                fail(_("没有答案块 {…}：GIFT 描述性文字不是题目，不受支持"))
            return None
        if end < 0:
            fail(_("答案块缺少结尾的“}”"))
            return None
        if start < 0 or end < start:
            fail(_("大括号不配对：“}”前缺少“{”（文字中的大括号请写作 \\{ \\}）"))
            return None
        answers, after = text[start + 1 : end], text[end + 1 :]
        if "{" in answers:
            fail(_("答案块中又出现了“{”（文字中的大括号请写作 \\{）"))
            return None
        if "{" in after or "}" in after:
            fail(_("GIFT 一题只能有一个答案块；多空填空题请改用 Excel、Word 或本平台题库格式"))
            return None
        stem_raw = text[:start] + (BLANK if after.strip() else "") + after
        question = ParsedQuestion(type="", stem="", title=title, location=location)
        question.stem, fmt = _text(stem_raw)
        general = ""
        if "####" in answers:
            answers, _sep, feedback = answers.rpartition("####")
            general = _text(feedback, fmt)[0]
        self.answers(question, answers.strip(), fmt, general, fail)
        return question if question.type else None

    def answers(
        self, question: ParsedQuestion, text: str, fmt: str, general: str, fail: Fail
    ) -> None:
        notes: list[str] = []
        if not text:
            question.type = "essay"
            question.answer = ""
            if general.startswith(ESSAY_ANSWER):
                answer, _sep, general = general[len(ESSAY_ANSWER) :].partition(
                    f"\n\n{ESSAY_EXPLANATION}"
                )
                question.answer, general = clean_text(answer), clean_text(general)
        elif text.startswith("#"):
            fail(_("GIFT 数值题不受支持"), "type")
        elif "~" in text:
            self.choice(question, text, fmt, notes, fail)
        elif "=" in text and "->" in text:
            fail(_("GIFT 匹配题不受支持"), "type")
        elif text.split("#", 1)[0].strip().upper() in ("T", "TRUE", "F", "FALSE"):
            question.type = "judge"
            parts = text.split("#", 2)
            question.answer = parts[0].strip().upper() in ("T", "TRUE")
            for label, part in zip(("答错时", "答对时"), parts[1:], strict=False):
                feedback = _text(part, fmt)[0]
                if feedback:
                    notes.append(f"{label}：{feedback}")
        else:
            self.short_answer(question, text, fmt, notes, fail)
        question.explanation = _explanation(general, notes)

    def choice(
        self, question: ParsedQuestion, text: str, fmt: str, notes: list[str], fail: Fail
    ) -> None:
        pieces = re.split(r"([=~])", text)
        if pieces[0].strip():
            fail(_("答案块中“%(text)s”前缺少“=”或“~”", text=_release(pieces[0].strip())), "options")
            return
        # Moodle's rule: an "=" answer makes the question single choice, and other weights
        # are partial credit; without one, every positive weight is a right answer
        single = any(marker == "=" for marker in pieces[1::2])
        weights: list[Decimal] = []
        for index, (marker, body) in enumerate(zip(pieces[1::2], pieces[2::2], strict=True)):
            weight = _WEIGHT.match(body)
            if weight:
                body = body[weight.end() :]
            full = Decimal(100) if marker == "=" else Decimal(0)
            weights.append(Decimal(weight.group(1)) if weight else full)
            option, _sep, feedback = body.partition("#")
            question.options.append(_text(option, fmt)[0])
            feedback = _text(feedback, fmt)[0]
            if feedback and index < len(LETTERS):
                notes.append(f"{LETTERS[index]}：{feedback}")
        best = max(weights, default=Decimal(0))
        if single:
            correct = [i for i, w in enumerate(weights) if w > 0 and w == best]
            partial = [i for i, w in enumerate(weights) if 0 < w < best]
            if len(correct) == 1 and partial:
                self.result.notes.append(
                    ImportIssue(
                        question.location,
                        dropped_weights_note([(question.options[i], weights[i]) for i in partial]),
                    )
                )
        else:
            correct = [i for i, w in enumerate(weights) if w > 0]
        if not correct:
            fail(_("没有正确选项：正确答案前应写“=”，或用“~%50%”这样的正分值"), "answer")
        question.type = "multiple" if len(correct) > 1 else "single"
        question.answer = correct

    @staticmethod
    def short_answer(
        question: ParsedQuestion, text: str, fmt: str, notes: list[str], fail: Fail
    ) -> None:
        question.type = "blank"
        accepted = []
        for body in text.split("="):
            if not body.strip():
                continue
            weight = _WEIGHT.match(body)
            if weight:
                body = body[weight.end() :]
            answer, _sep, feedback = body.partition("#")
            answer = _text(answer, fmt)[0]
            feedback = _text(feedback, fmt)[0]
            if weight and Decimal(weight.group(1)) <= 0:
                continue
            if answer:
                accepted.append(answer)
                if feedback:
                    notes.append(f"答“{answer}”：{feedback}")
        if not accepted:
            fail(_("填空题没有正确答案"), "answer")
        question.answer = [accepted]


def parse(data: bytes, filename: str) -> ParseResult:
    """Read a GIFT file (see the module docstring)."""
    return _Reader().read(decode_text(data))

"""Moodle's Aiken format: choice questions as plain text.

::

    党的政治建设是党的（ ）建设。
    A. 根本性
    B. 基础性
    ANSWER: A

* The question may run over several lines (blank lines inside it are kept as paragraph
  breaks); it ends at its ``ANSWER:`` line, and questions are separated by blank lines.
* Options start with a capital letter A–H followed by ``.`` ``)`` ``、`` or their full-width
  forms (``Ａ．`` ``Ａ）``), in order from A; one option per line.
* ``ANSWER: B`` (also ``ANSWER：B``, ``答案：B``). Beyond Moodle, several letters
  (``ANSWER: ACD``, ``A,C,D``) make a multiple-choice question.
* Files are UTF-8 (with or without BOM), else GB18030. Locations are "第 N 行": the line a
  question starts on, or the line at fault.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .base import (
    LETTERS,
    ImportIssue,
    ParsedQuestion,
    ParseResult,
    clean_text,
    decode_text,
    field_label,
    parse_choice_answer,
    to_halfwidth,
    validate,
)

_OPTION = re.compile(r"^([A-HＡ-Ｈ])\s*[.．)）、]\s*(.*)$")
_ANSWER = re.compile(r"^(?:ANSWER|答案)\s*:\s*(.*)$", re.I)

IDLE, STEM, OPTIONS, SKIP = range(4)


class _Reader:
    def __init__(self) -> None:
        self.result = ParseResult()
        self.state = IDLE
        self.start = 0
        self.stem: list[str] = []
        self.options: list[str] = []
        self.blank_before = False

    @staticmethod
    def where(line: int) -> str:
        return _("第 %(line)d 行", line=line)

    def error(self, line: int, message: str, field_key: str = "") -> None:
        label = field_label(field_key) if field_key else ""
        self.result.errors.append(ImportIssue(self.where(line), message, label))

    def begin(self, number: int, text: str) -> None:
        self.start, self.stem, self.options = number, [text], []
        self.state = STEM

    def read(self, lines: list[str]) -> ParseResult:
        for number, line in enumerate(lines, start=1):
            self.line(number, line.strip())
        if self.state in (STEM, OPTIONS):
            self.error(self.start, _("题目缺少“ANSWER: X”答案行"), "answer")
        if not self.result.questions and not self.result.errors:
            self.result.errors.append(ImportIssue(_("文件"), _("没有找到任何 Aiken 题目")))
        return self.result

    def line(self, number: int, text: str) -> None:
        answer = _ANSWER.match(to_halfwidth(text))
        option = _OPTION.match(text)
        letter = LETTERS.find(to_halfwidth(option.group(1))) if option else -1
        if self.state == IDLE:
            if answer:
                self.error(number, _("“ANSWER:”行前面没有题目"))
            elif text:
                self.begin(number, text)
        elif self.state == STEM:
            if answer:
                self.error(self.start, _("题目没有选项（应为“A. …”“B. …”各占一行）"), "options")
                self.state = IDLE
            elif option and letter == 0:
                self.options = [option.group(2)]
                self.state, self.blank_before = OPTIONS, False
            else:
                self.stem.append(text)
        elif self.state == OPTIONS:
            if answer:
                self.finish(number, answer.group(1))
                self.state = IDLE
            elif not text:
                self.blank_before = True
            elif option and letter == len(self.options):
                self.options.append(option.group(2))
                self.blank_before = False
            elif self.blank_before and not option:
                self.error(self.start, _("题目缺少“ANSWER: X”答案行"), "answer")
                self.begin(number, text)
            else:
                if len(self.options) >= len(LETTERS):
                    message = _("选择题最多 8 个选项（A–H），选项之后应是“ANSWER: X”答案行")
                else:
                    message = _(
                        "无法识别“%(text)s”：下一个选项应以“%(letter)s.”开头，"
                        "选项之后应是“ANSWER: X”答案行",
                        text=text[:30],
                        letter=LETTERS[len(self.options)],
                    )
                self.error(number, message)
                self.state = SKIP
        elif self.state == SKIP and (answer or not text):
            self.state = IDLE

    def finish(self, number: int, raw: str) -> None:
        indices, message = parse_choice_answer(raw, len(self.options))
        if message:
            self.error(number, message, "answer")
            return
        stem = re.sub(r"\n{3,}", "\n\n", "\n".join(self.stem))
        question = ParsedQuestion(
            type="multiple" if len(indices) > 1 else "single",
            stem=clean_text(stem),
            options=[clean_text(option) for option in self.options],
            answer=indices,
            location=self.where(self.start),
        )
        problems = validate(question)
        self.result.errors.extend(problems)
        if not problems:
            self.result.questions.append(question)


def parse(data: bytes, filename: str) -> ParseResult:
    """Read an Aiken file (see the module docstring)."""
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    return _Reader().read(text.split("\n"))

"""The layout Chinese administrators keep question banks in (.txt here, Word via
``docx_format``, which feeds its paragraphs to the same ``TextParser``). Its words and
patterns live in ``chinese_layout``.

::

    一、单项选择题（每题 2 分）
    1. 党的政治建设是党的（ ）建设。
    A. 根本性  B. 基础性  C. 长期性  D. 全局性
    答案：A
    解析：党的政治建设是党的根本性建设，决定党的建设方向和效果。
    难度：2      知识点：党的建设/政治建设

Section headings
    ``一、单选题`` ``（一）多项选择题`` ``第二部分 判断题`` ``三、填空题（每小题 1 分）``
    ``【判断题】``, or the bare type name — the bare name only where a heading can stand
    (after a blank line, before the first question, or once the question above has its
    answer): elsewhere it is a wrapped line of the text above. They set the type of the
    questions below. ``选择题`` means single or
    multiple by the number of answer letters. ``每题 N 分`` / ``每小题 N 分`` in the heading
    (or a note line right after it) becomes the default 分值. A question may override with
    a leading ``【多选题】`` or a ``题型：`` line. Without any heading the type is inferred:
    options → choice; 对/错-style answer → 判断; a stem with blanks → 填空; an answer → 简答.
Chapters
    ``第02讲 …`` ``第三章 …`` lines start a chapter whose numbering starts again; inside a
    解析 or essay answer such a line is a chapter only if the numbering restarts after it.
Lines that are not the bank's
    Separator lines (``-----``, ``=====``) and a PDF's page headers, footers and page numbers
    (the same line repeated across the file, see ``chinese_layout.repeated_lines``) are
    dropped, the latter with a note; Moodle cloze gaps are reported line by line.
Stems
    ``1.`` ``1、`` ``1．`` ``(1)`` ``（1）`` ``1)`` ``第1题``, full-width digits too; a stem may
    continue on following lines. A numbered line inside a multi-line 解析 or 简答 answer
    (``1. 第一点…``) stays part of it unless it is numbered in the stems' own style and
    beyond the last question number. When it also continues the answer's own list (an
    answer listing 1. 2. 3. right before question 4.) it is kept as text, and split off as a
    question if the next field marker is a second 答案 or 解析. Lines before the first
    question of a section (titles, instructions) are ignored.
Options
    ``A.`` ``A、`` ``A．`` ``A)`` ``A：`` ``(A)`` ``Ａ．`` — one per line, or several on one
    line (``A.xxx  B.xxx  C.xxx  D.xxx``: the next letter in sequence after a space or a
    Chinese character starts the next option). Only before the answer.
Fields
    ``答案：`` / ``答案:`` / ``【答案】`` / ``正确答案：`` / ``参考答案：`` / ``答：``; ``解析：`` /
    ``【解析】``; ``难度：`` ``知识点：`` ``分值：`` ``出处：`` ``标签：`` ``题型：`` — each at a line
    start, or inside a line when bracketed (``【答案】B【解析】…``) or preceded by a space
    (``D.xxx   答案：B``). 解析 and 简答 answers continue over the following lines until the
    next marker, stem or heading; other fields are one line.
Answers in the stem
    ``1. 党的政治建设是党的（ A ）建设。`` — with no answer line, a single bracket of option
    letters (or √/×/对/错 for 判断) is the answer and becomes ``（ ）``; with an answer line
    that agrees, it is blanked too. A 填空 question without an answer line takes each
    non-empty bracket as a blank's answer: ``…宗旨是（全心全意为人民服务）。``.
Blank (填空) answers
    base's convention: ``|`` or ``；`` between blanks, ``/`` between alternatives. Also, when
    the answer uses neither separator and the stem marks N ≥ 2 blanks (``____`` / ``（ ）``),
    an answer that splits on spaces, ``、``, commas or ``;`` into exactly N parts gives one
    part per blank (``答案：马克思主义 毛泽东思想``). Otherwise the whole text is one answer —
    so a single blank may still be answered ``党的领导、人民当家作主、依法治国``.
Judge answers
    anything ``base.parse_judge_answer`` accepts (√ ✔ ✓ × ❌ ✗ 对 错 正确 错误 T F …); trailing
    ``。`` is ignored for choice, judge and blank answers. Option lines ``true. 正确`` /
    ``false. 错误`` make a judge question (an answer letter picks one of them).
Labels
    A ``题型：`` line above a stem, or after the previous question's answer, is the type of
    the question below it; within a question, of that question. ``难度系数：`` is ``难度：``.
    Other ``某某：`` label lines after a question's options (``出题人：``) are left out with a
    note, never glued onto an option.
Essays numbered unevenly
    A numbered line kept inside an essay answer (``1、`` then ``（2）``) followed by its own
    ``答案：`` starts a new question there; if it also continues the answer's own list, both
    readings are possible and it is refused naming them.
Locations
    ``第 N 行`` (Word: ``第 N 段``); answer/解析/… problems point at their own line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from .base import (
    CLOZE_GAP,
    LETTERS,
    ImportIssue,
    ImportRejected,
    ParseResult,
    cloze_message,
    decode_text,
    field_label,
    parse_judge_answer,
    parse_type,
    to_halfwidth,
)
from .chinese_layout import (
    BARE_HEADING,
    BLANK_MARK,
    BLANK_PARTS,
    BLANK_SEPARATOR,
    CHAPTER,
    FIELD,
    FIELD_WORDS,
    HEADING,
    JUDGE_OPTION,
    LABEL,
    LINE_BREAK,
    MULTILINE_FIELDS,
    PAREN_CHOICE,
    PAREN_FILLED,
    PAREN_JUDGE,
    QUESTION_TYPE_TAG,
    SECTION_POINTS,
    SEPARATOR,
    STEM,
    TYPE_WORDS,
    join_wrapped,
    question_number,
    repeated_lines,
    shorten,
    split_markers,
    split_options,
    strip_punctuation,
)
from .table import build_question, count_blanks


@dataclass
class _Draft:
    location: str
    number: int | None
    stem_lines: list[str]
    type_override: str | None = None
    # text is kept as lists of lines (joined when the question ends) so that a field running
    # over thousands of lines costs linear time
    options: list[list[str]] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    field_locations: dict[str, str] = field(default_factory=dict)
    issues: list[ImportIssue] = field(default_factory=list)
    blocking: int = 0  # how many of ``issues`` make the question itself unusable
    inner_last: int | None = None  # last list number seen inside the current 答案/解析
    # (field, offset in its text, location, number, style) of an ambiguous numbered line
    pending: tuple[str, int, str, int, str] | None = None
    current: str | None = "stem"  # what a plain continuation line extends
    # judge options written as lines "true. 正确" / "false. 错误", in their order
    judge_options: list[bool] = field(default_factory=list)
    # (field, offset, location, number, style, continues its list) of the last numbered line
    # kept inside 答案/解析: where a new question starts if a second 答案 follows
    last_inner: tuple[str, int, str, int, str, bool] | None = None
    # (field, offset) of a chapter-like line ("第二章 …") kept inside 答案/解析 text
    chapter: tuple[str, int] | None = None


class TextParser:
    """Line-by-line state machine for the layout above. ``feed`` lines with their location,
    ``flush`` to end the current question (e.g. before a Word table), ``close`` at the end."""

    def __init__(self, result: ParseResult, drop: set[str] | frozenset[str] = frozenset()):
        self.result = result
        self.section: str | None = None
        self.section_points = ""
        self.draft: _Draft | None = None
        self.last_number: int | None = None
        self.stem_style: str | None = None
        self.drop = drop  # repeated page headers/footers (see ``repeated_lines``)
        self.after_blank = True  # the previous line was empty (or there was none)
        # a 题型： line after a finished question: the type of the question that follows
        self.pending_type: str | None = None
        self._labels: dict[str, str] = {}

    # ------------------------------------------------------------ input

    def feed(self, location: str, line: str) -> None:
        stripped = line.strip().replace("\u3000", " ").strip()
        if not stripped or stripped in self.drop or SEPARATOR.fullmatch(stripped):
            # separator lines (-----, =====) and dropped page headers are not content, and
            # do not count as the blank line a bare heading may follow
            self.after_blank = self.after_blank or not stripped
            return
        for segment in split_markers(line):
            self._segment(location, segment.strip().replace("\u3000", " ").strip())
        self.after_blank = False

    def flush(self) -> None:
        if self.draft is not None:
            if self.pending_type is not None:
                # a 题型： line after a question's answer, with no question after it: its own
                self.draft.type_override = self.pending_type
                self.pending_type = None
            self._finish(self.draft)
            self.draft = None

    def close(self) -> None:
        self.flush()

    # ------------------------------------------------------------ line kinds

    def _segment(self, location: str, text: str) -> None:
        if not text:
            return
        match = FIELD.fullmatch(text)
        if match:
            word = match.group("a") or match.group("b") or match.group("c")
            self._field(location, FIELD_WORDS[word], match.group("rest").strip())
            return
        match = HEADING.fullmatch(text)
        if match and self._is_heading(match) and self._heading_placed(match):
            self.flush()
            self.section = TYPE_WORDS[match.group("word")]
            self.section_points = self._points_note(match.group("tail") or "")
            self.last_number = None
            return
        if len(text) <= 60 and CHAPTER.fullmatch(text):
            draft = self.draft
            if self._continues_text():
                # inside an explanation or essay answer "第二章 …" may be its text: a chapter
                # only if the numbering restarts after it (see _numbered_line)
                assert draft is not None and draft.current is not None
                draft.chapter = (draft.current, len(draft.fields[draft.current]))
            else:
                # 第02讲 …: a new chapter, numbered from 1 again; the section type stays
                self.flush()
                self.last_number = None
                return
        match = STEM.fullmatch(text)
        if match:
            style = next(name for name in ("di", "dot", "paren", "half") if match.group(name))
            number = question_number(match.group(style))
            kind = self._numbered_line(number, style)
            if kind == "chapter":
                self._cut_chapter()
                kind = "new"
            if kind == "new":
                self._start(location, number, style, match.group("rest").strip())
                return
            draft = self.draft
            assert draft is not None and draft.current is not None
            offset = len(draft.fields.get(draft.current, []))
            if kind == "ambiguous":
                draft.pending = (draft.current, offset, location, number, style)
            if draft.current in MULTILINE_FIELDS:
                previous = draft.last_inner
                continues = (
                    previous is not None
                    and previous[0] == draft.current
                    and previous[4] == style
                    and number == previous[3] + 1
                )
                draft.last_inner = (draft.current, offset, location, number, style, continues)
            if style == self.stem_style:
                draft.inner_last = number
        draft = self.draft
        if draft is not None and "answer" not in draft.fields and "explanation" not in draft.fields:
            options = split_options(text)
            if options is not None:
                self._options(location, options)
                return
            judge = JUDGE_OPTION.fullmatch(text)
            if judge and not draft.options and _judge_option_text(judge):
                draft.judge_options.append(judge.group("word").lower().startswith("t"))
                draft.current = None
                return
        if draft is not None and draft.current != "stem" and self._unknown_label(location, text):
            return
        elif draft is None and split_options(text) is not None:
            self._issue(
                location, _("选项前面没有题干（题干应以题号开头，如“1.”）"), field_label("options")
            )
            return
        self._text(location, text)

    def _label(self, key: str) -> str:
        """``field_label``, looked up once per parse: every 答案 line needs it."""
        if key not in self._labels:
            self._labels[key] = field_label(key)
        return self._labels[key]

    def _heading_placed(self, match: re.Match[str]) -> bool:
        """A bare type word ("判断", "单选题") on its own line is a heading only where one can
        stand: after a blank line, before any question, or once the question above has its
        answer — otherwise it is a wrapped line of the text above (an option ending "…主观"
        wrapped so that the next line reads "判断"). Numbered, bracketed or annotated
        headings (一、判断题, 【判断题】, 判断题（共 20 题）) stand anywhere."""
        if not BARE_HEADING.fullmatch(match.group(0).strip()):
            return True
        draft = self.draft
        return self.after_blank or draft is None or "answer" in draft.fields

    def _continues_text(self) -> bool:
        """A plain line would be added to a multi-line 解析 or essay answer."""
        draft = self.draft
        if draft is None or self.after_blank:
            return False
        return draft.current == "explanation" or (
            draft.current == "answer" and self._answer_spans_lines()
        )

    def _cut_chapter(self) -> None:
        """The numbering restarted after a chapter line kept in a 解析/answer: the chapter line
        (and any subtitle after it) leaves the text, and a new chapter begins."""
        draft = self.draft
        assert draft is not None and draft.chapter is not None
        key, offset = draft.chapter
        del draft.fields[key][offset:]
        self.flush()
        self.last_number = None

    def _unknown_label(self, location: str, text: str) -> bool:
        """``难度系数：3``-style lines after a question's options with a label this layout does
        not know: reported as a note and left out, never glued onto an option or answer."""
        match = LABEL.fullmatch(text)
        if not match or match.group("label") in FIELD_WORDS:
            return False
        draft = self.draft
        assert draft is not None
        if draft.current == "explanation" or (
            draft.current == "answer" and self._answer_spans_lines()
        ):
            return False  # an essay answer or an explanation may well say "要点：…"
        self.result.notes.append(
            ImportIssue(
                location,
                _(
                    "无法识别的标签“%(label)s”，这一行已忽略（可识别：答案、解析、难度、知识点、"
                    "分值、出处、标签、题型）",
                    label=match.group("label"),
                ),
            )
        )
        return True

    @staticmethod
    def _is_heading(match: re.Match[str]) -> bool:
        # "1、单选题" is a heading but "1. 判断（ ）…" is a stem: after a digit, only a bare
        # type name or one followed by a score note counts
        tail = match.group("tail") or ""
        return not match.group("digits") or not tail.strip() or bool(re.search("[分题]", tail))

    def _numbered_line(self, number: int, style: str) -> str:
        """Is a numbered line a new question ("new"), part of the text it follows ("inner"),
        or could it be either ("ambiguous": an essay answer's list 1. 2. … reaching the next
        question's number)? An ambiguous line is kept as text, and split off as a question
        later if a second 答案/解析 shows the question it began was missing."""
        draft = self.draft
        if draft is None or draft.current is None:
            return "new"
        if draft.current == "answer" and not self._answer_spans_lines():
            return "new"
        if draft.chapter is not None and (self.last_number is None or number <= self.last_number):
            return "chapter"
        if style != self.stem_style:
            return "inner"
        if draft.current in ("stem", "option"):
            return "new"
        next_question = self.last_number is None or number > self.last_number
        continues_list = draft.inner_last is not None and number == draft.inner_last + 1
        if next_question and continues_list:
            return "ambiguous"
        return "new" if next_question else "inner"

    def _split_pending(self) -> None:
        """The ambiguous numbered line was a question after all: cut it and what followed
        out of the current question's text and start a question there."""
        draft = self.draft
        assert draft is not None and draft.pending is not None
        key, offset, location, number, style = draft.pending
        lines = draft.fields[key][offset:]
        del draft.fields[key][offset:]
        draft.pending = None
        first = STEM.fullmatch(lines[0])
        rest = first.group("rest").strip() if first else lines[0]
        self.flush()
        self._start(location, number, style, rest)
        assert self.draft is not None
        self.draft.stem_lines.extend(lines[1:])

    def _split_last_inner(self, location: str, label: str) -> bool:
        """A second 答案 in one question, after a numbered line inside the first answer (an
        essay section numbered 1、 then （2）): that numbered paragraph, followed by its own
        answer, starts a new question. When it also continues the answer's own list (its
        （1）（2）…), either reading is possible: say so and keep the text as it is."""
        draft = self.draft
        assert draft is not None and draft.last_inner is not None
        key, offset, where, number, style, continues = draft.last_inner
        if continues:
            self._issue(
                location,
                _(
                    "无法确定%(where)s的编号“%(n)d”是上一题%(field)s中的第 %(n)d 点，还是新的一题"
                    "（其%(field)s在%(here)s）；请给题目统一编号，或把题号写成与其他题相同的样式",
                    where=where,
                    n=number,
                    field=label,
                    here=location,
                ),
                label,
            )
            return False
        draft.pending = (key, offset, where, number, style)
        draft.last_inner = None
        self._split_pending()
        return True

    def _start(self, location: str, number: int, style: str, rest: str) -> None:
        pending_type, self.pending_type = self.pending_type, None
        self.flush()
        self.last_number = number
        self.stem_style = style
        type_override = pending_type
        tag = QUESTION_TYPE_TAG.match(rest)
        if tag:
            type_override = TYPE_WORDS[tag.group("word")]
            rest = rest[tag.end() :]
        self.draft = _Draft(location, number, [rest] if rest else [], type_override)

    def _options(self, location: str, items: list[tuple[str, str]]) -> None:
        draft = self.draft
        assert draft is not None
        for letter, text in items:
            count = len(draft.options)
            if count >= len(LETTERS):
                self._issue(location, _("选项超过 8 个（A–H）"), field_label("options"))
                return
            if letter != LETTERS[count]:
                self._issue(
                    location,
                    _(
                        "选项“%(letter)s”的位置应为“%(expected)s”",
                        letter=letter,
                        expected=LETTERS[count],
                    ),
                    field_label("options"),
                )
            draft.options.append([text])
        draft.current = "option"

    def _field(self, location: str, key: str, text: str) -> None:
        draft = self.draft
        label = self._label(key)
        if draft is None and key == "type":
            resolved = TYPE_WORDS.get(text) or parse_type(text)
            if resolved is not None:
                self.pending_type = resolved  # 题型： above its question's stem
                return
        if draft is None:
            self._issue(
                location,
                _("“%(field)s”前面没有题目（题干应以题号开头，如“1.”）", field=label),
                label,
            )
            return
        if key in draft.fields and draft.pending is not None:
            self._split_pending()
            draft = self.draft
            assert draft is not None
        elif key in draft.fields and draft.last_inner is not None:
            if not self._split_last_inner(location, label):
                draft.current = None
                return
            draft = self.draft
            assert draft is not None
        if key in draft.fields:
            earlier = draft.field_locations[key]
            self._issue(
                location,
                _(
                    "本题在%(earlier)s已有“%(field)s”，请检查是否缺少题号",
                    earlier=earlier,
                    field=label,
                ),
                label,
            )
            draft.current = None
            return
        if key == "type":
            resolved = TYPE_WORDS.get(text) or parse_type(text)
            if resolved is None:
                self._issue(location, _("未知题型“%(type)s”", type=text), label)
            elif "answer" in draft.fields:
                # after a question's answer: the next question's type, unless nothing follows
                self.pending_type = resolved
            else:
                draft.type_override = resolved
            draft.current = None
            return
        if self.pending_type is not None:
            # another field of the same question followed: the 题型 line was its own
            draft.type_override = self.pending_type
            self.pending_type = None
        draft.fields[key] = [text] if text else []
        draft.field_locations[key] = location
        draft.current = key if key in MULTILINE_FIELDS else None
        draft.inner_last = None
        draft.pending = None
        draft.last_inner = None
        draft.chapter = None

    def _text(self, location: str, text: str) -> None:
        draft = self.draft
        if draft is None:
            if self.section is not None:
                self.section_points = self._points_note(text) or self.section_points
            return
        current = draft.current
        if current == "stem":
            draft.stem_lines.append(text)
        elif current == "option":
            draft.options[-1].append(text)
        elif current == "explanation" or (current == "answer" and self._answer_spans_lines()):
            draft.fields[current].append(text)
        else:
            # a stray line is reported, but the question it follows is still fine
            draft.issues.append(
                ImportIssue(
                    location,
                    _(
                        "无法识别的内容“%(text)s”：题目应以题号开头，"
                        "答案、解析等应以“答案：”“解析：”开头",
                        text=shorten(text),
                    ),
                )
            )

    def _answer_spans_lines(self) -> bool:
        draft = self.draft
        assert draft is not None
        kind = draft.type_override or self.section
        return kind == "essay" or (kind is None and not draft.options)

    @staticmethod
    def _points_note(text: str) -> str:
        match = SECTION_POINTS.search(to_halfwidth(text))
        return match.group(1) if match else ""

    def _issue(self, location: str, message: str, field_name: str = "") -> None:
        """A problem that spoils the current question (or the file, outside any question)."""
        if self.draft is None:
            self.result.errors.append(ImportIssue(location, message, field_name))
        else:
            self.draft.issues.append(ImportIssue(location, message, field_name))
            self.draft.blocking += 1

    # ------------------------------------------------------------ one question

    def _finish(self, draft: _Draft) -> None:
        self.result.errors.extend(draft.issues)
        stem = "\n".join(draft.stem_lines).strip()
        fields = {key: "\n".join(lines) for key, lines in draft.fields.items()}
        locations = dict(draft.field_locations)
        answer = fields.get("answer", "")
        options = [join_wrapped(parts) for parts in draft.options]
        kind = draft.type_override or self.section
        if draft.judge_options:
            # "true. 正确" / "false. 错误" lines: a judge question, whatever the section said
            kind = "judge"
            answer = _judge_answer_by_letter(answer, draft.judge_options)

        if kind in (None, "single", "multiple", "choice") and options:
            stem, answer = _answer_in_brackets(stem, answer, PAREN_CHOICE, _same_letters)
        elif kind in (None, "judge") and not options:
            stem, answer = _answer_in_brackets(stem, answer, PAREN_JUDGE, _same_judgement)
        if "answer" not in locations:
            locations["answer"] = draft.location

        if kind is None:
            kind = _infer_type(stem, answer, options)
            if kind is None:
                self.result.errors.append(
                    ImportIssue(
                        draft.location,
                        _("无法判断题型：请在题目前加上“一、单选题”这样的题型标题"),
                        field_label("type"),
                    )
                )
                return
        if kind == "blank" and not answer:
            stem, answer = _blank_answers_in_brackets(stem)
        if kind in ("single", "multiple", "choice", "judge", "blank"):
            answer = strip_punctuation(answer)
        if kind == "choice":
            letters = re.sub(r"[^A-Za-z]", "", to_halfwidth(answer))
            kind = "multiple" if len(letters) > 1 else "single"
        if kind == "blank":
            answer = _split_blank_answer(stem, answer)

        fields["stem"] = stem
        fields["answer"] = answer
        if not fields.get("points") and self.section_points:
            fields["points"] = self.section_points
        question, issues = build_question(kind, fields, options, draft.location, None, locations)
        self.result.errors.extend(issues)
        if question is not None and not draft.blocking:
            self.result.questions.append(question)


def _answer_in_brackets(
    stem: str, answer: str, pattern: re.Pattern[str], same: Callable[[str, str], bool]
) -> tuple[str, str]:
    """Take the answer from the stem's single filled bracket if there is no answer line; blank
    the bracket if it agrees with the answer line (otherwise it is not an answer: leave it)."""
    matches = list(pattern.finditer(stem))
    if len(matches) != 1:
        return stem, answer
    match = matches[0]
    if answer and not same(match.group(1), answer):
        return stem, answer
    blanked = stem[: match.start()] + BLANK_MARK + stem[match.end() :]
    return blanked, answer or match.group(1)


def _judge_option_text(match: re.Match[str]) -> bool:
    """``true. 正确``: the word after the letter agrees with it (or there is none)."""
    rest = strip_punctuation(match.group("rest").strip())
    if not rest:
        return True
    value = parse_judge_answer(rest)[0]
    return value is not None and value == match.group("word").lower().startswith("t")


def _judge_answer_by_letter(answer: str, order: list[bool]) -> str:
    """An answer "A"/"B" picks the judge option listed in that place."""
    letter = to_halfwidth(strip_punctuation(answer)).strip().upper()
    if len(letter) == 1 and "A" <= letter <= "B" and len(order) == 2:
        return "正确" if order[ord(letter) - ord("A")] else "错误"
    return answer


def _same_letters(a: str, b: str) -> bool:
    def letters(text: str) -> set[str]:
        return set(re.sub(r"[^A-Z]", "", to_halfwidth(text).upper()))

    return letters(a) == letters(b)


def _same_judgement(a: str, b: str) -> bool:
    return parse_judge_answer(a)[0] == parse_judge_answer(strip_punctuation(b))[0]


def _infer_type(stem: str, answer: str, options: list[str]) -> str | None:
    if options:
        return "choice"
    if answer and parse_judge_answer(strip_punctuation(answer))[0] is not None:
        return "judge"
    if count_blanks(stem) or (not answer and _filled_brackets(stem)):
        return "blank"
    return "essay" if answer else None


def _filled_brackets(stem: str) -> list[str]:
    return [m.group(1).strip() for m in PAREN_FILLED.finditer(stem) if m.group(1).strip()]


def _blank_answers_in_brackets(stem: str) -> tuple[str, str]:
    """``…宗旨是（全心全意为人民服务）。`` with no answer line → blank it, answer from it."""
    answers = _filled_brackets(stem)
    if count_blanks(stem) or not answers:
        return stem, ""

    def blank(match: re.Match[str]) -> str:
        return BLANK_MARK if match.group(1).strip() else match.group(0)

    return PAREN_FILLED.sub(blank, stem), "|".join(answers)


def _split_blank_answer(stem: str, answer: str) -> str:
    """``马克思主义 毛泽东思想`` for a stem with two blanks → ``马克思主义|毛泽东思想``."""
    blanks = count_blanks(stem)
    if blanks < 2 or BLANK_SEPARATOR.search(answer):
        return answer
    parts = [part for part in BLANK_PARTS.split(answer) if part]
    return "|".join(parts) if len(parts) == blanks else answer


def parse_lines(lines: list[tuple[str, str]]) -> ParseResult:
    result = ParseResult()
    drop = repeated_lines([line for _where, line in lines], result)
    parser = TextParser(result, drop)
    for location, line in lines:
        if CLOZE_GAP.search(line):
            # a question of Moodle's cloze text, not of this layout: say so where it is
            parser.flush()
            result.errors.append(
                ImportIssue(
                    location,
                    cloze_message(line),
                    field_label("type"),
                )
            )
            continue
        parser.feed(location, line)
    parser.close()
    return result


def parse(data: bytes, filename: str) -> ParseResult:
    text = decode_text(data).lstrip("\ufeff")
    line_at = _("第 %(line)d 行")  # translated once, not once per line
    lines = [
        (line_at % {"line": n}, line) for n, line in enumerate(LINE_BREAK.split(text), start=1)
    ]
    result = parse_lines(lines)
    if not result.questions and not result.errors:
        raise ImportRejected(
            _(
                "没有识别到任何题目：题目应以题号开头（如“1.”），选项以“A.”开头，"
                "答案写在“答案：”之后"
            )
        )
    return result

"""Questions → Moodle XML, readable by Moodle's "Moodle XML" import and by ours.

Conventions (the importer's docstring has the other half):

* Stems, explanations and reference answers are Markdown, so they are written with
  ``format="markdown"`` (Moodle renders it); options and short answers as ``plain_text``.
* single/multiple → ``multichoice`` (``<single>`` true/false; a correct option carries
  ``fraction`` 100 ÷ the number of correct options, a wrong one 0 in a single-choice
  question and -100 in a multiple-choice one, so guessing everything scores nothing),
  judge → ``truefalse``, a one-blank question → ``shortanswer`` (``*`` escaped as ``\\*``),
  a question with several blanks → ``cloze`` with one ``{1:SHORTANSWER:=…}`` gap per
  blank, essay → ``essay`` with the reference answer in ``<graderinfo>``.
* Cloze gaps go right after the stem's blank marks (``____``, ``（ ）``) when there are
  exactly as many marks as blanks; otherwise they are collected at the end inside
  ``<span class="xuekao-blanks">``, which the importer removes again.
* Categories: one ``<question type="category">`` before each run of questions in the same
  category, ``$course$/top/<bank>/<category path>``; ``bank_name`` defaults to 默认题库
  so the first segment is always the bank.
* Difficulty, source and lesson are tags (``难度:3``, ``出处:…``, ``课时:…``), points are
  ``<defaultgrade>``, the title is ``<name>`` (the start of the stem when there is none).
  Moodle trims tags to 50 characters, so a long 出处 survives our round trip, not Moodle's.
* Characters XML 1.0 cannot hold (control characters other than tab and line break) are
  dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from app.quiz.bank.importers.base import ParsedQuestion
from app.quiz.bank.importers.moodle_xml import (
    BLANK_MARK,
    BLANKS_CONTAINER,
    default_name,
    gap,
    join_category_path,
    meta_tags,
)

DEFAULT_BANK = "默认题库"
# the fractions Moodle accepts for 1–8 correct options
_SHARES = {
    1: "100",
    2: "50",
    3: "33.33333",
    4: "25",
    5: "20",
    6: "16.66667",
    7: "14.28571",
    8: "12.5",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = _clean(text)
    return element


def _rich(parent: ET.Element, tag: str, text: str, fmt: str = "markdown") -> None:
    _sub(_sub(parent, tag, format=fmt), "text", text)


def _answer(parent: ET.Element, text: str, fraction: str, fmt: str = "plain_text") -> None:
    answer = _sub(parent, "answer", fraction=fraction, format=fmt)
    _sub(answer, "text", text)
    _rich(answer, "feedback", "", "plain_text")


def _points(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _cloze_text(stem: str, blanks: list[list[str]]) -> str:
    gaps = [gap(alternatives) for alternatives in blanks]
    marks = list(BLANK_MARK.finditer(stem))
    if len(marks) != len(gaps):
        opening, closing = BLANKS_CONTAINER
        return f"{stem}\n\n{opening}{' '.join(gaps)}{closing}"
    pieces, last = [], 0
    for mark, text in zip(marks, gaps, strict=True):
        pieces += [stem[last : mark.end()], text]
        last = mark.end()
    return "".join(pieces) + stem[last:]


def _question(quiz: ET.Element, question: ParsedQuestion) -> None:
    kind = question.type
    blanks = (question.answer or []) if kind == "blank" else []
    moodle_type = {
        "single": "multichoice",
        "multiple": "multichoice",
        "judge": "truefalse",
        "blank": "shortanswer" if len(blanks) == 1 else "cloze",
        "essay": "essay",
    }[kind]
    element = _sub(quiz, "question", type=moodle_type)
    _sub(_sub(element, "name"), "text", question.title or default_name(question.stem))
    stem = _cloze_text(question.stem, blanks) if moodle_type == "cloze" else question.stem
    _rich(element, "questiontext", stem)
    _rich(element, "generalfeedback", question.explanation)
    if question.points is not None:
        _sub(element, "defaultgrade", _points(question.points))
    _sub(element, "hidden", "0")

    if kind in ("single", "multiple"):
        correct = set(question.answer or [])
        share = _SHARES.get(len(correct), "0")
        wrong = "0" if kind == "single" else "-100"
        _sub(element, "single", "true" if kind == "single" else "false")
        _sub(element, "shuffleanswers", "false")  # "以上都对" and the like rely on the order
        _sub(element, "answernumbering", "ABCD")
        for index, option in enumerate(question.options):
            _answer(element, option, share if index in correct else wrong)
    elif kind == "judge":
        _answer(element, "true", "100" if question.answer else "0", "moodle_auto_format")
        _answer(element, "false", "0" if question.answer else "100", "moodle_auto_format")
    elif moodle_type == "shortanswer":
        _sub(element, "usecase", "0")
        for alternative in blanks[0]:
            _answer(element, alternative.replace("*", "\\*"), "100", "moodle_auto_format")
    elif kind == "essay":
        _sub(element, "responseformat", "editor")
        _sub(element, "responserequired", "1")
        _sub(element, "responsefieldlines", "10")
        _sub(element, "attachments", "0")
        _rich(element, "graderinfo", question.answer or "")
        _rich(element, "responsetemplate", "", "html")

    tags = _sub(element, "tags")
    for tag in meta_tags(question):
        _sub(_sub(tags, "tag"), "text", tag)


def export_moodle_xml(questions: list[ParsedQuestion], bank_name: str = "") -> bytes:
    quiz = ET.Element("quiz")
    bank = bank_name or DEFAULT_BANK
    current: list[str] | None = None
    for question in questions:
        if question.category != current:
            current = list(question.category)
            category = _sub(quiz, "question", type="category")
            path = join_category_path(["$course$", "top", bank, *current])
            _sub(_sub(category, "category"), "text", path)
            _rich(category, "info", "", "moodle_auto_format")
        _question(quiz, question)
    ET.indent(quiz)
    body = ET.tostring(quiz, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")

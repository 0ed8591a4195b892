"""Questions → the native YAML bank format (``question_bank/README.md``).

Written for people reading a git diff: one key per line in a fixed order, multi-line text
as ``|`` blocks, options one per line, tags and blank answers as short ``[…]`` lists, and
fields left out when they hold nothing (difficulty is always written; ``title`` only
when a question has one). Blank answers are always lists of lists, so an answer may
contain ``/`` or ``|``. A category segment that itself contains ``/`` is written as a
list instead of ``一级/二级``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml

from app.quiz.bank.importers.base import CHOICE_TYPES, ParsedQuestion, format_choice_answer

_SEPARATORS = re.compile(r"[/／>＞]")
# YAML reads these as line breaks inside a | block; a quoted scalar keeps them exactly
_BLOCK_UNSAFE = re.compile("[\r\x85\u2028\u2029]")


class _Flow(list):
    """A list written on one line: ``[a, b]``."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # indent "- item" under its key, as the hand-written bank files do
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not _BLOCK_UNSAFE.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format_points(value)
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, _flow)
_Dumper.add_representer(Decimal, _decimal)


def format_points(value: Decimal) -> str:
    """2 → "2", 2.50 → "2.5", 10 (held as 1E+1) → "10"."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def question_to_dict(question: ParsedQuestion) -> dict[str, Any]:
    item: dict[str, Any] = {"type": question.type}
    if question.title:
        item["title"] = question.title
    item["stem"] = question.stem
    if question.type in CHOICE_TYPES:
        item["options"] = list(question.options)
        item["answer"] = format_choice_answer(list(question.answer or []))
    elif question.type == "judge":
        item["answer"] = bool(question.answer)
    elif question.type == "blank":
        item["answer"] = _Flow(_Flow(alternatives) for alternatives in question.answer or [])
    elif question.answer:
        item["answer"] = question.answer
    if question.explanation:
        item["explanation"] = question.explanation
    item["difficulty"] = question.difficulty
    if question.points is not None:
        item["points"] = question.points
    if question.category:
        if any(_SEPARATORS.search(part) for part in question.category):
            item["category"] = _Flow(question.category)
        else:
            item["category"] = "/".join(question.category)
    if question.source:
        item["source"] = question.source
    if question.source_lesson:
        item["lesson"] = question.source_lesson
    if question.tags:
        item["tags"] = _Flow(question.tags)
    return item


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=float("inf"),
        default_flow_style=False,
    )


def export_native(questions: list[ParsedQuestion], bank_name: str = "") -> bytes:
    head = _dump({"bank": bank_name}) if bank_name else ""
    items = []
    for question in questions:
        # one dump per question, indented under "questions:", with a blank line between them
        lines = _dump([question_to_dict(question)]).splitlines()
        items.append("".join(f"  {line}\n" if line else "\n" for line in lines))
    body = "questions:\n" + "\n".join(items) if items else "questions: []\n"
    return (head + body).encode("utf-8")

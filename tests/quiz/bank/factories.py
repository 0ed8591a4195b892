"""Plain factory functions for question-bank tests."""

from __future__ import annotations

import itertools

from app.quiz.bank.models import Category, Question, QuestionBank
from app.quiz.bank.services import banks, questions

_counter = itertools.count(1)

DEFAULT_ANSWERS = {
    "single": [0],
    "multiple": [0, 2],
    "judge": True,
    "blank": [["北京", "北平"]],
    "essay": "参考答案",
}


def make_bank(name: str | None = None, actor=None) -> QuestionBank:
    return banks.create_bank(actor, name=name or f"题库{next(_counter)}")


def make_question(
    bank: QuestionBank,
    qtype: str = "single",
    *,
    stem: str | None = None,
    options: list[str] | None = None,
    answer=None,
    category: Category | None = None,
    actor=None,
    **fields,
) -> Question:
    if options is None:
        options = ["甲", "乙", "丙", "丁"] if qtype in ("single", "multiple") else []
    return questions.create_question(
        actor,
        bank,
        type=qtype,
        stem=stem or f"第{next(_counter)}道测试题的题干（ ）",
        options=options,
        answer=DEFAULT_ANSWERS[qtype] if answer is None else answer,
        category=category,
        **fields,
    )

"""Factories for the practice, daily-quiz and mistake-book tests."""

from __future__ import annotations

from app.quiz.bank.models import Category, QuestionBank
from app.quiz.bank.services import categories
from app.quiz.practice.demo import right_response, wrong_response  # noqa: F401
from tests.quiz.bank.factories import make_bank, make_question


def make_practice_bank(
    name: str | None = None, per_category: int = 3
) -> tuple[QuestionBank, dict[str, Category]]:
    """A bank with 理论学习 (and its child 中心组学习) and 党内政治生活, ``per_category``
    questions in each, of the auto-marked types, plus one essay."""
    bank = make_bank(name)
    theory = categories.create_category(None, bank, name="理论学习")
    group = categories.create_category(None, bank, name="中心组学习", parent=theory)
    life = categories.create_category(None, bank, name="党内政治生活")
    cats = {"theory": theory, "group": group, "life": life}
    types = ("single", "multiple", "judge", "blank")
    for key, category in cats.items():
        for i in range(per_category):
            make_question(
                bank,
                types[i % len(types)],
                category=category,
                explanation=f"{key}解析{i}：**要点**",
                source=f"{key}出处{i}",
            )
    make_question(bank, "essay", category=theory)
    return bank, cats

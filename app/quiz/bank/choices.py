"""Select choices built from the bank, for the bank's forms and any feature that offers a
choice of knowledge points (practice)."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice

from app.common.forms import select_choices
from app.quiz.bank.models import Category


def category_choices(tree: list[Category], blank: str | None = None) -> list[SelectChoice]:
    """Categories in tree order, indented by depth."""
    choices = []
    for node in tree:
        indent = "\u3000" * node.depth + ("└ " if node.depth else "")
        choices.append((str(node.id), indent + node.name))
    return select_choices(choices, blank=blank)

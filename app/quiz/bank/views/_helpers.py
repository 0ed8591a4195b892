"""Shared by the question-bank views: loading objects, putting a service's error on a form."""

from __future__ import annotations

from flask import abort

from app.extensions import db
from app.quiz.bank.models import Category, QuestionBank


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def category_from_choice(bank: QuestionBank, value: str | None) -> Category | None:
    """A category id as a select submitted it ("" = none), checked to be in ``bank``."""
    if not value or not str(value).isdigit():
        return None
    category = db.session.get(Category, int(value))
    if category is None or category.bank_id != bank.id:
        return None
    return category

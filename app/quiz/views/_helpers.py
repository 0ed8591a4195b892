"""Shared by the question-bank views: loading objects, putting a service's error on a form."""

from __future__ import annotations

from flask import abort
from flask_wtf import FlaskForm

from app.common.errors import DomainError
from app.extensions import db
from app.quiz.models import Category, QuestionBank


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


def form_error(form: FlaskForm, exc: DomainError, default_field: str = "") -> None:
    """Undo what the service flushed and show its message on the field it names."""
    db.session.rollback()
    name = exc.field or default_field
    field = getattr(form, name, None) if name else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [exc.message]
    else:
        form.form_errors.append(exc.message)

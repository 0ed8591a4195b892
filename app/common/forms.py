"""WTForms helpers shared by the features' forms and views."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.common.errors import DomainError
from app.extensions import db


def select_choices(
    pairs: Iterable[tuple[Any, Any]], *, blank: Any | None = None
) -> list[SelectChoice]:
    """``(value, label)`` pairs as the ``SelectChoice`` list a select, radio or checkbox
    field takes; ``blank`` puts an option with the value ``""`` first."""
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(value, label) for value, label in pairs]


def form_error(form: FlaskForm, exc: DomainError, default_field: str = "") -> None:
    """Undo what the service flushed and show its message on the field it names."""
    db.session.rollback()
    name = exc.field or default_field
    field = getattr(form, name, None) if name else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [exc.message]
    else:
        form.form_errors.append(exc.message)

"""Forms of the practice pages: they parse what the browser sent into plain values; the
rules live in ``app.quiz.practice.services.practice``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from app.common.forms import select_choices
from app.quiz.practice.services.practice import COUNT_CHOICES


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _count_field(default: int) -> SelectField:
    return SelectField(
        _l("题目数量"),
        choices=select_choices((str(n), str(n)) for n in COUNT_CHOICES),
        default=str(default),
    )


class PracticeForm(FlaskForm):
    bank = HiddenField()
    categories = CheckboxesField(_l("知识点（不选则全部）"), choices=[], validate_choice=False)
    count = _count_field(10)


class MistakePracticeForm(FlaskForm):
    count = _count_field(10)

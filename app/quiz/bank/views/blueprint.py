"""The ``quiz_admin`` blueprint (题库管理, admin only) and what its templates share."""

from __future__ import annotations

from flask import Blueprint

from app.quiz.bank.importers.base import LETTERS
from app.quiz.bank.services.banks import status_labels, type_labels
from app.quiz.bank.services.questions import answer_to_text

bp = Blueprint(
    "quiz_admin", __name__, url_prefix="/admin/questions", template_folder="../templates"
)


@bp.context_processor
def _helpers():
    return {
        "type_labels": type_labels(),
        "status_labels": status_labels(),
        "answer_text": answer_to_text,
        "letters": LETTERS,
        "points_text": lambda p: format(p.normalize(), "f") if p is not None else "",
    }

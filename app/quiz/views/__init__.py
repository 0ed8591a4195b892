"""题库管理: banks, knowledge points, questions, import and export. Admin only."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext

from app.common.nav import NavItem, register_nav

bp = Blueprint(
    "quiz_admin", __name__, url_prefix="/admin/questions", template_folder="../templates"
)

register_nav(
    NavItem(
        "quiz_admin.banks", lambda: gettext("题库管理"), ("admin",), icon="collection", order=70
    )
)


@bp.context_processor
def _helpers():
    from app.quiz.importers.base import LETTERS
    from app.quiz.services.banks import status_labels, type_labels
    from app.quiz.services.questions import answer_to_text

    return {
        "type_labels": type_labels(),
        "status_labels": status_labels(),
        "answer_text": answer_to_text,
        "letters": LETTERS,
        "points_text": lambda p: format(p.normalize(), "f") if p is not None else "",
    }


# The route modules register themselves on ``bp``.
from app.quiz.views import banks, categories, imports, questions  # noqa: E402, F401

"""The ``evaluation`` blueprint (政治标准评价) and what its templates share."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from app.evaluation.models import BALLOT_GRADES

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation", template_folder="../templates")


def purpose_labels() -> dict[str, str]:
    return {
        "term_change": _("换届考察"),
        "special": _("专项考察"),
        "annual": _("年度考核"),
        "adjustment": _("日常调整补充"),
        "inspection": _("巡视巡察"),
    }


def grade_labels() -> dict[str, str]:
    return {"good": _("好"), "fair": _("较好"), "average": _("一般"), "poor": _("较差")}


@bp.context_processor
def _labels():
    return {
        "purpose_labels": purpose_labels(),
        "ballot_grade_labels": grade_labels(),
        "ballot_grades": BALLOT_GRADES,
    }

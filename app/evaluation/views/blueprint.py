"""The ``evaluation`` blueprint (政治标准评价) and what its templates share."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app
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


def meeting_status_labels() -> dict[str, str]:
    return {"planned": _("待召开"), "held": _("已召开"), "halted": _("已叫停")}


def item_kind_labels() -> dict[str, str]:
    return {"self": _("自我批评"), "criticism": _("相互批评")}


def rectification_status_labels() -> dict[str, str]:
    return {"open": _("整改中"), "done": _("已销号")}


def talk_kind_labels() -> dict[str, str]:
    return {"heart": _("谈心谈话"), "reminder": _("提醒谈话"), "inquiry": _("函询")}


# The full build draws radars; the "common" build the house vendors for statistics has none
# (portrait.js then draws bars). Without either, the portraits are tables and no page asks
# for a script that is not there.
ECHARTS_BUILDS = ("vendor/echarts/echarts.min.js", "vendor/echarts/echarts.common.min.js")


def echarts_script() -> str:
    """The static path of the vendored ECharts, or "" if there is none."""
    static = Path(current_app.static_folder)
    return next((build for build in ECHARTS_BUILDS if (static / build).is_file()), "")


@bp.context_processor
def _labels():
    return {
        "echarts": echarts_script(),
        "meeting_status_labels": meeting_status_labels(),
        "item_kind_labels": item_kind_labels(),
        "rectification_status_labels": rectification_status_labels(),
        "talk_kind_labels": talk_kind_labels(),
        "purpose_labels": purpose_labels(),
        "ballot_grade_labels": grade_labels(),
        "ballot_grades": BALLOT_GRADES,
    }

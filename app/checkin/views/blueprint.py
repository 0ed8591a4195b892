"""The ``checkin`` blueprint (centre-group study) and what its templates share."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint
from flask_babel import gettext as _

from app.checkin.services import base
from app.common.timeutil import format_local

bp = Blueprint("checkin", __name__, url_prefix="/checkin", template_folder="../templates")


@bp.context_processor
def _labels():
    return {
        "kind_labels": base.kind_labels(),
        "plan_status_labels": base.plan_status_labels(),
        "plan_event_labels": base.plan_event_labels(),
        "speaker_role_labels": base.role_labels(),
        "attendance_labels": base.attendance_labels(),
        "measure_labels": base.measure_labels(),
        "method_labels": base.method_labels(),
        "record_kinds": base.record_kind_labels(),
    }


@bp.app_template_filter("figure_text")
def figure_text(figure) -> str:
    """A figure as a page shows it: a rate as a percentage with its parts, an amount plain."""
    value = figure.value
    if figure.unit == "rate":
        if value is None:
            return "—"
        return f"{value * 100:.0f}% ({figure.numerator:g}/{figure.denominator:g})"
    if figure.unit == "minutes":
        return _("%(n)d 分钟", n=round(value or 0))
    return f"{value:g}" if value is not None else "—"


@bp.app_template_filter("record_date")
def record_date(when: date | datetime) -> str:
    if isinstance(when, datetime):
        return format_local(when, "%Y-%m-%d")
    return when.isoformat()

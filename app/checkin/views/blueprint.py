"""The ``checkin`` blueprint (centre-group study) and what its templates share."""

from __future__ import annotations

from flask import Blueprint

from app.checkin.services import base

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
    }

"""The course blueprints — ``courses`` (cadres read, secretaries assign and follow progress)
and ``courses_admin`` (administrators author) — and what their templates share."""

from __future__ import annotations

from flask import Blueprint

from app.courses.services.assignments import describe, kind_labels

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="../templates")
admin_bp = Blueprint(
    "courses_admin", __name__, url_prefix="/admin/courses", template_folder="../templates"
)


def filesize(size: int) -> str:
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB"
    return f"{max(size // 1024, 1)} KB"


def _helpers():
    return {"kind_labels": kind_labels(), "describe_assignment": describe, "filesize": filesize}


bp.context_processor(_helpers)
admin_bp.context_processor(_helpers)

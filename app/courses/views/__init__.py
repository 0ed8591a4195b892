"""Course pages: cadres read (``courses``), secretaries assign and follow progress, and
administrators author (``courses_admin``)."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext

from app.common.nav import NavItem, register_nav

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="../templates")
admin_bp = Blueprint(
    "courses_admin", __name__, url_prefix="/admin/courses", template_folder="../templates"
)

register_nav(NavItem("courses.index", lambda: gettext("课程学习"), (), icon="book", order=10))
register_nav(
    NavItem(
        "courses.manage_index",
        lambda: gettext("课程布置"),
        ("secretary",),
        icon="clipboard-check",
        order=21,
    )
)
register_nav(
    NavItem(
        "courses_admin.courses",
        lambda: gettext("课程管理"),
        ("admin",),
        icon="journal-richtext",
        order=72,
    )
)


def filesize(size: int) -> str:
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB"
    return f"{max(size // 1024, 1)} KB"


def _helpers():
    from app.courses.services.assignments import describe, kind_labels

    return {"kind_labels": kind_labels(), "describe_assignment": describe, "filesize": filesize}


bp.context_processor(_helpers)
admin_bp.context_processor(_helpers)

# The route modules register themselves on the blueprints; the to-do provider too.
from app.courses import todo  # noqa: E402, F401
from app.courses.views import (  # noqa: E402, F401
    admin_courses,
    admin_lessons,
    catalogue,
    manage,
    study,
)

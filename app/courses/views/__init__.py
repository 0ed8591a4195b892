"""Course pages: cadres read (``courses``), secretaries assign and follow progress, and
administrators author (``courses_admin``)."""

from app.courses.views import (  # noqa: F401  (routes on the blueprints)
    admin_courses,
    admin_lessons,
    catalogue,
    manage,
    study,
)
from app.courses.views.blueprint import admin_bp, bp

__all__ = ["admin_bp", "bp"]

"""Exam pages for cadres (``quiz``) and administrators (``exams_admin``)."""

from app.quiz.exams.views import (  # noqa: F401  (routes on the blueprints)
    admin_analysis,
    admin_attempts,
    admin_exams,
    admin_marking,
    admin_paper,
    cadre,
)
from app.quiz.exams.views.blueprint import admin_bp, bp

__all__ = ["admin_bp", "bp"]

"""Cadres' practice pages: practice runs, the daily quiz and the mistake book, one blueprint."""

from app.quiz.practice.views import daily, mistakes, practice  # noqa: F401  (routes on bp)
from app.quiz.practice.views.blueprint import bp

__all__ = ["bp"]

"""Evaluation pages: frameworks, rounds, subjects, the political-quality file."""

from app.evaluation.views import files, frameworks, rounds, subjects  # noqa: F401  (routes)
from app.evaluation.views.blueprint import bp

__all__ = ["bp"]

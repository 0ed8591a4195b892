"""Evaluation pages: frameworks, rounds, subjects, the political-quality file."""

from app.evaluation.views import (  # noqa: F401  (routes on the blueprint)
    files,
    frameworks,
    meetings,
    rounds,
    subjects,
    talks,
)
from app.evaluation.views.blueprint import bp

__all__ = ["bp"]

"""Evaluation services: they take model instances and plain values, flush, never commit, and
raise :class:`EvaluationError` that the views put on the page."""

from __future__ import annotations

from app.common.errors import DomainError


class EvaluationError(DomainError):
    pass

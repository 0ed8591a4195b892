"""Domain errors raised by services; views turn them into form errors or JSON."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken. ``field`` names the input at fault (or ""), ``message`` says why
    in words a user understands (already translated by the service)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message

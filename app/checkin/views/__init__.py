"""Centre-group study pages: plans, sessions and their records, check-in."""

from app.checkin.views import attendance, plans, records, sessions  # noqa: F401  (routes on the blueprint)
from app.checkin.views.blueprint import bp

__all__ = ["bp"]

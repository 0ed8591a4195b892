"""The statistics pages; importing the modules puts their routes on ``bp``."""

from app.stats.views import (  # noqa: F401  (routes on the blueprint)
    bulletins,
    dashboards,
    exam_results,
    teams,
)
from app.stats.views.blueprint import bp

__all__ = ["bp"]

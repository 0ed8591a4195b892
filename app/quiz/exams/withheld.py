"""Published to practice (like ``hooks``): the questions an exam withholds from a cadre.
The rule lives in ``app.quiz.exams.services.withheld``; see its docstring."""

from app.quiz.exams.services.withheld import (
    is_withheld,
    lineage_of,
    not_withheld,
    withheld_lineages,
    withheld_lineages_query,
)

__all__ = [
    "is_withheld",
    "lineage_of",
    "not_withheld",
    "withheld_lineages",
    "withheld_lineages_query",
]

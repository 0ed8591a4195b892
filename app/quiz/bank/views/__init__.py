"""题库管理 pages: banks, knowledge points, questions, import and export. Admin only."""

from app.quiz.bank.views import banks, categories, imports, questions  # noqa: F401  (routes on bp)
from app.quiz.bank.views.blueprint import bp

__all__ = ["bp"]

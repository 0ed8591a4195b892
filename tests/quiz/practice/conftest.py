"""Fixtures of the practice tests: the bank's and the exam tests' (test misses feed the book)."""

from tests.quiz.bank.conftest import admin, bank, in_use, uploads_dir  # noqa: F401
from tests.quiz.exams.fixtures import (  # noqa: F401
    api,
    cadre,
    exam_admin,
    exam_team,
    other_api,
    other_cadre,
)

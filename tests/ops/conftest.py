"""Fixtures of the operations tests: the exam tests' cadre, team and API client."""

from tests.quiz.bank.conftest import admin, bank, uploads_dir  # noqa: F401
from tests.quiz.exams.fixtures import api, cadre, exam_team  # noqa: F401

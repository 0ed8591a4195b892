"""Fixtures of the exam tests: a team, its cadres, an administrator, API clients."""

from tests.quiz.bank.conftest import admin, bank, uploads_dir  # noqa: F401
from tests.quiz.exams.fixtures import (  # noqa: F401
    api,
    cadre,
    exam_admin,
    exam_team,
    other_api,
    other_cadre,
)

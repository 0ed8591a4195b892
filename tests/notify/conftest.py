"""Fixtures of the notification tests: exams are what notifies people so far."""

from tests.quiz.exams.fixtures import (  # noqa: F401
    api,
    cadre,
    exam_admin,
    exam_team,
    other_api,
    other_cadre,
)

"""Fixtures of the question-bank tests."""

from __future__ import annotations

import pytest

from app.quiz.bank.services import usage
from tests.factories import make_user
from tests.quiz.bank.factories import make_bank


@pytest.fixture
def admin(app):
    return make_user("admin", username="qadmin")


@pytest.fixture
def bank(app, admin):
    return make_bank("测试题库", admin)


@pytest.fixture
def in_use(app):
    """A stand-in for the exams feature: the ids in the returned set count as "used by an
    attempt" while the test runs."""
    used: set[int] = set()

    def checker(question) -> bool:
        return question.id in used

    usage.register_in_use_checker(checker)
    yield used
    usage.unregister_in_use_checker(checker)


@pytest.fixture
def attempts(app):
    """Fake attempt statistics: {question id: (attempts, correct)}."""
    stats: dict[int, tuple[int, int]] = {}

    def provider(ids):
        return {qid: stats[qid] for qid in ids if qid in stats}

    usage.register_usage_provider(provider)
    yield stats
    usage.unregister_usage_provider(provider)


@pytest.fixture
def uploads_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "QUESTION_UPLOAD_DIR", str(folder))
    return folder

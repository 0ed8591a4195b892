"""Fixtures of the notification tests: exams are what notifies people so far; a mail
server's settings for the tests that start one."""

import pytest

from tests.quiz.exams.fixtures import (  # noqa: F401
    api,
    cadre,
    exam_admin,
    exam_team,
    other_api,
    other_cadre,
)


@pytest.fixture
def mail_config(app, monkeypatch):
    def use(port: int, **extra):
        settings = {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_TIMEOUT_SECONDS": 1.0,
            "NOTIFY_QUIET_HOURS": "",
            "SITE_URL": "https://xuekao.example",
            **extra,
        }
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)

    monkeypatch.setitem(app.config, "NOTIFY_QUIET_HOURS", "")
    return use

"""Issue 10, part 4: personal API answers are not cached, production refuses a per-process
login throttle, HSTS over HTTPS."""

from __future__ import annotations

import importlib

import pytest

import config
from app import create_app
from app.extensions import db
from tests.factories import PASSWORD, make_user


def test_every_api_answer_but_the_openapi_document_says_no_store(client):
    make_user("cadre", username="h1")
    db.session.commit()
    login = client.post("/api/v1/auth/login", json={"username": "h1", "password": PASSWORD})
    answers = {
        "login": login,
        "me": client.get("/api/v1/auth/me"),
        "exams": client.get("/api/v1/exams"),
        "an attempt": client.get("/api/v1/attempts/999999"),
        "an unknown route": client.get("/api/v1/no-such-thing"),
        "logged out": app_client_me(client),
    }
    for what, response in answers.items():
        assert response.headers.get("Cache-Control") == "no-store", what
    assert "no-store" not in client.get("/api/v1/openapi.json").headers.get("Cache-Control", "")


def app_client_me(client):
    fresh = client.application.test_client()
    response = fresh.get("/api/v1/auth/me")
    assert response.status_code == 401
    return response


def test_hsts_is_sent_over_https_only(app, client):
    app.config["HSTS_MAX_AGE"] = 31536000
    try:
        secure = client.get("/login", base_url="https://xuekao.example")
        plain = client.get("/login")
    finally:
        app.config["HSTS_MAX_AGE"] = 0
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain.headers
    # Off by default outside production.
    assert (
        "Strict-Transport-Security"
        not in client.get("/login", base_url="https://x.example").headers
    )


@pytest.fixture
def production_env(monkeypatch):
    """The production configuration as the environment makes it (config.py is read at
    import, so it is reloaded), restored afterwards."""
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")
    for name in ("RATELIMIT_STORAGE_URI", "RATELIMIT_MEMORY_ONE_PROCESS", "HSTS_MAX_AGE"):
        monkeypatch.delenv(name, raising=False)

    def load(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        importlib.reload(config)
        return config.ProductionConfig

    yield load
    monkeypatch.undo()
    importlib.reload(config)


def test_production_refuses_the_per_process_login_throttle(production_env):
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI is memory://"):
        create_app(production_env())


def test_production_starts_with_shared_throttle_storage(production_env):
    app = create_app(production_env(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15"))
    assert app.config["HSTS_MAX_AGE"] == 365 * 24 * 3600


def test_production_on_one_process_may_keep_memory_when_it_says_so(production_env):
    app = create_app(production_env(RATELIMIT_MEMORY_ONE_PROCESS="1"))
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_problems_are_all_named():
    problems = config.production_problems(
        {"SECRET_KEY": config.DEFAULT_SECRET_KEY, "RATELIMIT_STORAGE_URI": "memory://"}
    )
    assert len(problems) == 2
    assert (
        config.production_problems(
            {"SECRET_KEY": "s" * 32, "RATELIMIT_STORAGE_URI": "redis://r:6379/0"}
        )
        == []
    )

"""With several app processes, the login throttle lives in Redis and is shared by all."""

import os

import pytest
import redis

from app import create_app
from app.extensions import db
from tests.conftest import Client
from tests.factories import make_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    yield REDIS_URL
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_two_processes_share_one_login_budget(tmp_path, redis_url):
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}",
        "RATELIMIT_STORAGE_URI": redis_url,
        "LOGIN_RATE_LIMIT": "3 per minute",
    }
    first, second = create_app(settings), create_app(settings)
    for app in (first, second):
        app.test_client_class = Client
    with first.app_context():
        db.create_all()
        make_user("cadre", username="shared")
        db.session.commit()
    a, b = first.test_client(), second.test_client()
    with first.app_context():
        assert a.login("shared", "wrong-pass-1").status_code == 401
        assert a.login("shared", "wrong-pass-2").status_code == 401
    with second.app_context():
        assert b.login("shared", "wrong-pass-3").status_code == 401
        throttled = b.login("shared")
    assert throttled.status_code == 429
    assert "登录尝试过于频繁" in throttled.get_data(as_text=True)

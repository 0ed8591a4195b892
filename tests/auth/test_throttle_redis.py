"""With several app processes, the login throttle lives in Redis and is shared by all."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis

from app import create_app
from app.extensions import db
from tests.conftest import Client
from tests.factories import PASSWORD, make_user

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port: int, process: subprocess.Popen, log: Path) -> None:
    """Until the worker answers, not only the master's socket: on a loaded machine the
    worker's boot takes seconds after the port accepts."""
    deadline = time.monotonic() + 120  # clock-ok: a bound on start-up, not a timing
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn on {port} exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30):
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)  # clock-ok: polling a server's start-up, not timing the test
    pytest.fail(f"gunicorn on {port} did not start:\n{log.read_text()}")


def json_login(port: int, password: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/login",
        data=json.dumps({"username": "shared", "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_gunicorn_processes_share_one_login_budget(tmp_path, redis_url):
    """As deployed: separate gunicorn processes (the production configuration) that share
    nothing but the database and Redis. Failures on either count against one budget."""
    database = f"sqlite:///{tmp_path / 'g.db'}"
    with create_app({"SQLALCHEMY_DATABASE_URI": database}).app_context():
        db.create_all()
        make_user("cadre", username="shared")
        db.session.commit()
        db.engine.dispose()
    env = {
        **os.environ,
        "XUEKAO_CONFIG": "production",
        "SECRET_KEY": "gunicorn-throttle-test-secret",
        "DATABASE_URL": database,
        "RATELIMIT_STORAGE_URI": redis_url,
        "LOGIN_RATE_LIMIT": "3 per minute",
        "SESSION_COOKIE_SECURE": "0",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    ports, processes = [free_port(), free_port()], []
    try:
        for port in ports:
            log = tmp_path / f"gunicorn-{port}.log"
            processes.append(
                subprocess.Popen(
                    [str(gunicorn), "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                    cwd=Path(__file__).resolve().parents[2],
                    env=env,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        for port, process in zip(ports, processes, strict=True):
            wait_until_serving(port, process, tmp_path / f"gunicorn-{port}.log")
        a, b = ports
        assert [json_login(a, "wrong-pass-1"), json_login(b, "wrong-pass-2")] == [401, 401]
        assert json_login(a, "wrong-pass-3") == 401
        assert json_login(b, PASSWORD) == 429  # the budget is spent on both processes
        assert json_login(a, PASSWORD) == 429
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:  # a loaded machine may take a while to stop gunicorn gracefully
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

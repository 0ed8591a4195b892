"""Redis down, as deployed (gunicorn, the production configuration): the login throttle
counts in each process's memory until Redis is back — logins go on, wrong passwords are
still limited (per process), and nothing answers 500. /readyz says Redis is down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from app import create_app
from app.extensions import db
from tests.auth.test_throttle_redis import free_port, wait_until_serving
from tests.factories import PASSWORD, make_user


def _call(port: int, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_logins_go_on_and_stay_limited_per_process_while_redis_is_down(tmp_path):
    database = f"sqlite:///{tmp_path / 'r.db'}"
    with create_app({"SQLALCHEMY_DATABASE_URI": database}).app_context():
        db.create_all()
        make_user("cadre", username="noredis")
        db.session.commit()
        db.engine.dispose()
    port, dead_redis = free_port(), free_port()  # nothing listens on dead_redis
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "XUEKAO_CONFIG": "production",
        "SECRET_KEY": "redis-down-test-secret",
        "DATABASE_URL": database,
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{dead_redis}/0",
        "LOGIN_RATE_LIMIT": "3 per minute",
        "SESSION_COOKIE_SECURE": "0",
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_serving(port, process, log)
        login = "/api/v1/auth/login"
        assert _call(port, login, {"username": "noredis", "password": PASSWORD})[0] == 200
        wrong = [
            _call(port, login, {"username": "noredis", "password": f"wrong-{i}"})[0]
            for i in range(4)
        ]
        assert wrong == [401, 401, 401, 429]  # the limit holds, in this process's memory
        status, body = _call(port, "/readyz")
        assert status == 503 and body["checks"]["redis"]["ok"] is False
    finally:
        process.terminate()
        process.wait(timeout=30)  # a loaded machine: the worker takes a while to exit
    assert "Traceback" not in log.read_text()

"""The login queue (issue 16): when more cadres log in at once than the process checks
passwords for, the ones beyond it are told in Chinese to wait (503, X-Login-Wait) and get in
when they try again — never a 500, never a hang."""

from __future__ import annotations

import threading
import time

import pytest

from app.auth import login_queue
from app.auth import services as accounts
from app.extensions import db
from tests.factories import PASSWORD, make_team, make_user
from tests.openapi import assert_response_matches
from tests.races import live_app_fixture, together

live_app = live_app_fixture("xuekao_login_queue")
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
CADRES = 12


@pytest.fixture
def slow_checks(monkeypatch):
    """Every password check takes 0.3 s, as scrypt takes ~0.13 s of a busy core."""
    real = accounts.check_password

    def slow(user, password):
        time.sleep(0.3)
        return real(user, password)

    monkeypatch.setattr(accounts, "check_password", slow)


def test_a_flood_of_logins_all_get_in_or_are_told_to_wait(live_app, slow_checks, monkeypatch):
    monkeypatch.setattr(login_queue, "SLOT_WAIT", 1.0)  # 12 checks of 0.3 s cannot all fit
    live_app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    with live_app.app_context():
        team = make_team("排队测试班子")
        names = [make_user("cadre", team, username=f"q{n:02d}").username for n in range(CADRES)]
        db.session.commit()
    answers: list[tuple[int, dict, str | None]] = []
    lock = threading.Lock()

    def cadre(username):
        client = live_app.test_client()
        for _try in range(40):
            response = client.post(LOGIN, json={"username": username, "password": PASSWORD})
            with lock:
                answers.append(
                    (response.status_code, response.json, response.headers.get("X-Login-Wait"))
                )
            if response.status_code != 503:
                break
            time.sleep(0.05)  # the page waits Retry-After seconds; the test need not
        return client.get(ME).status_code

    assert together(*(lambda u=u: cadre(u) for u in names)) == [200] * CADRES
    statuses = {status for status, _body, _retry in answers}
    assert statuses <= {200, 503}
    waits = [(body, retry) for status, body, retry in answers if status == 503]
    assert waits, "the flood never filled the queue: this test would prove nothing"
    for body, retry in waits:
        assert body["error"] == "login_busy" and "正在排队" in body["message"]
        assert int(retry) == body["retry_after"] >= 1


def test_a_login_that_queued_too_long_before_the_app_is_told_to_wait(client):
    make_user("cadre", username="q-stamp")
    db.session.commit()
    body = {"username": "q-stamp", "password": PASSWORD}
    late = client.post(LOGIN, json=body, headers={"X-Request-Start": f"t={time.time() - 30:.3f}"})
    assert late.status_code == 503 and late.json["error"] == "login_busy"
    assert_response_matches(late, LOGIN, "POST")
    assert client.get(ME).status_code == 401  # refused before any check: nothing started
    fresh = client.post(LOGIN, json=body, headers={"X-Request-Start": f"t={time.time():.3f}"})
    assert fresh.status_code == 200


@pytest.fixture
def full_queue(app):
    """Every password-check slot of this process is taken (by someone else's logins)."""
    slot = login_queue._semaphore(app.config["LOGIN_CHECKS_PER_PROCESS"])
    taken = 0
    while slot.acquire(blocking=False):
        taken += 1
    yield
    for _ in range(taken):
        slot.release()


def test_the_login_page_says_wait_and_its_script_retries(client, full_queue, monkeypatch):
    monkeypatch.setattr(login_queue, "SLOT_WAIT", 0.01)
    make_user("cadre", username="q-page")
    db.session.commit()
    data = {"username": "q-page", "password": PASSWORD, "csrf_token": client.csrf_token()}
    response = client.post("/login", data=data, headers={"X-Login-Queue": "1"})
    assert response.status_code == 503 and int(response.headers["X-Login-Wait"]) >= 1
    assert "Retry-After" in response.headers
    page = response.get_data(as_text=True)
    assert "正在排队" in page and "js/login.js" in page and "data-login-queue" in page


def test_the_pages_script_is_told_where_to_go_after_logging_in(client):
    make_user("cadre", username="q-next")
    db.session.commit()
    data = {"username": "q-next", "password": PASSWORD, "csrf_token": client.csrf_token()}
    response = client.post("/login?next=/exams", data=data, headers={"X-Login-Queue": "1"})
    assert response.status_code == 200 and response.json == {"next": "/exams"}
    assert client.get(ME).status_code == 200
    # The ordinary form post (no script) still redirects.
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    data["csrf_token"] = client.csrf_token()
    assert client.post("/login", data=data).status_code == 302


@pytest.mark.parametrize("stamp", ["", "t=", "t=abc", "t=nan", "t=-5", "garbage"])
def test_an_unreadable_proxy_stamp_is_no_wait(stamp):
    assert login_queue.queued_for(stamp) is None


def test_the_proxy_stamp_reads_as_seconds_waited():
    assert login_queue.queued_for("t=100.5", now=103.0) == pytest.approx(2.5)
    assert login_queue.queued_for("t=200", now=103.0) == 0.0  # a clock ahead: no wait


def test_the_wait_grows_with_the_crowd_and_stays_bounded():
    few = [login_queue.retry_after(0) for _ in range(50)]
    many = [login_queue.retry_after(100) for _ in range(50)]
    crowd = [login_queue.retry_after(100_000) for _ in range(50)]
    assert min(few) >= login_queue.RETRY_MIN and max(few) <= 2 * login_queue.RETRY_MIN
    assert min(many) > max(few)
    assert max(crowd) <= login_queue.RETRY_MAX

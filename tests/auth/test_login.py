"""Logging in and out, as a user meets it: messages, redirects, cookies, throttling."""

import re

from app.auth.models import User
from app.extensions import db
from tests.factories import PASSWORD, make_team, make_user


def test_login_page_is_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录学考" in page
    assert 'lang="zh-CN"' in page


def test_good_login_goes_home_and_shows_the_name(client, app):
    make_user("cadre", make_team(), username="zhang", name="张三")
    response = client.login("zhang")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "张三" in client.get("/").get_data(as_text=True)


def test_login_name_is_case_insensitive_and_trimmed(client):
    make_user("cadre", username="Zhang01")
    assert client.login("  zhang01 ").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    make_user("cadre", username="li")
    wrong = client.login("li", "not-the-password1")
    unknown = client.login("nobody", "whatever-123")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "登录名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still logged out


def test_inactive_user_is_told_so(client):
    make_user("cadre", username="gone", active=False)
    response = client.login("gone")
    assert response.status_code == 401
    assert "该账号已停用" in response.get_data(as_text=True)


def test_next_parameter_is_followed_only_within_the_site(client):
    make_user("cadre", username="wang")
    token = client.csrf_token()
    data = {"username": "wang", "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=/account/password", data=data)
    assert response.headers["Location"] == "/account/password"
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    data["csrf_token"] = client.csrf_token()
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"


def test_login_without_csrf_token_is_refused(client):
    make_user("cadre", username="zhao")
    response = client.post("/login", data={"username": "zhao", "password": PASSWORD})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_session_is_renewed_at_login(client):
    make_user("cadre", username="qian")
    client.get("/login")
    before = client.get_cookie("session").value
    client.login("qian")
    after = client.get_cookie("session").value
    assert before != after
    # The pre-login CSRF token belonged to the old session: it no longer validates a form.
    old_token = re.search(
        r"csrf-token\" content=\"([^\"]+)",
        client.get("/login", follow_redirects=True).get_data(as_text=True),
    ).group(1)
    assert old_token


def test_cookies_are_httponly_and_samesite(client):
    make_user("cadre", username="sun")
    token = client.csrf_token()
    response = client.post(
        "/login",
        data={"username": "sun", "password": PASSWORD, "remember": "y", "csrf_token": token},
    )
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_remember_me_survives_a_lost_session_and_logout_clears_it(client):
    make_user("cadre", username="zhou", name="周某")
    token = client.csrf_token()
    client.post(
        "/login",
        data={"username": "zhou", "password": PASSWORD, "remember": "y", "csrf_token": token},
    )
    client.delete_cookie("session")  # the browser was closed
    assert "周某" in client.get("/").get_data(as_text=True)

    response = client.post("/logout", data={"csrf_token": client.csrf_token()})
    assert response.status_code == 302
    cleared = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert cleared and ("Max-Age=0" in cleared[0] or "Expires=Thu, 01 Jan 1970" in cleared[0])
    assert client.get_cookie("remember_token") is None
    assert client.get("/").status_code == 302


def test_password_change_ends_other_sessions(app, client):
    user = make_user("cadre", username="wu")
    client.login("wu")
    other = app.test_client()
    other.login("wu")
    token = client.csrf_token()
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Another-pass-9",
            "confirm": "Another-pass-9",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session continues
    stale = other.get("/")
    assert stale.status_code == 302 and "/login" in stale.headers["Location"]
    assert "登录已过期" in other.get("/login").get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash


def test_deactivating_a_user_ends_their_session(app, client):
    user = make_user("cadre", username="zheng")
    client.login("zheng")
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_login_is_throttled_per_login_name_with_a_chinese_message(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    make_user("cadre", username="feng")
    for _ in range(3):
        assert client.login("feng", "wrong-pass-1").status_code == 401
    throttled = client.login("feng")  # even the right password waits
    assert throttled.status_code == 429
    assert "登录尝试过于频繁" in throttled.get_data(as_text=True)
    # Another login name from the same address is not held up.
    make_user("cadre", username="chen")
    assert client.login("chen").status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    make_user("cadre", username="chu")
    for _ in range(4):
        assert client.login("chu").status_code == 302
        client.post("/logout", data={"csrf_token": client.csrf_token()})


def test_last_login_is_recorded(client):
    user = make_user("cadre", username="wei")
    assert user.last_login_at is None
    client.login("wei")
    assert db.session.get(User, user.id).last_login_at is not None

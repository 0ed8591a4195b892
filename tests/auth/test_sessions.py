"""Logins kept on the server (issue 10, part 2): logging out ends a login for every copy of
its cookies; a user sees their logins and ends the others; an administrator's deactivation
or password reset ends them all; "last seen" is written every few minutes, not per request.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event, select

from app.auth import sessions
from app.auth.models import UserSession
from app.extensions import db
from tests.factories import PASSWORD, make_team, make_user

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
ME = "/api/v1/auth/me"


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def json_login(client, username, remember=False):
    response = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": PASSWORD, "remember": remember},
        headers={"User-Agent": "Mozilla/5.0 (test phone)"},
    )
    assert response.status_code == 200
    return response.json["csrf_token"]


def page_login(client, username, remember=False):
    data = {"username": username, "password": PASSWORD, "csrf_token": client.csrf_token()}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def copy_of(app, client, *names):
    """Another browser holding copies of ``names`` cookies taken from ``client``."""
    thief = app.test_client()
    for name in names:
        thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def rows_of(user):
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)))


# ------------------------------------------------------------------ logout ends the login


def test_a_copied_session_cookie_is_refused_after_the_page_logout(app, client):
    make_user("cadre", username="s1")
    db.session.commit()
    page_login(client, "s1")
    thief = copy_of(app, client, "session")
    assert thief.get(ME).status_code == 200  # the copy works while the login lasts

    client.post("/logout", data={"csrf_token": client.csrf_token()})

    replay = thief.get(ME)
    assert replay.status_code == 401 and replay.json["error"] == "login_required"
    page = thief.get("/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_a_copied_session_cookie_is_refused_after_the_json_logout(app, client):
    make_user("cadre", username="s2")
    db.session.commit()
    token = json_login(client, "s2")
    thief = copy_of(app, client, "session")
    assert thief.get(ME).status_code == 200

    assert client.post("/api/v1/auth/logout", json={}, headers={"X-CSRFToken": token}).json == {
        "ok": True
    }

    assert thief.get(ME).status_code == 401
    assert client.get(ME).status_code == 401


def test_a_copied_remember_cookie_is_refused_after_logout(app, client):
    make_user("cadre", username="s3")
    db.session.commit()
    page_login(client, "s3", remember=True)
    thief = copy_of(app, client, "remember_token")  # no session cookie: remember-me alone
    assert thief.get(ME).status_code == 200

    client.post("/logout", data={"csrf_token": client.csrf_token()})

    fresh_thief = copy_of(app, thief, "remember_token")
    assert fresh_thief.get(ME).status_code == 401
    assert thief.get(ME).status_code == 401  # even with the session the cookie restored


def test_logout_by_a_browser_that_kept_only_the_remember_cookie_ends_that_login(app, client):
    user = make_user("cadre", username="s4")
    db.session.commit()
    page_login(client, "s4", remember=True)
    copy = copy_of(app, client, "remember_token")
    client.delete_cookie("session")  # the browser was closed and opened again
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    assert copy.get(ME).status_code == 401
    assert all(row.revoked_at is not None for row in rows_of(user))


def test_each_login_is_its_own_session(app, client):
    user = make_user("cadre", username="s5")
    db.session.commit()
    phone, laptop = app.test_client(), app.test_client()
    token = json_login(phone, "s5")
    page_login(laptop, "s5")
    phone.post("/api/v1/auth/logout", json={}, headers={"X-CSRFToken": token})
    assert phone.get(ME).status_code == 401
    assert laptop.get(ME).status_code == 200  # logging out one device leaves the other
    assert len(rows_of(user)) == 2


# ------------------------------------------------------------------ what is stored


def test_the_record_holds_who_where_and_how_but_not_the_cookie_secret(app, client, clock):
    user = make_user("cadre", username="s6")
    db.session.commit()
    json_login(client, "s6", remember=True)
    [row] = rows_of(user)
    cookie_token = client.get_cookie("remember_token").value.split("|")[0]
    assert row.user_id == user.id and row.remember is True and row.revoked_at is None
    assert row.created_at == row.last_seen_at == T0.replace(tzinfo=None)
    assert row.expires_at == (T0 + timedelta(days=14)).replace(tzinfo=None)
    assert row.address == "127.0.0.1" and row.user_agent == "Mozilla/5.0 (test phone)"
    assert len(cookie_token) >= 43  # 256 random bits
    assert row.id != cookie_token and cookie_token not in row.id  # only its SHA-256 is kept


def test_a_login_without_remember_me_ends_after_12_idle_hours_on_the_server(app):
    """Its cookie's signature runs out 12 hours after it was last sent; the server holds the
    same line by itself, moved on by use."""
    user = make_user("cadre", username="s7")
    now = T0.replace(tzinfo=None)
    hours = timedelta(hours=1)
    record, token = sessions.open_session(
        user, now=now, remember=False, lifetime=12 * hours, remember_lifetime=14 * 24 * hours
    )
    assert sessions.live_login(token, now + 11 * hours) == (
        user,
        sessions.Login(record.id, token, now),
    )
    assert sessions.touch(
        record.id, now=now + 11 * hours, touch_every=timedelta(minutes=5), lifetime=12 * hours
    )
    db.session.expire_all()
    assert sessions.live_login(token, now + 22 * hours) is not None
    assert sessions.live_login(token, now + 23 * hours + timedelta(minutes=1)) is None


def test_a_remember_me_login_ends_after_14_days_whatever_its_use(app, client, clock):
    make_user("cadre", username="s8")
    db.session.commit()
    page_login(client, "s8", remember=True)
    remember_only = copy_of(app, client, "remember_token")
    for _day in range(13):
        clock.shift(timedelta(days=1))
        assert client.get(ME).status_code == 200
    clock.shift(timedelta(days=1, minutes=1))
    assert remember_only.get(ME).status_code == 401  # Flask-Login's cookie alone never expires


# ------------------------------------------------------------------ the user's page


def test_a_user_sees_their_logins_and_ends_the_others(app, client):
    user = make_user("cadre", make_team(), username="s9")
    db.session.commit()
    other = app.test_client()
    json_login(other, "s9")
    page_login(client, "s9")
    page = client.get("/account/sessions").get_data(as_text=True)
    assert page.count("<tr") == 3  # the header and two logins
    assert "当前" in page and "Mozilla/5.0 (test phone)" in page
    assert "退出其他所有登录" in page

    response = client.post("/account/sessions/end-others", data={"csrf_token": client.csrf_token()})
    assert response.status_code == 302 and response.headers["Location"] == "/account/sessions"
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "已退出其他 1 处登录" in page and "没有其他登录" in page
    assert other.get(ME).status_code == 401
    assert client.get(ME).status_code == 200
    assert sum(row.revoked_at is None for row in rows_of(user)) == 1


def test_the_sessions_page_is_linked_from_the_account_menu(client):
    make_user("cadre", username="s10")
    db.session.commit()
    page_login(client, "s10")
    assert 'href="/account/sessions"' in client.get("/account/password").get_data(as_text=True)


def test_the_sessions_page_in_english(client):
    make_user("cadre", username="s11")
    db.session.commit()
    page_login(client, "s11")
    client.get("/lang/en")
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "Signed-in devices" in page and "No other logins." in page


# ------------------------------------------------------------------ an administrator


@pytest.fixture
def admin(app):
    root = make_team("组织部", kind="department")
    make_user("admin", root, username="boss")
    db.session.commit()
    client = app.test_client()
    page_login(client, "boss")
    return client


def test_deactivation_ends_every_login_for_good(app, client, admin):
    user = make_user("cadre", username="s12")
    db.session.commit()
    page_login(client, "s12", remember=True)
    remember_only = copy_of(app, client, "remember_token")
    admin.post(f"/admin/users/{user.id}/deactivate", data={"csrf_token": admin.csrf_token()})
    assert client.get(ME).status_code == 401
    # Reactivated, the old logins stay ended: they were revoked, not merely hidden.
    admin.post(f"/admin/users/{user.id}/activate", data={"csrf_token": admin.csrf_token()})
    assert client.get(ME).status_code == 401
    assert remember_only.get(ME).status_code == 401
    assert all(row.revoked_at is not None for row in rows_of(user))


def test_a_password_reset_ends_every_login(app, client, admin):
    user = make_user("cadre", username="s13")
    db.session.commit()
    page_login(client, "s13", remember=True)
    remember_only = copy_of(app, client, "remember_token")
    response = admin.post(
        f"/admin/users/{user.id}/password",
        data={"password": "Brand-new-pass-7", "csrf_token": admin.csrf_token()},
    )
    assert response.status_code == 302
    assert client.get(ME).status_code == 401
    assert remember_only.get(ME).status_code == 401


def test_changing_ones_own_password_keeps_this_login_and_ends_the_others(app, client):
    make_user("cadre", username="s14")
    db.session.commit()
    other = app.test_client()
    page_login(other, "s14", remember=True)
    page_login(client, "s14")
    client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Another-pass-9",
            "confirm": "Another-pass-9",
            "csrf_token": client.csrf_token(),
        },
    )
    assert client.get(ME).status_code == 200
    assert other.get(ME).status_code == 401


# ------------------------------------------------------------------ the cost per request


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()).lower())

    engine = db.engines[None].engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_a_request_finds_its_login_with_one_query_and_writes_last_seen_rarely(
    app, client, clock, statements
):
    user = make_user("cadre", username="s15")
    db.session.commit()
    json_login(client, "s15")
    statements.clear()
    assert client.get(ME).status_code == 200
    lookups = [s for s in statements if s.startswith("select") and "user_sessions" in s]
    assert len(lookups) == 1 and "from users join user_sessions" in lookups[0]
    assert not [s for s in statements if s.startswith("update user_sessions")]

    clock.shift(timedelta(minutes=4))
    statements.clear()
    client.get(ME)
    assert not [s for s in statements if s.startswith("update user_sessions")]

    clock.shift(timedelta(minutes=2))  # 6 minutes since the login: time to write it
    statements.clear()
    client.get(ME)
    assert len([s for s in statements if s.startswith("update user_sessions")]) == 1
    [row] = rows_of(user)
    db.session.refresh(row)
    assert row.last_seen_at == (T0 + timedelta(minutes=6)).replace(tzinfo=None)

"""The JSON login used by API clients and benchmarks."""

from tests.factories import PASSWORD, make_team, make_user


def test_json_login_returns_token_and_user_and_sets_the_cookie(client):
    make_user("cadre", make_team("某班子"), username="api1", name="接口用户")
    response = client.post("/api/v1/auth/login", json={"username": "api1", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json
    assert body["user"]["username"] == "api1" and body["user"]["roles"] == ["cadre"]
    assert body["user"]["team"] == "某班子"
    assert body["csrf_token"]
    assert client.get("/api/v1/auth/me").json["user"]["name"] == "接口用户"


def test_json_writes_need_the_csrf_header(client):
    make_user("cadre", username="api2")
    token = client.post("/api/v1/auth/login", json={"username": "api2", "password": PASSWORD}).json[
        "csrf_token"
    ]
    assert client.post("/api/v1/auth/logout", json={}).status_code == 400
    ok = client.post("/api/v1/auth/logout", json={}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 401


def test_json_login_errors(client):
    make_user("cadre", username="api3")
    bad = client.post("/api/v1/auth/login", json={"username": "api3", "password": "nope-123"})
    assert bad.status_code == 401 and bad.json["message"] == "登录名或密码不正确"
    assert client.post("/api/v1/auth/login", json={"username": "api3"}).status_code == 422
    form = client.post("/api/v1/auth/login", data={"username": "api3", "password": PASSWORD})
    assert form.status_code == 415


def test_json_login_shares_the_throttle_with_the_page(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    make_user("cadre", username="api4")
    client.login("api4", "wrong-pass-1")
    client.post("/api/v1/auth/login", json={"username": "api4", "password": "wrong-pass-2"})
    throttled = client.post("/api/v1/auth/login", json={"username": "api4", "password": PASSWORD})
    assert throttled.status_code == 429
    assert "频繁" in throttled.json["message"]


def test_api_needs_login(client):
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401 and response.json["error"] == "login_required"


def test_the_session_cookie_is_sent_again_only_when_the_session_changes(client):
    """On exam day every answer is a request: re-signing an unchanged cookie each time cost a
    fifth of a save. Login sets it; requests that change nothing do not send it again."""
    make_user("cadre", username="api4")
    login = client.post("/api/v1/auth/login", json={"username": "api4", "password": PASSWORD})
    assert "session=" in login.headers.get("Set-Cookie", "")
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert "session=" not in " ".join(me.headers.getlist("Set-Cookie"))
    assert client.get("/api/v1/auth/me").json["user"]["username"] == "api4"  # still logged in

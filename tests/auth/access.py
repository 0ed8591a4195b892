from tests.access import ANY_USER, EVERYONE, Route, with_status

ROUTES = [
    Route(
        "auth.login",
        "/login",
        expect={"anon": 200, "cadre": 302, "other_sec": 302, "sec": 302, "admin": 302},
    ),
    Route(
        "auth.login",
        "/login",
        "POST",
        data={"username": "x", "password": "y"},
        expect={v: 401 for v in ("anon", "cadre", "other_sec", "sec", "admin")},
    ),
    Route("auth.logout", "/logout", "POST", expect={v: 302 for v in EVERYONE}),
    Route("auth.change_password", "/account/password", expect=ANY_USER),
    Route("auth.change_password", "/account/password", "POST", data={}, expect=ANY_USER),
    Route("auth.list_sessions", "/account/sessions", expect=ANY_USER),
    Route(
        "auth.end_other_sessions",
        "/account/sessions/end-others",
        "POST",
        data={},
        expect=with_status(ANY_USER, 302),
    ),
    Route("auth.set_language", "/lang/en", expect={v: 302 for v in EVERYONE}),
    Route(
        "auth_api.login",
        "/api/v1/auth/login",
        "POST",
        json={"username": "x", "password": "y"},
        expect={v: 401 for v in EVERYONE},
    ),
    Route(
        "auth_api.logout", "/api/v1/auth/logout", "POST", json={}, expect={v: 200 for v in EVERYONE}
    ),
    Route(
        "auth_api.me",
        "/api/v1/auth/me",
        expect={"anon": 401, "cadre": 200, "other_sec": 200, "sec": 200, "admin": 200},
    ),
    Route("api_docs.openapi", "/api/v1/openapi.json", expect=EVERYONE),
]

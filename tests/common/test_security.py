"""Headers, error pages and configuration that protect users."""

import pytest
from flask import Response

from app import create_app
from app.common.permissions import public
from app.extensions import db
from tests.conftest import Client
from tests.factories import make_user


def test_security_headers_on_pages_and_api(client):
    for url in ("/login", "/api/v1/openapi.json"):
        headers = client.get(url).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "script-src" not in headers["Content-Security-Policy"]  # no inline allowance
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_styles(client):
    make_user("admin", username="root1")
    client.login("root1")
    for url in ("/login", "/", "/account/password", "/teams/"):
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert "<script>" not in html and "<script " not in html.replace('<script src="', "")
        assert " style=" not in html and "<style" not in html
        assert " onclick=" not in html


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_cookies_are_secure(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/15")  # not memory://
    importlib.reload(config)
    try:
        app = create_app(config.ProductionConfig)
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["REMEMBER_COOKIE_SECURE"] is True
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    finally:
        monkeypatch.delenv("SECRET_KEY")
        monkeypatch.delenv("RATELIMIT_STORAGE_URI")
        importlib.reload(config)


@pytest.fixture
def fresh_app(tmp_path):
    """An app of its own, so a test may add routes before its first request."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'f.db'}"})
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_header_the_view_set_is_kept_and_sent_once(fresh_app):
    def own_headers():
        response = Response("<p>x</p>", mimetype="text/html")
        response.headers["cache-control"] = "private, max-age=60"  # any spelling of the name
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    fresh_app.add_url_rule("/_own", "own", public(own_headers))
    headers = fresh_app.test_client().get("/_own").headers
    assert headers.getlist("Cache-Control") == ["private, max-age=60"]
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers.getlist("X-Content-Type-Options") == ["nosniff"]  # the others still added


@pytest.mark.parametrize("status", [400, 403, 404, 429, 500])
def test_error_pages_are_chinese_and_carry_no_trace(fresh_app, status):
    from flask import abort

    def boom():
        if status == 500:
            raise ZeroDivisionError("secret internals")
        abort(status)

    fresh_app.add_url_rule("/_boom", "boom", public(boom))
    response = fresh_app.test_client().get("/_boom")
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert "Traceback" not in page and "ZeroDivisionError" not in page
    assert "secret internals" not in page
    assert "返回首页" in page


def test_unknown_page_in_english_after_switching(client):
    client.get("/lang/en")
    page = client.get("/no-such-page").get_data(as_text=True)
    assert "Page not found" in page


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json and response.json["error"] == "404"


def test_a_route_without_declared_access_is_refused(fresh_app):
    def open_view():
        return "should never be seen"

    fresh_app.add_url_rule("/_undeclared", "undeclared", open_view)
    make_user("admin", username="root2")
    db.session.commit()
    client = fresh_app.test_client()
    client.login("root2")
    response = client.get("/_undeclared")
    assert response.status_code == 403
    assert "should never be seen" not in response.get_data(as_text=True)

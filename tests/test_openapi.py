"""The OpenAPI document is valid, matches the registered routes, and responses follow it."""

import re

from openapi_spec_validator import validate as validate_spec

from app.common.api_docs import openapi_document
from tests.factories import PASSWORD, make_team, make_user
from tests.openapi import assert_response_matches

IGNORED = {"HEAD", "OPTIONS"}


def flask_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_document_is_valid_openapi(client):
    served = client.get("/api/v1/openapi.json").json
    validate_spec(served)
    assert served == openapi_document()


def test_document_and_routes_agree(app):
    routes = {
        (flask_to_openapi(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - IGNORED
    }
    documented = {
        (path, method)
        for path, operations in openapi_document()["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert routes - documented == set(), "routes missing from the document"
    assert documented - routes == set(), "documented operations with no route"


def test_auth_responses_follow_the_document(client):
    make_user("cadre", make_team(), username="doc1")
    ok = client.post("/api/v1/auth/login", json={"username": "doc1", "password": PASSWORD})
    assert_response_matches(ok, "/api/v1/auth/login", "POST")
    assert_response_matches(client.get("/api/v1/auth/me"), "/api/v1/auth/me")
    logout = client.post(
        "/api/v1/auth/logout", json={}, headers={"X-CSRFToken": ok.json["csrf_token"]}
    )
    assert_response_matches(logout, "/api/v1/auth/logout", "POST")
    assert_response_matches(client.get("/api/v1/auth/me"), "/api/v1/auth/me")
    bad = client.post("/api/v1/auth/login", json={"username": "doc1", "password": "x"})
    assert_response_matches(bad, "/api/v1/auth/login", "POST")
    missing = client.post("/api/v1/auth/login", json={})
    assert_response_matches(missing, "/api/v1/auth/login", "POST")

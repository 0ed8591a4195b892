"""One link helper (app/common/links.py): services, jobs, providers and to-do items say what a
link is to and get its path from ``links.url``; only views, the JSON APIs, the login manager's
redirects and the factory call ``url_for`` (issue #9, item 4)."""

from __future__ import annotations

import re
from pathlib import Path

from app.common import links

APP = Path(__file__).resolve().parents[2] / "app"
URL_FOR = re.compile(r"^\s*from flask import [^\n]*\burl_for\b", re.MULTILINE)
MAY_CALL_URL_FOR = {"app/__init__.py", "app/auth/unauthorized.py", "app/common/links.py"}


def _is_view_or_api(rel: str) -> bool:
    parts = rel.split("/")
    return "views" in parts or parts[-1] in {"views.py", "api.py"} or "api" in parts


def test_only_views_and_the_link_helper_build_urls():
    offenders = []
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(APP.parent).as_posix()
        if rel in MAY_CALL_URL_FOR or _is_view_or_api(rel):
            continue
        if URL_FOR.search(path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == [], f"use app.common.links.url, not url_for, in {offenders}"


def test_a_path_inside_and_outside_a_request(app):
    # outside a request (a scheduler job, the CLI): built in a throwaway request context
    assert links.url("auth.login") == "/login"
    assert links.url("checkin.session", session_id=7, _anchor="x").endswith("/7#x")
    with app.test_request_context("/somewhere"):
        assert links.url("auth.login") == "/login"

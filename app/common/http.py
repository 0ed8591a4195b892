"""Small request helpers shared by views."""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

from flask import jsonify, request


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, **extra):
    body = {"error": code, "message": message}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    return response


def safe_next_url(target: str | None) -> str | None:
    """``target`` if it stays on this site, else None (no open redirects)."""
    if not target:
        return None
    base = urlparse(request.host_url)
    resolved = urlparse(urljoin(request.host_url, target))
    same_site = resolved.scheme in ("http", "https") and resolved.netloc == base.netloc
    if same_site and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def client_ip() -> str:
    return request.remote_addr or ""

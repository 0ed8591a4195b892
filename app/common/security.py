"""Security headers on every response."""

from flask import current_app, request

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Sent on every response unless the view set its own.
DEFAULT_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
API_PREFIX = "/api/"
# The one public API document: the same for everyone, so it may be cached.
CACHEABLE_API_PATHS = frozenset({"/api/v1/openapi.json"})


def add_security_headers(response):
    headers = response.headers
    # One pass over what the view set (each of Werkzeug's lookups is a pass of its own).
    present = {name.lower() for name, _value in headers}
    missing = [(name, value) for name, value in DEFAULT_HEADERS if name.lower() not in present]
    # Pages and API answers are personal (names, scores, the CSRF token): no shared or
    # back-button cache keeps them. By construction for the API, not route by route.
    path = request.path
    private_api = path.startswith(API_PREFIX) and path not in CACHEABLE_API_PATHS
    if "cache-control" not in present and (private_api or response.mimetype == "text/html"):
        missing.append(("Cache-Control", "no-store"))
    # Browsers ignore HSTS over plain HTTP (RFC 6797 §8.1), so it is sent only when this
    # request came over TLS; behind a TLS-terminating proxy the proxy sends it (deployment.md).
    max_age = current_app.config.get("HSTS_MAX_AGE", 0)
    if max_age and "strict-transport-security" not in present and request.is_secure:
        missing.append(("Strict-Transport-Security", f"max-age={max_age}"))
    headers.extend(missing)
    return response

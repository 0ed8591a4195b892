"""Security headers on every response."""

from flask import current_app, request

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
API_PREFIX = "/api/"
# The one public API document: the same for everyone, so it may be cached.
CACHEABLE_API_PATHS = frozenset({"/api/v1/openapi.json"})


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    # Pages and API answers are personal (names, scores, the CSRF token): no shared or
    # back-button cache keeps them. By construction for the API, not route by route.
    private_api = request.path.startswith(API_PREFIX) and request.path not in CACHEABLE_API_PATHS
    if response.mimetype == "text/html" or private_api:
        headers.setdefault("Cache-Control", "no-store")
    # Browsers ignore HSTS over plain HTTP (RFC 6797 §8.1), so it is sent only when this
    # request came over TLS; behind a TLS-terminating proxy the proxy sends it (deployment.md).
    max_age = current_app.config.get("HSTS_MAX_AGE", 0)
    if max_age and request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    return response

"""The one place a service, a job or a provider turns "what the link is to" (an endpoint and
its values) into a site path.

Views and templates call ``url_for`` themselves. Everything else — services building a
notification's link, figure providers' record lines, the scheduler's digest — calls ``url``
here, which works inside a request and outside one (a scheduler job or the CLI has no request:
the path is built in a throwaway request context of the app)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def url(endpoint: str, **values) -> str:
    """The site path of ``endpoint`` with ``values`` (``_anchor`` included)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)

"""The throttle on check-in codes, shared by the check-in page and the JSON API: six digits
are guessable by trying, so only wrong codes count, per member and session, whichever way
they arrive (one counter for both)."""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from app.extensions import limiter


def _code_rate_key() -> str:
    return f"{current_user.get_id()}:{request.view_args.get('session_id')}"


def _wrong_code(_response) -> bool:
    return bool(g.get("checkin_code_wrong"))


def count_if_wrong(field: str) -> None:
    """Count this request against the member's wrong codes if the refusal was the code."""
    g.checkin_code_wrong = field == "code"


# Shared: the page's and the API's endpoints draw on one bucket per member and session.
code_limit = limiter.shared_limit(
    lambda: current_app.config["CHECKIN_CODE_RATE_LIMIT"],
    scope="checkin-code",
    key_func=_code_rate_key,
    methods=["POST"],
    deduct_when=_wrong_code,
)

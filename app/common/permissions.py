"""Access declared at the route, denied by default.

Every view carries one of ``public``, ``login_required`` or ``role_required(...)``. A view
without a declaration is refused for everyone (``enforce_declared_access``), so a new route
cannot be open by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

ACCESS_ATTR = "_xuekao_access"
LIGHT_USER_ATTR = "_xuekao_light_user"


def _mark(view: Callable, access: str) -> Callable:
    setattr(view, ACCESS_ATTR, access)
    return view


def public(view: Callable) -> Callable:
    return _mark(view, "public")


def _require_login() -> None:
    if not current_user.is_authenticated:
        # Flask-Login's handler redirects pages to /login and answers 401 to the API.
        abort(current_app.login_manager.unauthorized())


def login_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        _require_login()
        return view(*args, **kwargs)

    return _mark(wrapper, "login")


def role_required(*roles: str) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            _require_login()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapper, "roles:" + ",".join(roles))

    return decorator


def light_user(view: Callable) -> Callable:
    """Mark a hot view that needs of its user only the id, the roles and the login (the
    answer save): the user loader then checks the login with one plain row instead of
    building the ORM user (a quarter of a save's CPU, issue 16). Put it under the access
    decorator, like ``reads_first``."""
    setattr(view, LIGHT_USER_ATTR, True)
    return view


def wants_light_user(view: Callable | None) -> bool:
    return bool(getattr(view, LIGHT_USER_ATTR, False))


def enforce_declared_access() -> None:
    """before_request: refuse any endpoint whose view declared no access."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is None or not hasattr(view, ACCESS_ATTR):
        current_app.logger.error("route %s declares no access; refused", request.endpoint)
        abort(403)


def declared_access(view: Callable) -> str | None:
    return getattr(view, ACCESS_ATTR, None)

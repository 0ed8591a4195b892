"""What happens when a page needs a login, or a password change comes first."""

from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.http import is_api_request, json_error

# Endpoints a user who must change their password may still reach.
PASSWORD_CHANGE_ALLOWED = {
    "auth.change_password",
    "auth.logout",
    "auth.set_language",
    "auth_api.logout",
    "auth_api.me",
    "auth_api.login",
    "auth.login",
    "static",
}


def unauthorized():
    expired = "_user_id" in session
    message = _("登录已过期，请重新登录") if expired else _("请先登录")
    if is_api_request():
        return json_error(401, "login_required", message)
    flash(message, "warning")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def require_password_change():
    """before_request: accounts an administrator created change their password first."""
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if request.endpoint in PASSWORD_CHANGE_ALLOWED:
        return None
    if is_api_request():
        return json_error(403, "password_change_required", _("请先修改初始密码"))
    flash(_("首次登录请先修改密码"), "warning")
    return redirect(url_for("auth.change_password"))

"""The answer to a throttled login (429): the login page again, with the reason on the
password field, or the JSON error for the API login."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from app.auth.forms import LoginForm
from app.common.error_pages import render_error
from app.common.http import is_api_request, json_error


def _message() -> str:
    return _("登录尝试过于频繁，请稍后再试。")


def throttled(_exc):
    if request.endpoint == "auth.login" and not is_api_request():
        form = LoginForm()
        form.password.errors = [_message()]
        return render_template("auth/login.html", form=form), 429
    if request.blueprint in ("auth", "auth_api"):
        return json_error(429, "429", _message()) if is_api_request() else render_error(429)
    return render_error(429)

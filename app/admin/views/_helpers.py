"""Shared by the admin views: loading objects, putting a service's error on the form."""

from __future__ import annotations

from flask import abort, request, url_for

from app.auth.models import Team, User
from app.common.http import safe_next_url
from app.extensions import db


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def team_from_choice(value: str | None) -> Team | None:
    """A team id as a select submitted it ("" = none); the choices were validated."""
    if not value or not str(value).isdigit():
        return None
    return db.session.get(Team, int(value))


def teams_from_choices(values: list[str] | None) -> list[Team]:
    teams = [team_from_choice(v) for v in values or []]
    return [t for t in teams if t is not None]


def back_to(default_endpoint: str, **values) -> str:
    """Where a list-page action returns to: the page it came from, if on this site."""
    return safe_next_url(request.form.get("next")) or url_for(default_endpoint, **values)


def user_or_404(user_id: int) -> User:
    return get_or_404(User, user_id)


def team_or_404(team_id: int) -> Team:
    return get_or_404(Team, team_id)

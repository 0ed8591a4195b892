"""Who may see which team's figures."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from app.auth.models import Team
from app.extensions import db


def team_scope_required(view):
    """Route decorator: load ``team_id`` and allow admins and the secretaries whose scope
    contains it; 404 for a missing team, 403 otherwise. Use after ``role_required``."""

    @wraps(view)
    def wrapper(*args, team_id: int, **kwargs):
        team = db.session.get(Team, team_id)
        if team is None:
            abort(404)
        if not current_user.can_oversee_team(team):
            abort(403)
        return view(*args, team=team, **kwargs)

    return wrapper

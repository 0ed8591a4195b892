"""Who may see and who may run a team's centre-group study.

Secretaries run the teams in their scopes (with the subtrees); members see their own team's
sessions; administrators see every team and review plans, but do not run sessions: that is
the secretary's record."""

from __future__ import annotations

from app.auth.models import Team, User


def is_member(user: User, team: Team) -> bool:
    """A member of the team's centre group: an active user whose team it is."""
    return bool(user.active) and user.team_id == team.id


def can_manage(user: User, team: Team) -> bool:
    """The team's secretary: records its sessions and attendance, edits and files its plan."""
    return any(team.is_within(scope) for scope in user.secretary_teams)


def can_view(user: User, team: Team) -> bool:
    return user.is_admin or is_member(user, team) or can_manage(user, team)


def can_review_plans(user: User) -> bool:
    return user.is_admin

"""What each role's home page shows besides the to-do list."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import Team, User
from app.common import links
from app.common.audit import AuditLog
from app.common.todo import TodoItem
from app.extensions import db
from app.stats.services import team_roster


def account_todos(user) -> list[TodoItem]:
    items = []
    if user.must_change_password:
        items.append(
            TodoItem(_("修改初始密码"), links.url("auth.change_password"), "account", urgent=True)
        )
    return items


def admin_overview() -> dict:
    return {
        "users": db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
        "inactive": db.session.scalar(select(func.count(User.id)).where(User.active.is_(False))),
        "teams": db.session.scalar(select(func.count(Team.id)).where(Team.active.is_(True))),
        "pending_password": db.session.scalar(
            select(func.count(User.id)).where(User.must_change_password.is_(True))
        ),
        "recent": list(
            db.session.scalars(
                select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(8)
            )
        ),
    }


def secretary_overview(user) -> list[dict]:
    """Each team in the secretary's scopes with its active members."""
    return [{"team": team, "members": team_roster(team)} for team in user.secretary_teams]

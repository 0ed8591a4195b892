"""Teams (单位 / 领导班子) and users (学员、中心组秘书、管理员)."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import TimestampMixin
from app.extensions import db

ROLES = ("admin", "secretary", "cadre")
RANKS = ("bureau", "county", "township", "other")  # 厅局级 / 县处级 / 乡科级 / 其他
TEAM_KINDS = ("department", "unit", "team")  # 部门 / 单位 / 领导班子


class Team(TimestampMixin, db.Model):
    """单位 / 领导班子: a node of the organisation tree; statistics roll up it.

    ``path`` is the materialised chain of ids (``/1/4/9/``) so a subtree is one
    ``LIKE '/1/4/%'`` query on either database.
    """

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="team")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), default="", index=True)
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Team | None] = relationship(remote_side="Team.id", back_populates="children")
    children: Mapped[list[Team]] = relationship(
        back_populates="parent", order_by="(Team.sort_order, Team.name)"
    )
    members: Mapped[list[User]] = relationship(back_populates="team")

    def __repr__(self) -> str:
        return f"<Team {self.id} {self.name}>"

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def depth(self) -> int:
        return len(self.ancestor_ids) - 1

    @property
    def full_name(self) -> str:
        """``省委组织部/干部一处`` — the path of names, as user imports write it."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))

    def is_within(self, other: Team) -> bool:
        """True if this team is ``other`` or in its subtree."""
        return self.path.startswith(other.path)

    def subtree_ids_query(self):
        return select(Team.id).where(Team.path.startswith(self.path))


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class SecretaryScope(db.Model):
    """A secretary's team; the scope includes the team's subtree."""

    __tablename__ = "secretary_scopes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    team: Mapped[Team] = relationship()


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # 工号 or ID number
    name: Mapped[str] = mapped_column(String(64))
    rank: Mapped[str] = mapped_column(String(20), default="other")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    email: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Changes when the password changes, so other sessions and remember cookies end.
    session_token: Mapped[str] = mapped_column(String(64), default="")
    last_login_at: Mapped[datetime | None] = mapped_column()

    team: Mapped[Team | None] = relationship(back_populates="members")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    scope_rows: Mapped[list[SecretaryScope]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    # Flask-Login: the session identifies the user and the password generation.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def secretary_teams(self) -> list[Team]:
        if "secretary" not in self.roles:
            return []
        return [row.team for row in self.scope_rows]

    def can_oversee_team(self, team: Team | None) -> bool:
        """Admins see every team; a secretary sees the teams in their scopes' subtrees."""
        if team is None:
            return self.is_admin
        return self.is_admin or any(team.is_within(scope) for scope in self.secretary_teams)

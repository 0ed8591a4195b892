"""Teams (单位 / 领导班子) and users (学员、中心组秘书、管理员)."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import TimestampMixin
from app.extensions import db

ROLES = ("admin", "secretary", "cadre", "assessor")  # assessor: 考察人员 (evaluation)
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
    post: Mapped[str] = mapped_column(String(100), default="", server_default="")  # 职务
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    email: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Legacy: logins were once tied to it; they are UserSession rows now (revoked on a
    # password change or deactivation). No longer read; kept so old tools can still insert.
    session_token: Mapped[str] = mapped_column(String(64), default="")
    last_login_at: Mapped[datetime | None] = mapped_column()

    team: Mapped[Team | None] = relationship(back_populates="members")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    scope_rows: Mapped[list[SecretaryScope]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    # The login this instance was loaded for (an ``app.auth.sessions.Login``, set at login
    # and by the user loader); not a column.
    login = None

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    # Flask-Login keeps this in the session and the remember cookie: the login's secret token
    # (its UserSession), never the user's id, so ending the UserSession ends both cookies.
    def get_id(self) -> str:
        if self.login is None:
            raise RuntimeError("login_user() needs a login session: use start_session()")
        return self.login.token

    # UserMixin compares get_id(); two objects are the same user whatever login they carry.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

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


class UserSession(db.Model):
    """登录会话: one login (page, JSON or remember-me), revocable on the server.

    The session cookie and the remember cookie carry a random token; the table keeps only its
    SHA-256 (``id``), so reading the table (a backup, a console) hands out no live login.
    """

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column()
    # Remember-me: login + 14 days, fixed; otherwise last seen + 12 hours (moved on when
    # last_seen_at is written, every few minutes).
    expires_at: Mapped[datetime] = mapped_column()
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    remember: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id[:8]} user={self.user_id}>"

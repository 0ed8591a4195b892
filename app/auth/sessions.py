"""Login sessions (登录会话) kept on the server, so that logging out, "log out everywhere
else", a password reset or a deactivation ends a login at once, whatever copy of its cookies
is still around.

One ``UserSession`` per login. The browser holds a random token (in Flask's signed session
cookie, and in the remember-me cookie when asked for); the table holds its SHA-256. Every
request finds its login with one primary-key lookup joined to the user and their roles (the
query the user loader ran before, plus one join, built once). ``last_seen_at`` is written at most once
per ``touch_every`` per login, in a short write of its own, never on every request.

Services: plain values in, ``flush()`` never ``commit()``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, delete, or_, select, update
from sqlalchemy.orm import joinedload, lazyload

from app.auth.models import User, UserRole, UserSession
from app.common.db import DriverStatement
from app.extensions import db

# Ended logins are kept this long (the owner sees nothing of them; an administrator
# investigating a leaked cookie may), then removed at the user's next login.
KEEP_ENDED = timedelta(days=30)
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 128  # a cookie value longer than any token is not looked up
USER_AGENT_LENGTH = 255
ADDRESS_LENGTH = 64


@dataclass(frozen=True)
class Login:
    """What a request knows of its login, as plain values: they outlive the expiry of the
    ORM objects at the view's commit, so reading them costs no query."""

    session_id: str
    token: str
    last_seen_at: datetime

    @classmethod
    def of(cls, record: UserSession, token: str) -> Login:
        return cls(record.id, token, record.last_seen_at)

    def touch_due(self, now: datetime, touch_every: timedelta) -> bool:
        return now - self.last_seen_at >= touch_every


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def open_session(
    user: User,
    *,
    now: datetime,
    remember: bool,
    lifetime: timedelta,
    remember_lifetime: timedelta,
    address: str = "",
    user_agent: str = "",
) -> tuple[UserSession, str]:
    """A new login for ``user``: the record and the token the cookies carry (returned once,
    never stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    record = UserSession(
        id=token_digest(token),
        user=user,
        created_at=now,
        last_seen_at=now,
        expires_at=now + (remember_lifetime if remember else lifetime),
        address=(address or "")[:ADDRESS_LENGTH],
        user_agent=(user_agent or "")[:USER_AGENT_LENGTH],
        remember=remember,
    )
    db.session.add(record)
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(
                UserSession.revoked_at < now - KEEP_ENDED,
                UserSession.expires_at < now - KEEP_ENDED,
            ),
        )
    )
    db.session.flush()
    return record, token


# Built once: building and keying the statement cost more than running it (as for the
# answer store). One row per role (joined), by the primary key of user_sessions.
_LIVE_LOGIN = (
    select(User, UserSession.last_seen_at, UserSession.expires_at, UserSession.revoked_at)
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.id == bindparam("session_id"))
    # Secretary scopes load on first use: most requests are cadres'.
    .options(joinedload(User.role_rows), lazyload(User.scope_rows))
)


def _token_id(token: str | None) -> str | None:
    if not token or not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    return token_digest(token)


def _alive(revoked_at: datetime | None, expires_at: datetime, active: bool, now: datetime) -> bool:
    return revoked_at is None and expires_at > now and bool(active)


def live_login(token: str | None, now: datetime) -> tuple[User, Login] | None:
    """The active user of the live login this token belongs to (roles loaded) and the
    login, or None: unknown, revoked, expired, or the account is deactivated."""
    session_id = _token_id(token)
    if session_id is None:
        return None
    row = db.session.execute(_LIVE_LOGIN, {"session_id": session_id}).unique().first()
    if row is None:
        return None
    user, last_seen_at, expires_at, revoked_at = row
    if not _alive(revoked_at, expires_at, user.active, now):
        return None
    return user, Login(session_id, token, last_seen_at)


class SessionUser:
    """The user of a live login as plain values — id, roles, whether a password change is
    due, the login — for the views marked ``light_user`` (the answer save): the same check
    of the login as ``live_login``, one query, without building the ORM user and its roles.

    Anything else read from it loads the full ``User`` once (one more query) and answers
    from that, so an unforeseen reader (an error page) still gets the right value; services
    that need a ``User`` object must not be handed this one."""

    is_authenticated = True
    is_anonymous = False

    def __init__(
        self, user_id: int, roles: frozenset[str], must_change_password: bool, login: Login
    ):
        self.id = user_id
        self.roles = roles
        self.must_change_password = must_change_password
        self.login = login
        self._full: User | None = None

    # Only live logins of active accounts are ever made into one.
    is_active = True
    active = True

    def get_id(self) -> str:
        return self.login.token

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def full(self) -> User:
        if self._full is None:
            self._full = db.session.get(User, self.id)
            self._full.login = self.login
        return self._full

    def __getattr__(self, name: str):
        if name.startswith("_"):  # private and SQLAlchemy's probes: not the user's
            raise AttributeError(name)
        return getattr(self.full(), name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SessionUser | User):
            return self.id == other.id
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("user", self.id))

    def __repr__(self) -> str:
        return f"<SessionUser {self.id}>"


def _live_login_rows(_dialect: str):
    users, sessions, roles = User.__table__, UserSession.__table__, UserRole.__table__
    return (
        select(
            users.c.id,
            users.c.active,
            users.c.must_change_password,
            sessions.c.last_seen_at,
            sessions.c.expires_at,
            sessions.c.revoked_at,
            roles.c.role,
        )
        .select_from(sessions.join(users).outerjoin(roles, roles.c.user_id == users.c.id))
        .where(sessions.c.id == bindparam("session_id"))
    )


# Plain table columns, no ORM entity: the rows come back as tuples, on the driver's cursor.
_LIVE_LOGIN_ROWS = DriverStatement(_live_login_rows)


def live_session_user(token: str | None, now: datetime) -> SessionUser | None:
    """``live_login`` for the light views: the same login check (unknown, revoked, expired,
    deactivated → None), its user as a ``SessionUser``. One row per role."""
    session_id = _token_id(token)
    if session_id is None:
        return None
    rows = _LIVE_LOGIN_ROWS.rows(db.session.connection(), {"session_id": session_id})
    if not rows:
        return None
    user_id, active, must_change, last_seen_at, expires_at, revoked_at, _role = rows[0]
    if not _alive(revoked_at, expires_at, active, now):
        return None
    roles = frozenset(row[-1] for row in rows if row[-1] is not None)
    return SessionUser(user_id, roles, must_change, Login(session_id, token, last_seen_at))


def touch(session_id: str, *, now: datetime, touch_every: timedelta, lifetime: timedelta) -> bool:
    """Record that the login was used now, unless another request did so within
    ``touch_every``; a login without remember-me then lives ``lifetime`` from now. One
    conditional UPDATE, so concurrent requests of one login write it once."""
    result = db.session.execute(
        update(UserSession)
        .where(
            UserSession.id == session_id,
            UserSession.revoked_at.is_(None),
            UserSession.last_seen_at <= now - touch_every,
        )
        .values(
            last_seen_at=now,
            expires_at=case(
                (UserSession.remember.is_(False), now + lifetime), else_=UserSession.expires_at
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return bool(result.rowcount)


def revoke_session(session_id: str, now: datetime) -> None:
    """End one login (logging out)."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def revoke_user_sessions(user: User, now: datetime, *, keep: str | None = None) -> int:
    """End every live login of ``user`` (but the one whose id is ``keep``): logging out everywhere else, a
    password change or reset, a deactivation. Returns how many ended."""
    if user.id is None:
        return 0  # a user being created has no logins yet
    query = update(UserSession).where(
        UserSession.user_id == user.id,
        UserSession.revoked_at.is_(None),
        UserSession.expires_at > now,
    )
    if keep is not None:
        query = query.where(UserSession.id != keep)
    result = db.session.execute(
        query.values(revoked_at=now).execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount


def active_sessions(user: User, now: datetime) -> list[UserSession]:
    """The user's live logins, most recently used first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.revoked_at.is_(None),
                UserSession.expires_at > now,
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.created_at.desc())
        )
    )

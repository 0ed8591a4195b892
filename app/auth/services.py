"""Accounts: authentication, passwords, users, teams and roles. Services take plain values
and model instances, raise ``DomainError``, flush but never commit."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth import login_queue, sessions
from app.auth.models import RANKS, ROLES, TEAM_KINDS, SecretaryScope, Team, User, UserRole
from app.common import audit
from app.common.db import begin_write
from app.common.errors import DomainError
from app.common.permissions import wants_light_user
from app.common.timeutil import utcnow
from app.extensions import db

MIN_PASSWORD_LENGTH = 8
COMMON_PASSWORDS = {
    "12345678",
    "123456789",
    "1234567890",
    "password",
    "password1",
    "qwerty123",
    "11111111",
    "88888888",
    "abc12345",
    "a1234567",
    "admin123",
    "admin888",
    "woaini1314",
    "qq123456",
    "1qaz2wsx",
    "abcd1234",
    "aa123456",
    "password123",
    "123qweasd",
    "xuekao123",
}
# Checking a password against a hash costs the same whether or not the user exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def rank_labels() -> dict[str, str]:
    return {
        "bureau": _("厅局级"),
        "county": _("县处级"),
        "township": _("乡科级"),
        "other": _("其他"),
    }


def role_labels() -> dict[str, str]:
    return {
        "admin": _("管理员"),
        "secretary": _("中心组秘书"),
        "cadre": _("学员"),
        "assessor": _("考察人员"),
    }


def team_kind_labels() -> dict[str, str]:
    return {"department": _("部门"), "unit": _("单位"), "team": _("领导班子")}


# ------------------------------------------------------------------ passwords


def password_problem(password: str, username: str = "") -> str | None:
    """Why this password is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("密码至少 %(n)d 位", n=MIN_PASSWORD_LENGTH)
    classes = sum(
        bool(re.search(pattern, password)) for pattern in (r"[A-Za-z]", r"[0-9]", r"[^A-Za-z0-9]")
    )
    if classes < 2:
        return _("密码须包含字母、数字、符号中的至少两类")
    if password.lower() in COMMON_PASSWORDS:
        return _("密码过于常见，请换一个")
    if username and username.lower() in password.lower():
        return _("密码不能包含登录名")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(
        password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    )


def hash_passwords(passwords: Iterable[str]) -> dict[str, str]:
    """Each distinct password → its hash, computed on every core (scrypt lets go of the
    GIL). For bulk imports: one hash per distinct initial password, so accounts given the
    same initial password share its hash — they share the secret anyway, and must change it
    at first login."""
    distinct = sorted(set(passwords))
    app = current_app._get_current_object()

    def one(password: str) -> str:
        with app.app_context():
            return hash_password(password)

    workers = max(1, min(len(distinct), os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        return dict(zip(distinct, pool.map(one, distinct), strict=True))


def set_password(
    user: User, password: str, *, must_change: bool = False, password_hash: str | None = None
) -> None:
    """``password_hash``: already computed for ``password`` (``hash_passwords``)."""
    problem = password_problem(password, user.username)
    if problem:
        raise DomainError(problem, "password")
    user.password_hash = password_hash or hash_password(password)
    user.must_change_password = must_change
    sessions.revoke_user_sessions(user, utcnow())  # a new password: every login ends


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def change_own_password(user: User, current: str, new: str) -> None:
    if not check_password(user, current):
        raise DomainError(_("当前密码不正确"), "current_password")
    if current == new:
        raise DomainError(_("新密码不能与当前密码相同"), "new_password")
    try:
        set_password(user, new)
    except DomainError as exc:
        raise DomainError(exc.message, "new_password") from exc
    audit.record(user, "user.password_change", user, _("修改了自己的密码"))


def authenticate(username: str, password: str, *, waited: float | None = None) -> User:
    """The active user with these credentials, or DomainError with a message that does not
    reveal whether the login name exists. ``LoginBusy`` (a DomainError) when the login queue
    is full: ``waited`` is how long the request queued in front of the app, if known."""
    username = (username or "").strip()
    config = current_app.config
    with login_queue.password_check(
        checks_per_process=config.get("LOGIN_CHECKS_PER_PROCESS", 0),
        max_wait=config.get("LOGIN_QUEUE_MAX_WAIT", 0),
        waited=waited,
    ):
        user = find_user(username) if username else None
        if not check_password(user, password or ""):
            raise DomainError(_("登录名或密码不正确"))
    if not user.active:
        raise DomainError(_("该账号已停用，请联系管理员"))
    begin_write(db.session)  # the slow hash check above ran without the write lock
    user.last_login_at = utcnow()
    return user


def load_session_user(token: str) -> User | sessions.SessionUser | None:
    """Flask-Login's user loader: the token from the session or remember cookie → the user
    of that live login (``user.login``), or None (logged out, revoked, expired,
    deactivated). One indexed query; Flask-Login keeps the result for the request (in ``g``).
    A view marked ``light_user`` (the answer save) gets the same check and a
    ``SessionUser`` of plain values instead of the ORM user."""
    now = utcnow()
    if has_request_context() and wants_light_user(current_app.view_functions.get(request.endpoint)):
        return sessions.live_session_user(token, now)
    found = sessions.live_login(token, now)
    if found is None:
        return None
    user, login = found
    user.login = login
    return user


# ------------------------------------------------------------------ users


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def find_people(text: str, teams: Iterable[Team] | None = None, limit: int = 20) -> list[User]:
    """Active people a person names by login name or by name (何平), within ``teams`` when
    given: the login name's owner if it is one, else everyone of that exact name, else
    everyone whose name contains the text — by name, then unit, so namesakes sit together."""
    text = (text or "").strip()
    if not text:
        return []
    query = select(User).where(User.active.is_(True))
    if teams is not None:
        query = query.where(User.team_id.in_([t.id for t in teams]))
    exact = db.session.scalar(query.where(func.lower(User.username) == text.lower()))
    if exact is not None:
        return [exact]
    ordered = query.order_by(User.name, User.team_id, User.username).limit(limit)
    same = list(db.session.scalars(ordered.where(User.name == text)))
    if same:
        return same
    return list(db.session.scalars(ordered.where(User.name.contains(text, autoescape=True))))


def validate_username(username: str) -> str:
    username = (username or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.@-]{2,64}", username):
        raise DomainError(_("登录名应为 2–64 位字母、数字或 _ . @ -（工号或身份证号）"), "username")
    return username


def create_user(
    actor: User | None,
    *,
    username: str,
    name: str,
    password: str,
    rank: str = "other",
    team: Team | None = None,
    email: str = "",
    phone: str = "",
    post: str = "",
    roles: list[str] | tuple[str, ...] = ("cadre",),
    secretary_teams: list[Team] | tuple[Team, ...] = (),
    must_change_password: bool = True,
    password_hash: str | None = None,
) -> User:
    username = validate_username(username)
    if find_user(username):
        raise DomainError(_("登录名“%(name)s”已存在", name=username), "username")
    if not (name or "").strip():
        raise DomainError(_("姓名不能为空"), "name")
    _check_rank(rank)
    user = User(
        username=username,
        name=name.strip(),
        rank=rank,
        team=team,
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        post=(post or "").strip(),
    )
    set_password(user, password, must_change=must_change_password, password_hash=password_hash)
    db.session.add(user)
    set_roles(actor, user, roles, secretary_teams, audit_it=False)
    db.session.flush()
    audit.record(
        actor,
        "user.create",
        user,
        _("创建用户 %(u)s（%(n)s）", u=user.username, n=user.name),
        roles=sorted(user.roles),
        team=team.full_name if team else "",
    )
    return user


def update_user(
    actor: User | None,
    user: User,
    *,
    name: str,
    rank: str,
    team: Team | None,
    email: str = "",
    phone: str = "",
    post: str | None = None,
) -> None:
    """``post`` (职务) None: unchanged."""
    if not (name or "").strip():
        raise DomainError(_("姓名不能为空"), "name")
    _check_rank(rank)
    changes = {}
    for attr, value in (
        ("name", name.strip()),
        ("rank", rank),
        ("email", email.strip()),
        ("phone", phone.strip()),
        *([("post", post.strip())] if post is not None else []),
    ):
        if getattr(user, attr) != value:
            changes[attr] = [getattr(user, attr), value]
            setattr(user, attr, value)
    if user.team_id != (team.id if team else None):
        changes["team"] = [user.team.full_name if user.team else "", team.full_name if team else ""]
        user.team = team
        audit.record(
            actor,
            "user.move",
            user,
            _("调整 %(u)s 的单位", u=user.username),
            **{"from": changes["team"][0], "to": changes["team"][1]},
        )
    if changes:
        audit.record(
            actor, "user.update", user, _("修改用户 %(u)s", u=user.username), changes=changes
        )
    db.session.flush()


def set_roles(
    actor: User | None,
    user: User,
    roles: list[str] | tuple[str, ...] | set[str],
    secretary_teams: list[Team] | tuple[Team, ...] = (),
    *,
    audit_it: bool = True,
) -> None:
    roles = set(roles)
    unknown = roles.difference(ROLES)
    if unknown:
        raise DomainError(_("未知角色：%(r)s", r="、".join(sorted(unknown))), "roles")
    if not roles:
        raise DomainError(_("至少选择一个角色"), "roles")
    if "secretary" in roles and not secretary_teams:
        raise DomainError(_("中心组秘书须指定负责的单位"), "secretary_teams")
    if actor is not None and actor.id == user.id and "admin" in user.roles and "admin" not in roles:
        raise DomainError(_("不能取消自己的管理员角色"), "roles")
    before = (sorted(user.roles), sorted(s.team_id for s in user.scope_rows))
    user.role_rows = [UserRole(role=r) for r in sorted(roles)]
    teams = list(secretary_teams) if "secretary" in roles else []
    unique = {t.id: t for t in teams if t.id is not None}
    user.scope_rows = [SecretaryScope(team=t) for t in unique.values()] + [
        SecretaryScope(team=t) for t in teams if t.id is None
    ]
    db.session.flush()
    after = (sorted(user.roles), sorted(s.team_id for s in user.scope_rows))
    if audit_it and before != after:
        audit.record(
            actor,
            "user.roles",
            user,
            _("调整 %(u)s 的角色", u=user.username),
            before={"roles": before[0], "teams": before[1]},
            after={"roles": after[0], "teams": after[1]},
        )


def set_active(actor: User | None, user: User, active: bool) -> None:
    if actor is not None and actor.id == user.id and not active:
        raise DomainError(_("不能停用自己的账号"))
    if user.active == active:
        return
    user.active = active
    if not active:
        sessions.revoke_user_sessions(user, utcnow())
    summary = _("启用 %(u)s", u=user.username) if active else _("停用 %(u)s", u=user.username)
    audit.record(actor, "user.activate" if active else "user.deactivate", user, summary)
    db.session.flush()


def reset_password(actor: User | None, user: User, password: str) -> None:
    set_password(user, password, must_change=True)
    audit.record(actor, "user.reset_password", user, _("重置 %(u)s 的密码", u=user.username))
    db.session.flush()


def generate_initial_password(username: str = "") -> str:
    """A random password that passes the strength rules (for this login name too), for
    accounts created in bulk or without a password."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(10))
        if password_problem(candidate, username) is None:
            return candidate


def _check_rank(rank: str) -> None:
    if rank not in RANKS:
        raise DomainError(_("未知职级“%(r)s”", r=rank), "rank")


# ------------------------------------------------------------------ teams


def _team_path(team: Team) -> str:
    return (team.parent.path if team.parent else "/") + f"{team.id}/"


def _clean_team_fields(name: str, kind: str) -> str:
    """The team's name, trimmed; refuses an empty name, a "/" in it, or an unknown kind."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("名称不能为空"), "name")
    if "/" in name:
        raise DomainError(_("名称中不能有“/”（它用来分隔上下级）"), "name")
    if kind not in TEAM_KINDS:
        raise DomainError(_("未知类型“%(k)s”", k=kind), "kind")
    return name


def create_team(
    actor: User | None,
    *,
    name: str,
    parent: Team | None = None,
    kind: str = "team",
    sort_order: int = 0,
) -> Team:
    name = _clean_team_fields(name, kind)
    _check_sibling_name(name, parent, None)
    team = Team(name=name, parent=parent, kind=kind, sort_order=sort_order)
    db.session.add(team)
    db.session.flush()
    team.path = _team_path(team)
    db.session.flush()
    audit.record(actor, "team.create", team, _("创建单位 %(t)s", t=team.full_name))
    return team


def update_team(
    actor: User | None,
    team: Team,
    *,
    name: str,
    parent: Team | None,
    kind: str,
    sort_order: int = 0,
) -> None:
    name = _clean_team_fields(name, kind)
    if parent is not None and parent.is_within(team):
        raise DomainError(_("不能把单位移到它自己或它的下级之下"), "parent")
    _check_sibling_name(name, parent, team)
    old_name = team.full_name
    moved = team.parent_id != (parent.id if parent else None)
    team.name, team.kind, team.sort_order = name, kind, sort_order
    if moved:
        old_path = team.path
        team.parent = parent
        db.session.flush()
        new_path = _team_path(team)
        for node in db.session.scalars(select(Team).where(Team.path.startswith(old_path))):
            node.path = new_path + node.path[len(old_path) :]
    db.session.flush()
    audit.record(
        actor,
        "team.move" if moved else "team.update",
        team,
        _("修改单位 %(a)s → %(b)s", a=old_name, b=team.full_name),
    )


def set_team_active(actor: User | None, team: Team, active: bool) -> None:
    if team.active == active:
        return
    if not active:
        members = db.session.scalar(
            select(func.count(User.id)).where(
                User.team_id.in_(team.subtree_ids_query()), User.active.is_(True)
            )
        )
        if members:
            raise DomainError(
                _("该单位（含下级）还有 %(n)d 名在用人员，请先调整或停用他们", n=members)
            )
    team.active = active
    audit.record(actor, "team.activate" if active else "team.deactivate", team, team.full_name)
    db.session.flush()


def _check_sibling_name(name: str, parent: Team | None, team: Team | None) -> None:
    query = select(Team).where(Team.name == name)
    query = query.where(Team.parent_id == parent.id if parent else Team.parent_id.is_(None))
    existing = db.session.scalar(query)
    if existing is not None and existing is not team:
        raise DomainError(_("同一上级下已有名为“%(n)s”的单位", n=name), "name")


def find_team_by_path(path: str) -> Team | None:
    """``省委组织部/干部一处`` → that team (names from the root, separated by "/")."""
    parts = [p.strip() for p in re.split(r"[/／]", path or "") if p.strip()]
    if not parts:
        return None
    parent_id = None
    team = None
    for part in parts:
        query = select(Team).where(Team.name == part)
        query = query.where(Team.parent_id == parent_id if parent_id else Team.parent_id.is_(None))
        team = db.session.scalar(query)
        if team is None:
            return None
        parent_id = team.id
    return team


def team_tree() -> list[Team]:
    """Every team in tree order (parents before children, siblings by sort order, name)."""
    teams = list(db.session.scalars(select(Team)))
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)
    ordered: list[Team] = []

    def walk(parent_id):
        for team in sorted(children.get(parent_id, []), key=lambda t: (t.sort_order, t.name)):
            ordered.append(team)
            walk(team.id)

    walk(None)
    return ordered


def teams_in_scope(user: User) -> list[Team]:
    """The teams this user oversees: all for an admin, the scope subtrees for a secretary."""
    if user.is_admin:
        return team_tree()
    return [t for t in team_tree() if user.can_oversee_team(t)]

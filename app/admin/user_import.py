"""Bulk user import (批量导入用户) from .xlsx or .csv: all rows are checked first, then all
are written in one savepoint, or none.

The file is read by ``import_table`` (formats, encodings, header names).

Rows
    Numbered as the file shows them (Excel's row number, the CSV record number). Empty rows
    are skipped. An empty optional cell means "not given": a new account gets the default
    (职级 其他, 角色 学员), an existing one keeps its value. A secretary's scope is their own
    team. A row's 初始密码 applies to new accounts only; an existing account's password is
    never changed by an import.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.admin.import_table import FileRejected, Table, cell_text, has_values, read_table
from app.auth import services as accounts
from app.auth.models import Team, User
from app.common import audit
from app.common.errors import DomainError
from app.extensions import db

RANK_WORDS = {
    "厅局级": "bureau",
    "县处级": "county",
    "乡科级": "township",
    "其他": "other",
    "bureau": "bureau",
    "county": "county",
    "township": "township",
    "other": "other",
}
ROLE_WORDS = {
    "学员": "cadre",
    "干部": "cadre",
    "cadre": "cadre",
    "秘书": "secretary",
    "中心组秘书": "secretary",
    "secretary": "secretary",
    "管理员": "admin",
    "admin": "admin",
}
ROLE_SEPARATORS = re.compile(r"[、,，;；\s]+")
PHONE = re.compile(r"[0-9+()\- ]{3,32}(转[0-9]{1,6})?")
FIELD_LIMITS = {"name": 64, "email": 255, "phone": 32, "post": 100}

ErrorSink = Callable[[str, str], None]  # (field, message) → recorded against the row


@dataclass
class ImportIssue:
    """One problem: the row as the file numbers it (None: the file as a whole), the column
    header as written, and why, in Chinese."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = [_("第 %(n)d 行", n=self.row)] if self.row else []
        if self.column:
            where.append(_("“%(c)s”列", c=self.column))
        return "，".join(where) + "：" + self.message if where else self.message


@dataclass
class NewAccount:
    username: str
    name: str
    password: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    accounts: list[NewAccount] = field(default_factory=list)  # with initial passwords
    dry_run: bool = False
    sheet: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    username: str
    name: str
    team: Team
    rank: str | None
    roles: list[str] | None
    email: str | None
    phone: str | None
    password: str | None
    existing: User | None
    post: str | None = None  # 职务; None: not given


def import_users(
    actor: User | None,
    data: bytes,
    filename: str,
    *,
    password: str = "",
    update_existing: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Check every row, then create or update all accounts, or none. ``password`` is the
    initial password for new accounts whose row has none (else one is generated per user).
    A result with errors has written nothing; the caller commits a clean one."""
    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(data, filename)
    except FileRejected as exc:
        result.errors.append(ImportIssue(None, "", exc.message))
        return result
    result.sheet = table.sheet
    rows = _check_rows(table, password, update_existing, result)
    if result.errors:
        return result
    if dry_run:
        result.created = sum(1 for row in rows if row.existing is None)
        result.updated = len(rows) - result.created
        return result
    _write(actor, table, rows, password, result, filename)
    return result


# ------------------------------------------------------------------ checking the rows


def _check_rows(
    table: Table, password: str, update_existing: bool, result: ImportResult
) -> list[_Row]:
    password_ok = True
    if password:
        problem = accounts.password_problem(password)
        if problem:
            password_ok = False
            result.errors.append(ImportIssue(None, _("统一初始密码"), problem))
    records = [
        (
            number,
            {
                name: cell_text(cells[i]) if i < len(cells) else ""
                for name, (i, _label) in table.columns.items()
            },
        )
        for number, cells in table.rows
        if has_values(cells)
    ]
    existing = _existing_users([values["username"] for _n, values in records])
    teams: dict[str, Team | None] = {}
    seen: dict[str, int] = {}
    rows: list[_Row] = []
    for number, values in records:
        errors_before = len(result.errors)

        def error(column: str, message: str, number: int = number) -> None:
            result.errors.append(ImportIssue(number, table.label(column), message))

        username = values["username"]
        user = existing.get(username.lower())
        _check_username(username, number, user, update_existing, seen, error)
        for name, limit in FIELD_LIMITS.items():
            if len(values.get(name, "")) > limit:
                error(name, _("内容过长（最多 %(n)d 个字）", n=limit))
        if not values["name"]:
            error("name", _("姓名不能为空"))
        team = _team(values["team"], teams, error)
        rank = _rank(values.get("rank", ""), error)
        roles = _roles(values.get("roles", ""), error)
        email = values.get("email", "")
        if email:
            try:
                validate_email(email, check_deliverability=False)
            except EmailNotValidError:
                error("email", _("邮箱“%(e)s”格式不正确", e=email))
        phone = unicodedata.normalize("NFKC", values.get("phone", ""))
        if phone and not PHONE.fullmatch(phone):
            error("phone", _("电话“%(p)s”格式不正确", p=values["phone"]))
        # An existing account's password is never changed by an import.
        row_password = values.get("password", "") if user is None else ""
        if user is None and username:
            if row_password:
                problem = accounts.password_problem(row_password, username)
                if problem:
                    error("password", problem)
            elif password and password_ok:
                # Only the "must not contain the login name" rule can still fail here.
                problem = accounts.password_problem(password, username)
                if problem:
                    result.errors.append(ImportIssue(number, _("统一初始密码"), problem))
        if len(result.errors) == errors_before:
            rows.append(
                _Row(
                    number,
                    username,
                    values["name"],
                    team,
                    rank,
                    roles,
                    email or None,
                    phone or None,
                    row_password or None,
                    user,
                    values.get("post", "").strip() or None,
                )
            )
    return rows


def _check_username(
    username: str,
    number: int,
    user: User | None,
    update_existing: bool,
    seen: dict[str, int],
    error: ErrorSink,
) -> None:
    try:
        accounts.validate_username(username)
    except DomainError as exc:
        error("username", _("登录名不能为空") if not username else exc.message)
        return
    key = username.lower()
    if key in seen:
        error("username", _("登录名“%(u)s”与第 %(n)d 行重复", u=username, n=seen[key]))
    else:
        seen[key] = number
    if user is not None and not update_existing:
        error(
            "username",
            _("登录名“%(u)s”已存在（如需更新已有账号，请选择“更新已有账号”）", u=username),
        )


def _existing_users(usernames: list[str]) -> dict[str, User]:
    keys = sorted({u.lower() for u in usernames if u})
    found: dict[str, User] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for user in db.session.scalars(select(User).where(func.lower(User.username).in_(chunk))):
            found[user.username.lower()] = user
    return found


def _team(path: str, cache: dict[str, Team | None], error: ErrorSink) -> Team | None:
    if not path:
        error("team", _("单位不能为空"))
        return None
    if path not in cache:
        cache[path] = accounts.find_team_by_path(path)
    team = cache[path]
    if team is None:
        error(
            "team",
            _(
                "单位“%(t)s”不存在：请写从最上级开始的完整路径，用“/”分隔，如“省委组织部/干部一处”",
                t=path,
            ),
        )
    elif not team.active:
        error("team", _("单位“%(t)s”已停用", t=path))
    return team


def _rank(raw: str, error: ErrorSink) -> str | None:
    if not raw:
        return None
    rank = RANK_WORDS.get(unicodedata.normalize("NFKC", raw).strip().lower())
    if rank is None:
        error("rank", _("职级“%(r)s”无法识别，应为 厅局级、县处级、乡科级 或 其他", r=raw))
    return rank


def _roles(raw: str, error: ErrorSink) -> list[str] | None:
    words = [w for w in ROLE_SEPARATORS.split(unicodedata.normalize("NFKC", raw)) if w]
    if not words:
        return None
    unknown = [w for w in words if w.lower() not in ROLE_WORDS]
    if unknown:
        error(
            "roles",
            _(
                "角色“%(r)s”无法识别，应为 学员、中心组秘书 或 管理员（多个用“、”分隔）",
                r="、".join(unknown),
            ),
        )
        return None
    return sorted({ROLE_WORDS[w.lower()] for w in words})


# ------------------------------------------------------------------ writing


_ERROR_COLUMNS = {"secretary_teams": "roles"}


def _write(
    actor: User | None,
    table: Table,
    rows: list[_Row],
    password: str,
    result: ImportResult,
    filename: str,
) -> None:
    row: _Row | None = None
    initials = {
        id(r): r.password or password or accounts.generate_initial_password(r.username)
        for r in rows
        if r.existing is None
    }
    hashes = accounts.hash_passwords(initials.values())  # the slow part, on every core
    try:
        with db.session.begin_nested():
            for row in rows:
                if row.existing is None:
                    initial = initials[id(row)]
                    _create(actor, row, initial, hashes[initial], result)
                else:
                    _update(actor, row)
                    result.updated += 1
            audit.record(
                actor,
                "users.import",
                None,
                _("批量导入用户：新建 %(c)d 人，更新 %(u)d 人", c=result.created, u=result.updated),
                filename=filename,
                created=result.created,
                updated=result.updated,
                usernames=[r.username for r in rows][:200],
            )
            db.session.flush()
    except DomainError as exc:
        # Every rule was checked above; this is a race (say, the same login name created
        # meanwhile). The savepoint is gone: report the row and count nothing.
        column = _ERROR_COLUMNS.get(exc.field, exc.field)
        result.errors.append(
            ImportIssue(
                row.number if row else None, table.label(column) if column else "", exc.message
            )
        )
        result.created = result.updated = 0
        result.accounts = []


def _create(
    actor: User | None, row: _Row, initial: str, password_hash: str, result: ImportResult
) -> None:
    roles = row.roles or ["cadre"]
    accounts.create_user(
        actor,
        username=row.username,
        name=row.name,
        password=initial,
        rank=row.rank or "other",
        team=row.team,
        email=row.email or "",
        phone=row.phone or "",
        post=row.post or "",
        roles=roles,
        secretary_teams=[row.team] if "secretary" in roles else [],
        must_change_password=True,
        password_hash=password_hash,
    )
    result.created += 1
    result.accounts.append(NewAccount(row.username, row.name, initial))


def _update(actor: User | None, row: _Row) -> None:
    user = row.existing
    assert user is not None
    old_roles, old_team_id = user.roles, user.team_id
    accounts.update_user(
        actor,
        user,
        name=row.name,
        rank=row.rank or user.rank,
        team=row.team,
        email=user.email if row.email is None else row.email,
        phone=user.phone if row.phone is None else row.phone,
        post=row.post,
    )
    roles = set(row.roles) if row.roles else old_roles
    scopes = user.secretary_teams
    # A secretary who moves, or becomes one, oversees their (new) team — and no longer
    # the old one; an unchanged secretary keeps scopes an admin may have added by hand.
    if "secretary" in roles and (
        old_team_id != row.team.id or "secretary" not in old_roles or not scopes
    ):
        scopes = [row.team]
    accounts.set_roles(actor, user, roles, scopes)


# ------------------------------------------------------------------ workbooks to download


def _workbook_bytes(header: list[str], rows: list[list[str]], title: str) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for values in [header, *rows]:
        cells = []
        for value in values:
            cell = openpyxl.cell.WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, never a formula, whatever the value starts with
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def passwords_workbook(new_accounts: list[NewAccount]) -> bytes:
    """The login names and initial passwords of the accounts an import created."""
    return _workbook_bytes(
        [_("登录名"), _("姓名"), _("初始密码")],
        [[a.username, a.name, a.password] for a in new_accounts],
        _("初始密码"),
    )


def template_workbook() -> bytes:
    """An import template: the header row and one example."""
    return _workbook_bytes(
        [
            _("登录名"),
            _("姓名"),
            _("单位"),
            _("职级"),
            _("角色"),
            _("邮箱"),
            _("电话"),
            _("职务"),
            _("初始密码"),
        ],
        [
            [
                "zhangsan01",
                "张三",
                # a unit path of the demo organisation: the template imports into it unchanged
                "示范省委组织部/示范省教育厅/示范省教育厅领导班子",
                "县处级",
                "学员",
                "zhangsan@example.gov.cn",
                "13800000000",
                "办公室主任",
                "",
            ]
        ],
        _("用户"),
    )

"""``flask --app wsgi users …``: bulk import and creating an administrator from the shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.admin import user_import
from app.admin.services import create_account
from app.auth import services as accounts
from app.common.errors import DomainError
from app.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--password",
    default="",
    help="Initial password for new accounts whose row has none (default: one generated per user).",
)
@click.option(
    "--update-existing",
    is_flag=True,
    help="Update accounts whose login name exists (never their password).",
)
@click.option("--dry-run", is_flag=True, help="Check the file only; change nothing.")
@click.option(
    "--passwords-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the new accounts' initial passwords to this .xlsx instead of printing them.",
)
def import_command(
    file: Path, password: str, update_existing: bool, dry_run: bool, passwords_out: Path | None
) -> None:
    """Import users from an .xlsx or .csv FILE: all rows or none."""
    result = user_import.import_users(
        None,
        file.read_bytes(),
        file.name,
        password=password,
        update_existing=update_existing,
        dry_run=dry_run,
    )
    if not result.ok:
        db.session.rollback()
        click.echo(
            _("%(f)s：发现 %(n)d 处问题，没有导入任何数据。", f=file, n=len(result.errors)),
            err=True,
        )
        for issue in result.errors:
            click.echo(_("%(f)s：%(issue)s", f=file, issue=issue), err=True)
        raise SystemExit(1)
    if dry_run:
        db.session.rollback()
        click.echo(
            _(
                "%(f)s：校验通过（未导入），将新建 %(c)d 人，更新 %(u)d 人。",
                f=file,
                c=result.created,
                u=result.updated,
            )
        )
        return
    if passwords_out is not None and result.accounts:
        passwords_out.write_bytes(user_import.passwords_workbook(result.accounts))
    db.session.commit()
    click.echo(
        _(
            "%(f)s：导入完成，新建 %(c)d 人，更新 %(u)d 人。",
            f=file,
            c=result.created,
            u=result.updated,
        )
    )
    if result.accounts:
        if passwords_out is not None:
            click.echo(_("新账号的初始密码已写入 %(p)s。", p=passwords_out))
        else:
            click.echo(_("新账号的初始密码（首次登录须修改）："))
            for account in result.accounts:
                click.echo(f"{account.username}\t{account.name}\t{account.password}")


@users_cli.command("create-admin")
@click.argument("username")
@click.argument("name")
@click.option(
    "--team",
    "team_path",
    default="",
    help="The administrator's team, as a path: 省委组织部/信息中心.",
)
@click.password_option(help="Prompted for when not given.")
def create_admin_command(username: str, name: str, team_path: str, password: str) -> None:
    """Create an administrator account USERNAME with display name NAME."""
    team = None
    if team_path:
        team = accounts.find_team_by_path(team_path)
        if team is None:
            click.echo(_("单位“%(t)s”不存在", t=team_path), err=True)
            raise SystemExit(1)
    try:
        user, _generated = create_account(
            None,
            username=username,
            name=name,
            password=password,
            team=team,
            roles=["admin"],
            must_change_password=False,  # the person at the shell chose it
        )
    except DomainError as exc:
        db.session.rollback()
        click.echo(_("无法创建管理员：%(m)s", m=exc.message), err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(_("已创建管理员 %(u)s（%(n)s）。", u=user.username, n=user.name))

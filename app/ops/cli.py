"""``flask db copy`` (onto Flask-Migrate's ``db`` group) and ``flask backup create|restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_group

from app.courses.services.attachments import storage_dir
from app.extensions import db
from app.ops.backup import create_backup, restore_backup
from app.ops.dbcopy import CopyError, copy_database
from app.quiz.bank.uploads import upload_dir


def file_folders() -> dict[str, Path]:
    """The folders of uploaded files that a backup carries beside the database."""
    return {"attachments": storage_dir(), "uploads": upload_dir()}


@click.command("copy")
@click.option("--from", "source", required=True, help="sqlite:///path/xuekao.db")
@click.option("--to", "target", required=True, help="postgresql://user@host/db (migrated, empty)")
@with_appcontext
def copy_command(source: str, target: str) -> None:
    """Copy every table from one database to another empty one, and verify."""
    try:
        reports = copy_database(source, target, db.metadata, echo=click.echo)
    except CopyError as exc:
        raise click.ClickException(str(exc)) from exc
    for report in reports:
        click.echo(f"verified {report.name}: {report.rows} rows, checksum {report.checksum}")
    click.echo(f"done: {len(reports)} tables, {sum(r.rows for r in reports)} rows")


backup_cli = click.Group("backup", help="Back up and restore the database and uploaded files.")


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_create(directory: Path) -> None:
    """Write xuekao-YYYYmmdd-HHMMSS.tar into DIRECTORY."""
    try:
        path = create_backup(db.engine, db.metadata, file_folders(), directory)
    except CopyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(str(path))


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="overwrite a database that holds rows")
@with_appcontext
def backup_restore(archive: Path, replace: bool) -> None:
    """Restore the database and files from ARCHIVE, then check every table."""
    try:
        manifest = restore_backup(db.engine, db.metadata, file_folders(), archive, replace)
    except CopyError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"restored {archive.name}: {len(manifest['tables'])} tables, {rows} rows verified")


def register(app: Flask) -> None:
    db_group.add_command(copy_command)
    app.cli.add_command(backup_cli)

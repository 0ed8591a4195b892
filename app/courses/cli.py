"""``flask --app wsgi courses import DIR``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.courses.services.importing import CourseImportError, import_directory
from app.extensions import db

courses_cli = AppGroup("courses", help="Courses: import folders of Markdown lessons.")


@courses_cli.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--prune", is_flag=True, help="Delete lessons that are no longer in the folder.")
def import_command(directory: Path, prune: bool):
    """Import the course in DIRECTORY (holding course.md), or every course folder in it.
    Importing again updates what changed and never duplicates."""
    try:
        results = import_directory(None, directory, prune=prune)
    except CourseImportError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    for result in results:
        state = _("新建") if result.created else (_("已更新") if result.updated else _("未变"))
        click.echo(
            _(
                "课程 %(s)s（%(t)s）：%(state)s；章节新增 %(c)d，更新 %(u)d，未变 %(n)d；写入附件 %(f)d",
                s=result.slug,
                t=result.title,
                state=state,
                c=result.lessons_created,
                u=result.lessons_updated,
                n=result.lessons_unchanged,
                f=result.files_written,
            )
        )
        if result.missing:
            click.echo(
                _(
                    "  数据库中有而文件夹中没有的章节（已保留，加 --prune 可删除）：%(l)s",
                    l="、".join(result.missing),
                )
            )
        if result.pruned:
            click.echo(_("  已删除章节：%(l)s", l="、".join(result.pruned)))

"""``flask --app wsgi exams create SPEC``: an exam from a JSON or YAML file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.common.timeutil import format_local
from app.extensions import db
from app.quiz.exams.services import assembly
from app.quiz.exams.services import spec as exam_spec

exams_cli = AppGroup("exams", help="Exams: create from a spec file.")

MAX_SPEC_BYTES = 1024 * 1024


@exams_cli.command("create")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def create_command(spec: Path):
    """Create an exam from SPEC (.yaml, .yml or .json; see docs/exam-spec.md)."""
    raw = spec.read_bytes()[: MAX_SPEC_BYTES + 1]
    if len(raw) > MAX_SPEC_BYTES:
        raise click.ClickException(_("%(f)s：文件过大", f=spec.name))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(_("%(f)s：请使用 UTF-8 编码", f=spec.name)) from None
    try:
        exam = exam_spec.create_from_spec(None, exam_spec.parse(text, spec.name))
    except exam_spec.SpecError as exc:
        db.session.rollback()
        raise click.ClickException(f"{spec.name}: {exc.message}") from None
    db.session.commit()
    summary = assembly.paper_summary(exam)
    click.echo(
        _(
            "已创建考试 %(id)d《%(t)s》（%(s)s）：%(n)d 题，满分 %(m)s，%(a)s — %(b)s",
            id=exam.id,
            t=exam.title,
            s=exam.status,
            n=summary["count"],
            m=format(summary["max_score"].normalize(), "f"),
            a=format_local(exam.opens_at),
            b=format_local(exam.closes_at),
        )
    )

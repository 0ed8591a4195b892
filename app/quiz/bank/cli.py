"""``flask --app wsgi questions import|export``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.exporters import EXPORTERS
from app.quiz.bank.importers import FORMATS
from app.quiz.bank.importers.base import MAX_FILE_BYTES
from app.quiz.bank.services import banks, exporting, importing

PROGRESS_THRESHOLD = 1000
NATIVE_SUFFIXES = (".yaml", ".yml")

questions_cli = AppGroup("questions", help="Question banks: import and export files.")


class _ProgressBar:
    """A click progress bar, shown only when more than ``PROGRESS_THRESHOLD`` questions are
    written (the total is known only once the files are parsed)."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, step: int, total: int) -> None:
        if total <= PROGRESS_THRESHOLD:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=_("写入题目"), file=None)
            self.bar.__enter__()
        self.bar.update(step)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _read(path: Path) -> bytes:
    with path.open("rb") as fh:
        # one byte past the limit is enough for the service to refuse the file
        return fh.read(MAX_FILE_BYTES + 1)


def _files(path: Path) -> list[tuple[str, bytes]]:
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in NATIVE_SUFFIXES)
        return [(p.name, _read(p)) for p in found]
    return [(path.name, _read(path))]


def _print_counts(outcome: importing.ImportOutcome) -> None:
    labels = banks.type_labels()
    by_type = outcome.by_type
    parts = [f"{labels[t]} {by_type[t]}" for t in labels if by_type.get(t)]
    click.echo(
        _("共 %(n)d 道题目：%(parts)s", n=len(outcome.questions), parts="，".join(parts) or "—")
    )


@questions_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--bank", "bank_name", help="Bank name (created when missing).")
@click.option(
    "--format", "fmt", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True
)
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@click.option(
    "--on-duplicate",
    type=click.Choice(importing.ON_DUPLICATE),
    default="skip",
    show_default=True,
    help="A question the bank already has: skip or update it (a later copy inside the file "
    "is skipped either way), or refuse the import on any duplicate.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import every valid question and report the rest, instead of refusing the file.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the skipped report (location, field, reason) to this .xlsx file.",
)
@click.pass_context
def import_command(
    ctx, path: Path, bank_name, fmt, dry_run, on_duplicate, skip_invalid, report_path
):
    """Import FILE, or every .yaml file of a DIRECTORY of native bank files: all or nothing,
    or with --skip-invalid every valid question."""
    files = _files(path)
    bar = _ProgressBar()
    try:
        outcome = importing.import_files(
            None,
            files,
            bank_name=bank_name,
            fmt=fmt,
            dry_run=dry_run,
            on_duplicate=on_duplicate,
            skip_invalid=skip_invalid,
            label=path.name,
            progress=bar,
        )
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    finally:
        bar.close()
    db.session.commit()

    click.echo(
        _(
            "文件：%(f)s（%(fmt)s）  题库：%(b)s",
            f=str(path),
            fmt=outcome.format,
            b=outcome.bank_name,
        )
    )
    _print_counts(outcome)
    for note in outcome.notes:
        click.echo(_("提示：%(note)s", note=note))
    if outcome.skipped_issues:
        click.echo(
            _("跳过报告：%(n)d 处问题，对应的题目没有导入", n=len(outcome.skipped_issues)),
            err=True,
        )
        for issue in outcome.skipped_issues:
            click.echo(f"  {issue}", err=True)
    if report_path is not None and outcome.batch is not None:
        report_path.write_bytes(importing.skipped_report_xlsx(outcome.batch))
        click.echo(_("跳过报告已写入 %(p)s", p=str(report_path)))
    if not outcome.accepted:
        click.echo(
            _(
                "%(f)s 被拒绝：共 %(n)d 处错误，没有写入任何题目。",
                f=path.name,
                n=len(outcome.errors),
            ),
            err=True,
        )
        for issue in outcome.errors:
            click.echo(f"  {issue}", err=True)
        if outcome.skippable and not skip_invalid:
            click.echo(
                _(
                    "其中 %(n)d 道题目有效：加上 --skip-invalid 可只导入有效的题目",
                    n=len(outcome.questions),
                ),
                err=True,
            )
        ctx.exit(1)
    if dry_run:
        click.echo(
            _(
                "试运行（未写入）：将新增 %(c)d，更新 %(u)d，跳过 %(s)d",
                c=outcome.created,
                u=outcome.updated,
                s=outcome.skipped,
            )
        )
    else:
        click.echo(
            _(
                "已导入：新增 %(c)d，更新 %(u)d，跳过 %(s)d",
                c=outcome.created,
                u=outcome.updated,
                s=outcome.skipped,
            )
        )


@questions_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--bank", "bank_name", help="Bank name (needed when there are several).")
@click.option(
    "--format", "fmt", type=click.Choice(list(EXPORTERS)), help="Default: from the extension."
)
@click.option("--include-retired", is_flag=True, help="Also export retired questions.")
def export_command(path: Path, bank_name, fmt, include_retired):
    """Export a bank to FILE (xlsx, GIFT, Moodle XML or the native YAML)."""
    fmt = fmt or exporting.format_for_filename(path.name)
    if fmt is None:
        raise click.ClickException(
            _("无法从文件名 %(f)s 判断格式，请用 --format 指定", f=path.name)
        )
    if bank_name:
        bank = banks.find_bank(bank_name)
        if bank is None:
            raise click.ClickException(_("没有名为“%(n)s”的题库", n=bank_name))
    else:
        every = banks.all_banks()
        if len(every) != 1:
            names = "、".join(b.name for b in every) or "—"
            raise click.ClickException(_("请用 --bank 指定题库（现有：%(n)s）", n=names))
        bank = every[0]
    try:
        data, _name, _mimetype = exporting.export_bank(bank, fmt, include_retired=include_retired)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    path.write_bytes(data)
    click.echo(_("已导出题库 %(b)s 到 %(f)s（%(n)d 字节）", b=bank.name, f=str(path), n=len(data)))

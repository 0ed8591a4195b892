"""Import: upload → preview (a dry run: counts, the first questions as they will appear,
every error) → confirm → the batch's result; and the import history."""

from __future__ import annotations

import io
from pathlib import Path, PurePath

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.forms import form_error, select_choices
from app.common.pagination import paginate
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.bank import uploads
from app.quiz.bank.forms import ImportForm
from app.quiz.bank.importers import FORMATS
from app.quiz.bank.importers.base import MAX_FILE_BYTES, ImportRejected, check_size
from app.quiz.bank.models import ImportBatch
from app.quiz.bank.services import banks, importing
from app.quiz.bank.views._helpers import get_or_404
from app.quiz.bank.views.blueprint import bp

PREVIEW_COUNT = 10
# the import templates shipped with the project (question_bank/templates/make_template.py)
TEMPLATE_DIR = Path(__file__).resolve().parents[4] / "question_bank" / "templates"
TEMPLATES = ("题库导入模板.xlsx", "题库导入示例.xlsx")


def format_labels() -> dict[str, str]:
    return {
        "auto": _("自动识别"),
        "xlsx": _("Excel（.xlsx）"),
        "csv": _("CSV"),
        "docx": _("Word（.docx）"),
        "txt": _("文本（.txt）"),
        "aiken": _("Aiken"),
        "gift": _("GIFT"),
        "moodle-xml": _("Moodle XML"),
        "native": _("本平台题库格式（YAML）"),
    }


def _form() -> ImportForm:
    form = ImportForm()
    form.bank.choices = select_choices(
        ((str(b.id), b.name) for b in banks.all_banks()),
        blank=_("（文件中写明的题库，或下面新建的题库）"),
    )
    labels = format_labels()
    form.format.choices = select_choices((f, labels.get(f, f)) for f in ("auto", *FORMATS))
    return form


def _bank_name(form: ImportForm) -> str | None:
    if form.new_bank.data and form.new_bank.data.strip():
        return form.new_bank.data.strip()
    if form.bank.data:
        return next((c.label for c in form.bank.choices if c.value == form.bank.data), None)
    return None


def _filename(raw: str | None) -> str:
    # browsers may send a full path; only the last part names the file
    name = PurePath((raw or "").replace("\\", "/")).name
    return name[:255] or "upload"


@bp.route("/import/templates/<name>")
@role_required("admin")
def import_template(name: str):
    if name not in TEMPLATES or not (TEMPLATE_DIR / name).is_file():
        abort(404)
    return send_file(TEMPLATE_DIR / name, as_attachment=True, download_name=name)


@bp.route("/import", methods=["GET", "POST"])
@role_required("admin")
def import_upload():
    form = _form()
    if not form.validate_on_submit():
        return render_template("bank/import_form.html", form=form)
    data = form.file.data.read(MAX_FILE_BYTES + 1)
    try:
        check_size(data)
    except ImportRejected as exc:
        form.file.errors.append(exc.message)
        return render_template("bank/import_form.html", form=form)
    filename = _filename(form.file.data.filename)
    options = {
        "bank_name": _bank_name(form),
        "fmt": form.format.data,
        "on_duplicate": form.on_duplicate.data,
        "skip_invalid": bool(form.skip_invalid.data),
    }
    try:
        outcome = importing.import_file(current_user, data, filename, dry_run=True, **options)
    except DomainError as exc:
        form_error(form, exc, "file")
        return render_template("bank/import_form.html", form=form)
    db.session.commit()  # the dry run's ImportBatch
    token = None
    # a refused file whose valid questions could be imported is kept too: the preview
    # offers the skip-invalid checkbox
    if outcome.accepted or outcome.skippable:
        token = uploads.keep(data, {"user_id": current_user.id, "filename": filename, **options})
    return render_template(
        "bank/import_preview.html",
        outcome=outcome,
        token=token,
        form=form,
        sample=outcome.questions[:PREVIEW_COUNT],
        existing_bank=banks.find_bank(outcome.bank_name) if outcome.bank_name else None,
        format_labels=format_labels(),
    )


@bp.route("/import/<token>", methods=["POST"])
@role_required("admin")
def import_confirm(token: str):
    kept = uploads.load(token, current_user.id)
    if kept is None:
        abort(404)
    data, meta = kept
    try:
        outcome = importing.import_file(
            current_user,
            data,
            meta["filename"],
            bank_name=meta.get("bank_name"),
            fmt=meta.get("fmt", "auto"),
            on_duplicate=meta.get("on_duplicate", "skip"),
            skip_invalid=bool(meta.get("skip_invalid")) or request.form.get("skip_invalid") == "1",
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("quiz_admin.import_upload"))
    db.session.commit()
    uploads.discard(token)
    if outcome.accepted:
        flash(
            _(
                "导入完成：新增 %(c)d 道，更新 %(u)d 道，跳过 %(s)d 道",
                c=outcome.created,
                u=outcome.updated,
                s=outcome.skipped,
            ),
            "success",
        )
        if outcome.skipped_issues:
            flash(
                _("有 %(n)d 处问题的题目没有导入，见跳过报告", n=len(outcome.skipped_issues)),
                "warning",
            )
    else:
        # the bank changed since the preview (e.g. someone else imported the same file)
        flash(_("导入被拒绝，没有写入任何题目，请查看错误"), "danger")
    return redirect(url_for("quiz_admin.import_batch", batch_id=outcome.batch.id))


@bp.route("/imports")
@role_required("admin")
def imports():
    pagination = paginate(importing.recent_batches())
    return render_template(
        "bank/imports.html",
        pagination=pagination,
        format_labels=format_labels(),
        pending=uploads.pending(current_user.id),
    )


@bp.route("/imports/<int:batch_id>")
@role_required("admin")
def import_batch(batch_id: int):
    batch = get_or_404(ImportBatch, batch_id)
    return render_template("bank/import_batch.html", batch=batch, format_labels=format_labels())


@bp.route("/imports/<int:batch_id>/skipped.xlsx")
@role_required("admin")
def import_skipped_report(batch_id: int):
    batch = get_or_404(ImportBatch, batch_id)
    data = importing.skipped_report_xlsx(batch)
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"skipped-{batch.id}.xlsx",
    )

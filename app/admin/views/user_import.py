"""Bulk user import: upload → every error with its row and column, or a summary with the
new accounts' initial passwords (shown once, downloadable as .xlsx)."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import user_import
from app.admin.forms import UserImportForm
from app.admin.import_table import size_label
from app.admin.views.blueprint import bp
from app.common.permissions import role_required
from app.extensions import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_DOWNLOAD_ACCOUNTS = 200_000
MAX_ERRORS_SHOWN = 500  # a garbage file can have one error per row; the CLI lists them all


@bp.route("/users/import", methods=["GET", "POST"])
@role_required("admin")
def import_users():
    form = UserImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        # One byte past the limit is enough for the service to say the file is too big.
        data = upload.read(current_app.config["USER_IMPORT_MAX_BYTES"] + 1)
        filename = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        result = user_import.import_users(
            current_user,
            data,
            filename,
            password=form.password.data or "",
            update_existing=form.update_existing.data,
            dry_run=form.dry_run.data,
        )
        if result.ok and not result.dry_run:
            db.session.commit()
        else:
            db.session.rollback()
    # Passwords go back to the browser in this page only (no-store); never in the session.
    accounts_json = (
        json.dumps([[a.username, a.name, a.password] for a in result.accounts], ensure_ascii=False)
        if result and result.ok and result.accounts
        else ""
    )
    return render_template(
        "admin/user_import.html",
        form=form,
        result=result,
        accounts_json=accounts_json,
        max_errors_shown=MAX_ERRORS_SHOWN,
        max_size=size_label(current_app.config["USER_IMPORT_MAX_BYTES"]),
    )


def _posted_accounts() -> list[user_import.NewAccount]:
    try:
        rows = json.loads(request.form.get("accounts") or "[]")
    except ValueError:
        return []
    if not isinstance(rows, list) or len(rows) > MAX_DOWNLOAD_ACCOUNTS:
        return []
    accounts = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 3 and all(isinstance(v, str) for v in row)):
            return []
        accounts.append(user_import.NewAccount(*row))
    return accounts


def _xlsx_response(content: bytes, filename: str) -> Response:
    response = Response(content, mimetype=XLSX)
    # RFC 6266: an ASCII fallback, then the real (Chinese) name for every current browser
    response.headers["Content-Disposition"] = (
        f"attachment; filename=download.xlsx; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/users/import/passwords.xlsx", methods=["POST"])
@role_required("admin")
def import_passwords():
    """The result page posts back what it shows: the server keeps no copy of the passwords."""
    accounts = _posted_accounts()
    if not accounts:
        flash(_("没有可下载的初始密码"), "warning")
        return redirect(url_for("admin.import_users"))
    return _xlsx_response(user_import.passwords_workbook(accounts), _("初始密码") + ".xlsx")


@bp.route("/users/import/template.xlsx")
@role_required("admin")
def import_template():
    return _xlsx_response(user_import.template_workbook(), _("用户导入模板") + ".xlsx")

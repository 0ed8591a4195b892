"""政治素质档案: one cadre's political-quality file. Administrators and assessors in scope
open it, giving a reason; every opening is audit-logged with who and why."""

from __future__ import annotations

from flask import abort, render_template, request, send_file
from flask_login import current_user

from app.auth.models import User
from app.common import audit
from app.common.permissions import role_required
from app.evaluation import policy
from app.evaluation.export import file_workbook
from app.evaluation.services import files
from app.evaluation.views._helpers import get_or_404
from app.evaluation.views.blueprint import (
    bp,
    purpose_labels,
    rectification_status_labels,
    talk_kind_labels,
)
from app.extensions import db


def _opened(user_id: int, how: str):
    """The cadre and the reason, with the opening audit-logged; (cadre, "") asks for a reason."""
    cadre = get_or_404(User, user_id)
    if not policy.can_open_file(current_user, cadre):
        abort(403)
    reason = (request.args.get("reason") or "").strip()[:200]
    if reason:
        audit.record(current_user, "evaluation.file.open", cadre, reason, reason=reason, how=how)
        db.session.commit()
    return cadre, reason


@bp.route("/files/<int:user_id>.xlsx")
@role_required("admin", "assessor")
def political_file_export(user_id: int):
    cadre, reason = _opened(user_id, "xlsx")
    if not reason:
        return render_template("evaluation/file_reason.html", cadre=cadre)
    labels = {
        "purpose": purpose_labels(),
        "rectification": rectification_status_labels(),
        "talk": talk_kind_labels(),
    }
    return send_file(
        file_workbook(cadre, files.political_file(cadre), labels),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"political-file-{cadre.id}.xlsx",
    )


@bp.route("/files/<int:user_id>")
@role_required("admin", "assessor")
def political_file(user_id: int):
    cadre, reason = _opened(user_id, "page")
    if not reason:
        return render_template("evaluation/file_reason.html", cadre=cadre)
    return render_template(
        "evaluation/file.html",
        cadre=cadre,
        reason=reason,
        file=files.political_file(cadre),
        print_view=request.args.get("print") == "1",
    )

"""政治素质档案: one cadre's political-quality file. Administrators and assessors in scope
open it, giving a reason; every opening is audit-logged with who and why."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from app.auth.models import User
from app.common import audit
from app.common.permissions import role_required
from app.evaluation import policy
from app.evaluation.services import files
from app.evaluation.views._helpers import get_or_404
from app.evaluation.views.blueprint import bp
from app.extensions import db


@bp.route("/files/<int:user_id>")
@role_required("admin", "assessor")
def political_file(user_id: int):
    cadre = get_or_404(User, user_id)
    if not policy.can_open_file(current_user, cadre):
        abort(403)
    reason = (request.args.get("reason") or "").strip()[:200]
    if not reason:
        return render_template("evaluation/file_reason.html", cadre=cadre)
    audit.record(current_user, "evaluation.file.open", cadre, reason, reason=reason)
    db.session.commit()
    return render_template(
        "evaluation/file.html",
        cadre=cadre,
        reason=reason,
        file=files.political_file(cadre),
        print_view=request.args.get("print") == "1",
    )

"""The audit log: who did what to which object, filtered and paged."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import false

from app.admin import audit_labels, services
from app.admin.forms import AuditFilterForm
from app.admin.views.blueprint import bp
from app.auth import services as accounts
from app.common.audit import AuditLog
from app.common.forms import select_choices
from app.common.permissions import role_required
from app.extensions import db


def _object_url(entry: AuditLog) -> str | None:
    if not entry.object_id.isdigit():
        return None
    if entry.object_type == "user":
        return url_for("admin.edit_user", user_id=int(entry.object_id))
    if entry.object_type == "team":
        return url_for("admin.edit_team", team_id=int(entry.object_id))
    return None


@bp.route("/audit")
@role_required("admin")
def audit_log():
    form = AuditFilterForm(request.args)
    form.object_type.choices = select_choices(
        ((t, audit_labels.object_label(t)) for t in services.audit_object_types()),
        blank=_("全部"),
    )
    form.validate()
    actor = None
    if form.actor.data:
        actor = accounts.find_user(form.actor.data.strip())
        if actor is None:
            form.actor.errors = [_("没有登录名为“%(u)s”的用户", u=form.actor.data.strip())]
    query = services.search_audit(
        actor=actor,
        action=form.action.data or "",
        object_type=form.object_type.data or "",
        object_id=form.object_id.data or "",
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None,
    )
    if form.actor.data and actor is None:
        query = query.where(false())
    pagination = db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "admin/audit.html",
        form=form,
        pagination=pagination,
        object_url=_object_url,
        details=audit_labels.details,
        action_label=audit_labels.action_label,
        object_label=audit_labels.object_label,
    )

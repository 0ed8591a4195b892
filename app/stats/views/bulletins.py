"""结果通报 pages: the list, generating (admin), the printable page, the xlsx, withdrawing."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.models import Team
from app.auth.services import teams_in_scope
from app.common.errors import DomainError
from app.common.permissions import login_required, role_required
from app.extensions import db
from app.notify.services import notify
from app.stats import bulletins as service
from app.stats import dashboard
from app.stats.models import Bulletin
from app.stats.views.blueprint import bp
from app.stats.views.exports import export_response


def _bulletin_or_404(bulletin_id: int) -> Bulletin:
    bulletin = db.session.get(Bulletin, bulletin_id)
    if bulletin is None:
        abort(404)
    if not service.can_view(bulletin, current_user):
        abort(403)
    return bulletin


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


@bp.route("/stats/bulletins/")
@login_required
def bulletins():
    return render_template(
        "stats/bulletins.html", bulletins=service.visible_bulletins(current_user)
    )


@bp.route("/stats/bulletins/new", methods=["GET", "POST"])
@role_required("admin")
def new_bulletin():
    period = dashboard.default_period()
    errors: dict[str, str] = {}
    if request.method == "POST":
        ids = request.form.getlist("teams", type=int)
        teams = [t for t in (db.session.get(Team, i) for i in ids) if t is not None]
        try:
            bulletin = service.generate(
                current_user,
                title=request.form.get("title", ""),
                start=_date("start"),
                end=_date("end"),
                teams=teams,
                commentary=request.form.get("commentary", ""),
            )
        except DomainError as error:
            errors[error.field or "form"] = error.message
        else:
            link = url_for("stats.bulletin", bulletin_id=bulletin.id)
            for user in service.audience(bulletin):
                notify(user, _l("新的结果通报：%(t)s", t=bulletin.title), link)
            db.session.commit()
            flash(_("结果通报已发布"), "success")
            return redirect(url_for("stats.bulletin", bulletin_id=bulletin.id))
    return render_template(
        "stats/bulletin_form.html",
        period=period,
        teams=teams_in_scope(current_user),
        errors=errors,
        form=request.form,
    ), (422 if errors else 200)


@bp.route("/stats/bulletins/<int:bulletin_id>")
@login_required
def bulletin(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    return render_template(
        "stats/bulletin.html", bulletin=bulletin, tables=service.tables(bulletin)
    )


@bp.route("/stats/bulletins/<int:bulletin_id>.<fmt>")
@login_required
def bulletin_export(bulletin_id: int, fmt: str):
    bulletin = _bulletin_or_404(bulletin_id)
    return export_response(service.tables(bulletin), fmt, f"bulletin-{bulletin.id}")


@bp.route("/stats/bulletins/<int:bulletin_id>/withdraw", methods=["POST"])
@role_required("admin")
def withdraw_bulletin(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    try:
        service.withdraw(current_user, bulletin, request.form.get("reason", ""))
    except DomainError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("结果通报已撤回"), "success")
    return redirect(url_for("stats.bulletin", bulletin_id=bulletin.id))

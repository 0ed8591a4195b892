"""Teams (单位): the tree with member counts, create, edit (moving = a new parent),
deactivate and activate."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import services
from app.admin.forms import TeamForm
from app.admin.views._helpers import back_to, team_from_choice, team_or_404
from app.admin.views.blueprint import bp
from app.auth import services as accounts
from app.auth.choices import team_choices
from app.auth.models import Team
from app.common.errors import DomainError
from app.common.forms import form_error
from app.common.permissions import role_required
from app.extensions import db


@bp.route("/teams")
@role_required("admin")
def teams():
    tree = accounts.team_tree()
    return render_template("admin/teams.html", teams=tree, counts=services.team_member_counts(tree))


def _parent_choices(form: TeamForm, team: Team | None) -> None:
    """Any team but this one and its subtree (a team cannot sit under itself)."""
    tree = [t for t in accounts.team_tree() if team is None or not t.is_within(team)]
    keep = {team.parent_id} if team is not None and team.parent_id else set()
    form.parent.choices = team_choices(tree, blank=_("（无，作为顶级单位）"), keep=keep)


@bp.route("/teams/new", methods=["GET", "POST"])
@role_required("admin")
def create_team():
    form = TeamForm()
    if request.method == "GET" and request.args.get("parent", "").isdigit():
        form.parent.data = request.args["parent"]
    _parent_choices(form, None)
    if form.validate_on_submit():
        try:
            team = accounts.create_team(
                current_user,
                name=form.name.data,
                parent=team_from_choice(form.parent.data),
                kind=form.kind.data,
                sort_order=form.sort_order.data or 0,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("已创建单位 %(t)s", t=team.full_name), "success")
            return redirect(url_for("admin.teams"))
    return render_template("admin/team_form.html", form=form, team=None)


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_team(team_id: int):
    team = team_or_404(team_id)
    form = TeamForm(
        data={
            "name": team.name,
            "parent": str(team.parent_id or ""),
            "kind": team.kind,
            "sort_order": team.sort_order,
        }
    )
    _parent_choices(form, team)
    if form.validate_on_submit():
        try:
            accounts.update_team(
                current_user,
                team,
                name=form.name.data,
                parent=team_from_choice(form.parent.data),
                kind=form.kind.data,
                sort_order=form.sort_order.data or 0,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("已保存单位 %(t)s", t=team.full_name), "success")
            return redirect(url_for("admin.teams"))
    return render_template("admin/team_form.html", form=form, team=team)


def _set_active(team_id: int, active: bool):
    team = team_or_404(team_id)
    try:
        accounts.set_team_active(current_user, team, active)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        if active:
            flash(_("已启用单位 %(t)s", t=team.full_name), "success")
        else:
            flash(_("已停用单位 %(t)s", t=team.full_name), "success")
    return redirect(back_to("admin.teams"))


@bp.route("/teams/<int:team_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_team(team_id: int):
    return _set_active(team_id, False)


@bp.route("/teams/<int:team_id>/activate", methods=["POST"])
@role_required("admin")
def activate_team(team_id: int):
    return _set_active(team_id, True)

"""Users: list with filters, create, edit (profile, team, roles, scopes, active), reset the
password, deactivate and activate."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import services
from app.admin.forms import (
    ResetPasswordForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from app.admin.views._helpers import (
    back_to,
    team_from_choice,
    teams_from_choices,
    user_or_404,
)
from app.admin.views.blueprint import bp
from app.auth import services as accounts
from app.auth.choices import team_choices
from app.auth.models import RANKS, ROLES, User
from app.common.errors import DomainError
from app.common.forms import form_error
from app.common.permissions import role_required
from app.extensions import db


@bp.route("/users")
@role_required("admin")
def users():
    teams = accounts.team_tree()
    form = UserFilterForm(request.args)
    form.team.choices = team_choices(teams, blank=_("全部单位"), keep={t.id for t in teams})
    form.validate()
    query = services.search_users(
        q=form.q.data or "",
        team=team_from_choice(form.team.data),
        role=form.role.data if form.role.data in ROLES else "",
        rank=form.rank.data if form.rank.data in RANKS else "",
        active={"1": True, "0": False}.get(form.active.data or ""),
    )
    pagination = db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("admin/users.html", form=form, pagination=pagination)


def _fill_choices(form: UserCreateForm | UserEditForm, user: User | None = None) -> None:
    teams = accounts.team_tree()
    keep = {user.team_id} | {s.team_id for s in user.scope_rows} if user else set()
    form.team.choices = team_choices(teams, blank=_("（无）"), keep=keep)
    form.secretary_teams.choices = team_choices(teams, keep=keep)


def _profile(form: UserCreateForm | UserEditForm) -> dict:
    return {
        "name": form.name.data,
        "rank": form.rank.data,
        "team": team_from_choice(form.team.data),
        "email": form.email.data or "",
        "phone": form.phone.data or "",
        "roles": form.roles.data or [],
        "secretary_teams": teams_from_choices(form.secretary_teams.data),
    }


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def create_user():
    form = UserCreateForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            user, generated = services.create_account(
                current_user,
                username=form.username.data,
                password=form.password.data or "",
                **_profile(form),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            db.session.commit()
            if generated:
                return render_template(
                    "admin/password_shown.html", user=user, password=generated, created=True
                )
            flash(_("已创建用户 %(u)s，首次登录时须修改密码", u=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    user = user_or_404(user_id)
    form = UserEditForm(
        data={
            "name": user.name,
            "rank": user.rank,
            "email": user.email,
            "phone": user.phone,
            "team": str(user.team_id or ""),
            "roles": sorted(user.roles),
            "active": user.active,
            "secretary_teams": [str(s.team_id) for s in user.scope_rows],
        }
    )
    _fill_choices(form, user)
    if form.validate_on_submit():
        try:
            services.save_account(current_user, user, active=form.active.data, **_profile(form))
        except DomainError as exc:
            form_error(form, exc, default_field="active")
        else:
            db.session.commit()
            flash(_("已保存用户 %(u)s", u=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@role_required("admin")
def reset_password(user_id: int):
    user = user_or_404(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            generated = services.reset_account_password(
                current_user, user, form.password.data or ""
            )
        except DomainError as exc:
            form_error(form, exc, default_field="password")
        else:
            db.session.commit()
            if generated:
                return render_template(
                    "admin/password_shown.html", user=user, password=generated, created=False
                )
            flash(_("已重置 %(u)s 的密码，下次登录时须修改", u=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/reset_password.html", form=form, user=user)


def _set_active(user_id: int, active: bool):
    user = user_or_404(user_id)
    try:
        accounts.set_active(current_user, user, active)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        if active:
            flash(_("已启用 %(u)s", u=user.username), "success")
        else:
            flash(_("已停用 %(u)s", u=user.username), "success")
    return redirect(back_to("admin.edit_user", user_id=user_id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_user(user_id: int):
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@role_required("admin")
def activate_user(user_id: int):
    return _set_active(user_id, True)

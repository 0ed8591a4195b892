"""学习计划备案 pages: the team's plan (the secretary edits and files it, sees its history),
and the administrators' overview of who has filed, where they acknowledge or return plans."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Team
from app.checkin import policy
from app.checkin.forms import PlanItemForm, ReasonForm, ReviewForm
from app.checkin.models import SESSION_KINDS, StudyPlan, StudyPlanItem
from app.checkin.services import materials, plans
from app.checkin.services.base import CheckinError, kind_labels, plan_due_date
from app.checkin.views._helpers import (
    act,
    chosen_user,
    flash_form_errors,
    get_or_404,
    lesson_choices,
    managed,
    member_choices,
    this_year,
)
from app.checkin.views.blueprint import bp
from app.common.forms import form_error, select_choices
from app.common.permissions import role_required
from app.extensions import db


def _year() -> int:
    year = request.args.get("year", type=int) or this_year()
    if not 2000 <= year <= 2100:
        abort(404)
    return year


def _item_form(team: Team, item: StudyPlanItem | None = None) -> PlanItemForm:
    form = PlanItemForm(obj=None)
    labels = kind_labels()
    form.kind.choices = select_choices((k, labels[k]) for k in SESSION_KINDS)
    form.lead_user.choices = select_choices(member_choices(team, blank=_("（未定）")))
    form.lessons.choices = lesson_choices(item.lessons if item is not None else ())
    if item is not None and request.method == "GET":
        form.month.data = str(item.month)
        form.topic.data = item.topic
        form.kind.data = item.kind
        form.lead_user.data = str(item.lead_user_id or "")
        form.materials.data = item.materials
        form.lessons.data = [str(lesson.id) for lesson in item.lessons]
    return form


def _fields(form: PlanItemForm) -> plans.ItemFields:
    return plans.ItemFields(
        month=int(form.month.data or 0),
        topic=form.topic.data or "",
        materials=form.materials.data or "",
        lead_user=chosen_user(form.lead_user.data),
        kind=form.kind.data or "",
        lesson_ids=tuple(form.lessons.data or ()),
    )


def _plan_page(team: Team, year: int, form: PlanItemForm | None = None):
    plan = plans.plan_for(team, year)
    can_edit = policy.can_manage(current_user, team)
    return render_template(
        "checkin/plan.html",
        team=team,
        year=year,
        plan=plan,
        due=plan_due_date(year),
        can_edit=can_edit,
        can_review=policy.can_review_plans(current_user) and plan is not None,
        form=form or (_item_form(team) if can_edit else None),
        lesson_links=lambda lessons: materials.lesson_links(current_user, lessons),
    )


@bp.route("/teams/<int:team_id>/plan")
@role_required("secretary", "admin")
def team_plan(team_id: int):
    team = get_or_404(Team, team_id)
    if not (policy.can_manage(current_user, team) or policy.can_review_plans(current_user)):
        abort(403)
    return _plan_page(team, _year())


@bp.route("/teams/<int:team_id>/plan/items", methods=["POST"])
@role_required("secretary")
def add_plan_item(team_id: int):
    team = managed(get_or_404(Team, team_id))
    year = _year()
    form = _item_form(team)
    if form.validate_on_submit():
        try:
            plan = plans.open_plan(current_user, team, year)
            plans.add_item(current_user, plan, _fields(form), reason=form.reason.data or "")
        except CheckinError as exc:
            form_error(form, exc, "topic")
        else:
            db.session.commit()
            flash(_("已添加学习安排"), "success")
            return redirect(url_for("checkin.team_plan", team_id=team.id, year=year))
    return _plan_page(team, year, form)


@bp.route("/plan-items/<int:item_id>/edit", methods=["GET", "POST"])
@role_required("secretary")
def edit_plan_item(item_id: int):
    item = get_or_404(StudyPlanItem, item_id)
    team = managed(item.plan.team)
    form = _item_form(team, item)
    if form.validate_on_submit():
        try:
            plans.update_item(current_user, item, _fields(form), reason=form.reason.data or "")
        except CheckinError as exc:
            form_error(form, exc, "topic")
        else:
            db.session.commit()
            flash(_("已保存学习安排"), "success")
            return redirect(url_for("checkin.team_plan", team_id=team.id, year=item.plan.year))
    return render_template("checkin/plan_item_form.html", item=item, team=team, form=form)


@bp.route("/plan-items/<int:item_id>/delete", methods=["POST"])
@role_required("secretary")
def remove_plan_item(item_id: int):
    item = get_or_404(StudyPlanItem, item_id)
    plan = item.plan
    team = managed(plan.team)
    form = ReasonForm()
    act(
        form,
        lambda: plans.remove_item(current_user, item, reason=form.reason.data or ""),
        _("已删除学习安排"),
    )
    return redirect(url_for("checkin.team_plan", team_id=team.id, year=plan.year))


@bp.route("/plans/<int:plan_id>/file", methods=["POST"])
@role_required("secretary")
def file_plan(plan_id: int):
    plan = get_or_404(StudyPlan, plan_id)
    managed(plan.team)
    try:
        plans.file_plan(current_user, plan)
    except CheckinError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("学习计划已报送备案"), "success")
    return redirect(url_for("checkin.team_plan", team_id=plan.team_id, year=plan.year))


def _review(plan_id: int, action):
    plan = get_or_404(StudyPlan, plan_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            message = action(plan, form.text.data or "")
        except CheckinError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(message, "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("checkin.team_plan", team_id=plan.team_id, year=plan.year))


@bp.route("/plans/<int:plan_id>/acknowledge", methods=["POST"])
@role_required("admin")
def acknowledge_plan(plan_id: int):
    def action(plan, text):
        plans.acknowledge(current_user, plan, comment=text)
        return _("已确认 %(t)s 的学习计划备案", t=plan.team.name)

    return _review(plan_id, action)


@bp.route("/plans/<int:plan_id>/return", methods=["POST"])
@role_required("admin")
def return_plan(plan_id: int):
    def action(plan, text):
        plans.return_plan(current_user, plan, reason=text)
        return _("已将 %(t)s 的学习计划退回修改", t=plan.team.name)

    return _review(plan_id, action)


@bp.route("/plans")
@role_required("admin")
def plans_overview():
    year = _year()
    rows = plans.filing_overview(year)
    return render_template(
        "checkin/plans_overview.html",
        year=year,
        rows=rows,
        due=plan_due_date(year),
        filed=sum(1 for r in rows if r.plan is not None and r.plan.status in plans.FILED),
        overdue=sum(1 for r in rows if r.overdue),
    )

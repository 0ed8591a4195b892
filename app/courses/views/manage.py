"""Secretaries and administrators: assign courses, withdraw assignments, follow a team's
progress per course."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.auth.choices import team_choices
from app.auth.models import RANKS, Team
from app.auth.services import find_people, find_user, rank_labels, teams_in_scope
from app.common.errors import DomainError
from app.common.forms import form_error, select_choices
from app.common.permissions import role_required
from app.courses import policy
from app.courses.forms import AssignmentForm
from app.courses.models import ASSIGNMENT_KINDS, Assignment, Course
from app.courses.services import assignments as assigning
from app.courses.views._helpers import check_visible, get_or_404
from app.courses.views.blueprint import bp
from app.extensions import db


@bp.route("/manage/")
@role_required("secretary", "admin")
def manage_index():
    courses = list(
        db.session.scalars(
            select(Course)
            .where(
                Course.id.in_(policy.visible_course_ids(current_user)),
                Course.published.is_(True),
            )
            .order_by(Course.sort_order, Course.id)
        )
    )
    return render_template(
        "courses/manage.html", courses=courses, teams=teams_in_scope(current_user)
    )


def _assignment_form(course: Course) -> AssignmentForm:
    form = AssignmentForm()
    labels = assigning.kind_labels()
    form.kind.choices = select_choices((k, labels[k]) for k in ASSIGNMENT_KINDS)
    ranks = rank_labels()
    form.rank.choices = select_choices(((r, ranks[r]) for r in RANKS), blank=_("（不限职级）"))
    blank = _("（全部单位）") if current_user.is_admin else _("（请选择）")
    form.team.choices = team_choices(teams_in_scope(current_user), blank=blank)
    return form


def _named_person(form: AssignmentForm):
    """The one person the form names: by login name or name, among the people of the
    units the assigner oversees; namesakes are listed with their units to pick from."""
    text = (form.username.data or "").strip()
    if not text:
        raise DomainError(_("请填写学员姓名或登录名"), "username")
    found = find_people(text, None if current_user.is_admin else teams_in_scope(current_user))
    picked = next((u for u in found if str(u.id) == (form.person.data or "")), None)
    if picked is not None or len(found) == 1:
        return picked or found[0]
    if not found and (outsider := find_user(text)) is not None:
        return outsider  # a login name outside the scope: the service says why it is refused
    if not found:
        raise DomainError(_("您负责的单位中没有姓名或登录名为“%(u)s”的学员", u=text), "username")
    form.person.choices = [
        (str(u.id), f"{u.name} · {u.team.full_name if u.team else _('（无单位）')} · {u.username}")
        for u in found
    ]
    raise DomainError(
        ngettext(
            "有 %(num)d 位学员与“%(u)s”相符，请选定一位",
            "有 %(num)d 位学员与“%(u)s”相符，请选定一位",
            len(found),
            u=text,
        ),
        "person",
    )


def _target(form: AssignmentForm) -> dict:
    """The audience the form describes, as ``create_assignment`` takes it."""
    team = db.session.get(Team, int(form.team.data)) if (form.team.data or "").isdigit() else None
    if form.target.data == "user":
        return {"user": _named_person(form)}
    if form.target.data == "rank":
        if not form.rank.data:
            raise DomainError(_("请选择职级"), "rank")
        return {"team": team, "rank": form.rank.data}
    if team is None:
        raise DomainError(_("请选择单位"), "team")
    return {"team": team, "rank": form.rank.data or None}


@bp.route("/manage/<int:course_id>/assignments", methods=["GET", "POST"])
@role_required("secretary", "admin")
def assignments(course_id: int):
    course = check_visible(get_or_404(Course, course_id))
    if not policy.can_manage_assignments(current_user, course):
        abort(403)
    form = _assignment_form(course)
    if form.validate_on_submit():
        try:
            assigning.create_assignment(
                current_user,
                course,
                kind=form.kind.data,
                due_on=form.due_on.data,
                required=form.required.data,
                note=form.note.data or "",
                **_target(form),
            )
        except DomainError as exc:
            form_error(form, exc, "team")
        else:
            db.session.commit()
            flash(_("已布置课程 %(c)s", c=course.title), "success")
            return redirect(url_for("courses.assignments", course_id=course.id))
    return render_template(
        "courses/assignments.html",
        course=course,
        form=form,
        rows=assigning.assignments_for_course(current_user, course),
        can_withdraw=lambda a: assigning.can_withdraw(current_user, a),
    )


@bp.route("/manage/assignments/<int:assignment_id>/withdraw", methods=["POST"])
@role_required("secretary", "admin")
def withdraw(assignment_id: int):
    assignment = get_or_404(Assignment, assignment_id)
    course = assignment.course
    if not assigning.can_withdraw(current_user, assignment):
        abort(403)
    try:
        assigning.withdraw_assignment(current_user, assignment)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("已撤销布置"), "success")
    return redirect(url_for("courses.assignments", course_id=course.id))

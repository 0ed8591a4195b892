"""考试管理: the list of exams, create and edit (all fields and the audience), the exam's
overview, publish, close early, delete a draft."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.models import RANKS
from app.auth.services import rank_labels
from app.common.errors import DomainError
from app.common.forms import form_error, select_choices
from app.common.pagination import paginate
from app.common.permissions import role_required
from app.common.timeutil import utcnow
from app.courses.services.content import all_courses
from app.extensions import db
from app.quiz.exams.forms import ExamForm, split_names
from app.quiz.exams.models import (
    ASSEMBLY_MODES,
    EXAM_KINDS,
    MULTIPLE_POLICIES,
    OFFERED_EXAM_KINDS,
    REVIEW_POLICIES,
    SCORE_POLICIES,
    Exam,
)
from app.quiz.exams.services import assembly, audience, exams, marking, regrade
from app.quiz.exams.views._helpers import get_or_404, local_to_utc, utc_to_local
from app.quiz.exams.views.blueprint import admin_bp


def _course_choices() -> list[SelectChoice]:
    return select_choices(((str(c.id), c.title) for c in all_courses()), blank=_("（无）"))


def _form(exam: Exam | None) -> ExamForm:
    if exam is not None:
        data = {key: getattr(exam, key) for key in (*exams.SETTINGS, "assembly")}
        data.update(
            opens_at=utc_to_local(exam.opens_at),
            closes_at=utc_to_local(exam.closes_at),
            pass_mark=format(exam.pass_mark.normalize(), "f") if exam.pass_mark is not None else "",
            required_course=str(exam.required_course_id or ""),
            audience_teams=[a.team_id for a in exam.audience if a.kind == "team"],
            audience_ranks=[a.rank for a in exam.audience if a.kind == "rank"],
            audience_users=" ".join(
                a.user.username for a in exam.audience if a.kind == "user" and a.user
            ),
        )
    else:
        start = utc_to_local(utcnow()).replace(second=0, microsecond=0) + timedelta(hours=1)
        data = {
            "opens_at": start.replace(minute=0),
            "closes_at": start.replace(minute=0) + timedelta(days=7),
            "kind": "exam",
            "assembly": "fixed",
            "score_policy": "at_submit",
            "review_policy": "after_close",
        }
    form = ExamForm(data=data)
    kinds = [k for k in EXAM_KINDS if k in OFFERED_EXAM_KINDS or (exam and exam.kind == k)]
    form.kind.choices = select_choices((k, exams.kind_labels()[k]) for k in kinds)
    form.assembly.choices = select_choices((k, exams.assembly_labels()[k]) for k in ASSEMBLY_MODES)
    form.multiple_policy.choices = select_choices(
        (k, exams.multiple_policy_labels()[k]) for k in MULTIPLE_POLICIES
    )
    form.score_policy.choices = select_choices(
        (k, exams.score_policy_labels()[k]) for k in SCORE_POLICIES
    )
    form.review_policy.choices = select_choices(
        (k, exams.review_policy_labels()[k]) for k in REVIEW_POLICIES
    )
    form.required_course.choices = _course_choices()
    form.audience_teams.choices = select_choices(audience.team_options())
    form.audience_ranks.choices = select_choices((r, rank_labels()[r]) for r in RANKS)
    return form


def _fields(form: ExamForm) -> tuple[dict, dict]:
    """(exam fields, audience) as the services take them; DomainError names the field."""
    fields = {key: getattr(form, key).data for key in (*exams.SETTINGS, "assembly")}
    fields.update(
        opens_at=local_to_utc(form.opens_at.data),
        closes_at=local_to_utc(form.closes_at.data),
        pass_mark=(form.pass_mark.data or "").strip() or None,
        grace_seconds=form.grace_seconds.data if form.grace_seconds.data is not None else 30,
        required_course=exams.find_course(
            int(form.required_course.data) if form.required_course.data else None
        ),
    )
    who = audience.find_audience(
        form.audience_teams.data or [],
        form.audience_ranks.data or [],
        split_names(form.audience_users.data),
    )
    return fields, who


def _edit(exam: Exam | None):
    form = _form(exam)
    if form.validate_on_submit():
        try:
            fields, who = _fields(form)
            if exam is None:
                saved = exams.create_exam(current_user, **fields)
            else:
                exams.update_exam(current_user, exam, **fields)
                saved = exam
            audience.set_audience(current_user, saved, **who)
        except DomainError as exc:
            form_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("已保存考试“%(t)s”", t=saved.title), "success")
            return redirect(url_for("exams_admin.exam", exam_id=saved.id))
    return render_template(
        "exams/admin/exam_form.html", form=form, exam=exam, kind_help=exams.kind_help()
    )


@admin_bp.route("/")
@role_required("admin")
def exams_list():
    pagination = paginate(exams.all_exams())
    return render_template(
        "exams/admin/exams.html",
        pagination=pagination,
        counts=exams.attempt_counts([e.id for e in pagination.items]),
        pending=marking.pending_essay_count(),
        now=utcnow(),
    )


@admin_bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new_exam():
    return _edit(None)


@admin_bp.route("/<int:exam_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_exam(exam_id: int):
    return _edit(get_or_404(Exam, exam_id))


@admin_bp.route("/<int:exam_id>")
@role_required("admin")
def exam(exam_id: int):
    exam = get_or_404(Exam, exam_id)
    figures = exams.exam_figures(exam)
    return render_template(
        "exams/admin/exam.html",
        exam=exam,
        summary=assembly.paper_summary(exam),
        audience_words=audience.describe(exam),
        attempts_count=figures.attempts,
        submitted=figures.submitted,
        members=figures.members,
        pending=marking.pending_essay_count(exam),
        offers=regrade.exam_offers(exam),
        now=utcnow(),
    )


def _act(exam_id: int, action, done: str):
    exam = get_or_404(Exam, exam_id)
    try:
        action(current_user, exam)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("exams_admin.exam", exam_id=exam_id))


@admin_bp.route("/<int:exam_id>/publish", methods=["POST"])
@role_required("admin")
def publish_exam(exam_id: int):
    return _act(exam_id, exams.publish_exam, _("考试已发布"))


@admin_bp.route("/<int:exam_id>/close", methods=["POST"])
@role_required("admin")
def close_exam(exam_id: int):
    return _act(exam_id, exams.close_exam, _("考试已提前结束，进行中的答卷将自动提交"))


@admin_bp.route("/<int:exam_id>/delete", methods=["POST"])
@role_required("admin")
def delete_exam(exam_id: int):
    exam = get_or_404(Exam, exam_id)
    try:
        exams.delete_exam(current_user, exam)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("exams_admin.exam", exam_id=exam_id))
    db.session.commit()
    flash(_("已删除草稿"), "success")
    return redirect(url_for("exams_admin.exams_list"))

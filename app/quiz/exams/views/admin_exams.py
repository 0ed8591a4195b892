"""考试管理: the list of exams, create and edit (all fields and the audience), the exam's
overview, publish, close early, delete a draft."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from app.auth.models import RANKS, Team, User
from app.auth.services import rank_labels
from app.common.errors import DomainError
from app.common.forms import form_error, select_choices
from app.common.permissions import role_required
from app.common.timeutil import utcnow
from app.courses.models import Course
from app.courses.services.content import all_courses
from app.extensions import db
from app.quiz.exams.forms import ExamForm, split_names
from app.quiz.exams.models import (
    ASSEMBLY_MODES,
    EXAM_KINDS,
    MULTIPLE_POLICIES,
    REVIEW_POLICIES,
    SCORE_POLICIES,
    Attempt,
    Exam,
)
from app.quiz.exams.services import assembly, audience, exams, marking, regrade
from app.quiz.exams.views._helpers import get_or_404, local_to_utc, utc_to_local
from app.quiz.exams.views.blueprint import admin_bp


def _team_choices() -> list[SelectChoice]:
    teams = db.session.scalars(select(Team).where(Team.active.is_(True))).all()
    return select_choices(sorted(((t.id, t.full_name) for t in teams), key=lambda c: c[1]))


def _course_choices() -> list[SelectChoice]:
    return select_choices(((str(c.id), c.title) for c in all_courses()), blank=_("（无）"))


def _form(exam: Exam | None) -> ExamForm:
    if exam is not None:
        data = {
            key: getattr(exam, key)
            for key in (
                "title",
                "kind",
                "instructions",
                "duration_minutes",
                "attempts_allowed",
                "grace_seconds",
                "shuffle_questions",
                "shuffle_options",
                "assembly",
                "multiple_policy",
                "score_policy",
                "review_policy",
                "focus_loss_limit",
            )
        }
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
    form.kind.choices = select_choices((k, exams.kind_labels()[k]) for k in EXAM_KINDS)
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
    form.audience_teams.choices = _team_choices()
    form.audience_ranks.choices = select_choices((r, rank_labels()[r]) for r in RANKS)
    return form


def _fields(form: ExamForm) -> tuple[dict, dict]:
    """(exam fields, audience) as the services take them; DomainError names the field."""
    course = None
    if form.required_course.data:
        course = db.session.get(Course, int(form.required_course.data))
        if course is None:
            raise DomainError(_("课程不存在"), "required_course")
    fields = {
        "title": form.title.data,
        "kind": form.kind.data,
        "instructions": form.instructions.data,
        "opens_at": local_to_utc(form.opens_at.data),
        "closes_at": local_to_utc(form.closes_at.data),
        "duration_minutes": form.duration_minutes.data,
        "attempts_allowed": form.attempts_allowed.data,
        "pass_mark": (form.pass_mark.data or "").strip() or None,
        "grace_seconds": form.grace_seconds.data if form.grace_seconds.data is not None else 30,
        "shuffle_questions": form.shuffle_questions.data,
        "shuffle_options": form.shuffle_options.data,
        "assembly": form.assembly.data,
        "multiple_policy": form.multiple_policy.data,
        "score_policy": form.score_policy.data,
        "review_policy": form.review_policy.data,
        "required_course": course,
        "focus_loss_limit": form.focus_loss_limit.data,
    }
    teams = [db.session.get(Team, tid) for tid in form.audience_teams.data or []]
    names = split_names(form.audience_users.data)
    users = db.session.scalars(select(User).where(User.username.in_(names))).all() if names else []
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise DomainError(_("找不到这些登录名：%(n)s", n="、".join(missing)), "audience_users")
    who = {
        "teams": [t for t in teams if t],
        "ranks": form.audience_ranks.data or [],
        "users": users,
    }
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
    return render_template("exams/admin/exam_form.html", form=form, exam=exam)


@admin_bp.route("/")
@role_required("admin")
def exams_list():
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(exams.all_exams(), page=page, per_page=20, error_out=False)
    ids = [e.id for e in pagination.items]
    counts = (
        dict(
            db.session.execute(
                select(Attempt.exam_id, func.count(Attempt.id))
                .where(Attempt.exam_id.in_(ids))
                .group_by(Attempt.exam_id)
            ).all()
        )
        if ids
        else {}
    )
    return render_template(
        "exams/admin/exams.html",
        pagination=pagination,
        counts=counts,
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
    attempts_count = db.session.scalar(
        select(func.count(Attempt.id)).where(Attempt.exam_id == exam.id)
    )
    submitted = db.session.scalar(
        select(func.count(Attempt.id)).where(
            Attempt.exam_id == exam.id, Attempt.status == "submitted"
        )
    )
    members = db.session.scalar(
        select(func.count()).select_from(audience.audience_members_query(exam).subquery())
    )
    return render_template(
        "exams/admin/exam.html",
        exam=exam,
        summary=assembly.paper_summary(exam),
        audience_words=audience.describe(exam),
        attempts_count=attempts_count,
        submitted=submitted,
        members=members,
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

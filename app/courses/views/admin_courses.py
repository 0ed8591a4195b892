"""课程管理: programmes, courses and their files. Administrators only."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.forms import form_error, select_choices
from app.common.permissions import role_required
from app.courses.forms import AttachmentForm, CourseForm, ProgramForm
from app.courses.models import Attachment, Course, Lesson, Program
from app.courses.services import attachments, content
from app.courses.views._helpers import get_or_404
from app.courses.views.blueprint import admin_bp
from app.extensions import db


@admin_bp.route("/")
@role_required("admin")
def courses():
    return render_template(
        "courses/admin/courses.html",
        programs=content.all_programs(),
        courses=content.all_courses(),
    )


# ------------------------------------------------------------------ programmes


def _program_fields(form: ProgramForm) -> dict:
    return {
        "title": form.title.data,
        "description": form.description.data or "",
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
    }


@admin_bp.route("/programmes/new", methods=["GET", "POST"])
@role_required("admin")
def new_program():
    form = ProgramForm()
    if form.validate_on_submit():
        try:
            program = content.create_program(current_user, **_program_fields(form))
        except DomainError as exc:
            form_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("已创建学习计划 %(t)s", t=program.title), "success")
            return redirect(url_for("courses_admin.courses"))
    return render_template("courses/admin/program_form.html", form=form, program=None)


@admin_bp.route("/programmes/<int:program_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_program(program_id: int):
    program = get_or_404(Program, program_id)
    form = ProgramForm(obj=program)
    if form.validate_on_submit():
        try:
            content.update_program(current_user, program, **_program_fields(form))
        except DomainError as exc:
            form_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("已保存学习计划 %(t)s", t=program.title), "success")
            return redirect(url_for("courses_admin.courses"))
    return render_template("courses/admin/program_form.html", form=form, program=program)


# ------------------------------------------------------------------ courses


def _course_form(course: Course | None) -> CourseForm:
    data = {}
    if course is not None:
        data = {
            "title": course.title,
            "slug": course.slug,
            "program": str(course.program_id or ""),
            "summary": course.summary,
            "hours": course.hours,
            "sort_order": course.sort_order,
            "published": course.published,
            "open_to_all": course.open_to_all,
        }
    form = CourseForm(data=data)
    form.program.choices = select_choices(
        ((str(p.id), p.title) for p in content.all_programs()), blank=_("（不属于任何计划）")
    )
    return form


def _course_fields(form: CourseForm) -> dict:
    program_id = form.program.data or ""
    return {
        "title": form.title.data,
        "slug": form.slug.data,
        "program": db.session.get(Program, int(program_id)) if program_id.isdigit() else None,
        "summary": form.summary.data or "",
        "hours": form.hours.data if form.hours.data is not None else Decimal("0"),
        "sort_order": form.sort_order.data or 0,
        "published": form.published.data,
        "open_to_all": form.open_to_all.data,
    }


@admin_bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new_course():
    form = _course_form(None)
    if form.validate_on_submit():
        try:
            course = content.create_course(current_user, **_course_fields(form))
        except DomainError as exc:
            form_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("已创建课程 %(t)s", t=course.title), "success")
            return redirect(url_for("courses_admin.course", course_id=course.id))
    return render_template("courses/admin/course_form.html", form=form, course=None)


@admin_bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_course(course_id: int):
    course = get_or_404(Course, course_id)
    form = _course_form(course)
    if form.validate_on_submit():
        try:
            content.update_course(current_user, course, **_course_fields(form))
        except DomainError as exc:
            form_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("已保存课程 %(t)s", t=course.title), "success")
            return redirect(url_for("courses_admin.course", course_id=course.id))
    return render_template("courses/admin/course_form.html", form=form, course=course)


def _attachment_form(course: Course) -> AttachmentForm:
    form = AttachmentForm()
    form.lesson.choices = select_choices(
        ((str(lesson.id), lesson.title) for lesson in course.lessons), blank=_("（整门课程）")
    )
    return form


def _course_page(course: Course, upload_form: AttachmentForm, status: int = 200):
    return render_template(
        "courses/admin/course.html",
        course=course,
        upload_form=upload_form,
        max_mb=f"{attachments.max_bytes() / 1024**2:g}",
    ), status


@admin_bp.route("/<int:course_id>")
@role_required("admin")
def course(course_id: int):
    course = get_or_404(Course, course_id)
    return _course_page(course, _attachment_form(course))


@admin_bp.route("/<int:course_id>/attachments", methods=["POST"])
@role_required("admin")
def upload_attachment(course_id: int):
    course = get_or_404(Course, course_id)
    form = _attachment_form(course)
    if not form.validate_on_submit():
        return _course_page(course, form, 400)
    lesson_id = form.lesson.data or ""
    lesson = db.session.get(Lesson, int(lesson_id)) if lesson_id.isdigit() else None
    upload = form.file.data
    data = upload.stream.read(attachments.max_bytes() + 1)
    try:
        item = attachments.add_attachment(
            current_user,
            course,
            filename=upload.filename or "",
            data=data,
            lesson=lesson,
            role=form.role.data,
        )
    except DomainError as exc:
        form_error(form, exc, "file")
        return _course_page(course, form, 400)
    db.session.commit()
    flash(_("已上传 %(f)s", f=item.filename), "success")
    return redirect(url_for("courses_admin.course", course_id=course.id))


@admin_bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@role_required("admin")
def delete_attachment(attachment_id: int):
    item = get_or_404(Attachment, attachment_id)
    course_id = item.course_id
    attachments.delete_attachment(current_user, item)
    db.session.commit()
    flash(_("已删除附件"), "success")
    return redirect(url_for("courses_admin.course", course_id=course_id))

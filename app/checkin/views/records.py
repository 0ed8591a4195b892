"""A member's own record and what the secretary reads of it: reflections (心得体会),
self-study check-ins (自学打卡), party lectures (党课), the year's quota and standings, and
each cadre's study record (学习档案, printable)."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Team, User
from app.checkin import archive, policy
from app.checkin.forms import (
    ConfirmForm,
    LectureForm,
    QuotaForm,
    ReflectionForm,
    SelfStudyForm,
)
from app.checkin.models import PartyLecture, Reflection, SelfStudy, StudySession
from app.checkin.services import lectures, reflections, selfstudy, standings
from app.checkin.services.base import CheckinError
from app.checkin.services.quotas import FIELDS, quota_for, set_quota
from app.checkin.views._helpers import (
    act,
    chosen_user,
    flash_form_errors,
    get_or_404,
    managed,
    member_choices,
    this_year,
    viewable,
)
from app.checkin.views.blueprint import bp
from app.common.figures import Period, member_figures, member_record
from app.common.forms import form_error, select_choices
from app.common.permissions import login_required, role_required
from app.common.timeutil import to_local, utcnow
from app.extensions import db


def _year() -> int:
    value = request.args.get("year", "")
    year = int(value) if value.isdigit() else this_year()
    return year if 2000 <= year <= 2100 else this_year()


# —— reflections ——


@bp.route("/sessions/<int:session_id>/reflection", methods=["GET", "POST"])
@login_required
def write_reflection(session_id: int):
    session = get_or_404(StudySession, session_id)
    if not reflections.can_write_on(current_user, session):
        abort(403)
    mine = reflections.reflection_on(session, current_user)
    form = ReflectionForm(obj=mine)
    if form.validate_on_submit():
        try:
            reflections.submit_on_session(
                current_user, session, form.title.data or "", form.body.data or ""
            )
        except CheckinError as exc:
            form_error(form, exc, "body")
        else:
            db.session.commit()
            flash(_("心得体会已提交"), "success")
            return redirect(url_for("checkin.session", session_id=session.id) + "#reflections")
    return render_template(
        "checkin/reflection_form.html",
        form=form,
        session=session,
        reflection=mine,
        quota=quota_for(this_year()),
    )


@bp.route("/reflections/new", methods=["GET", "POST"])
@login_required
def new_reflection():
    form = ReflectionForm()
    if request.method == "GET" and request.args.get("material"):
        form.material.data = request.args["material"][:300]
    if form.validate_on_submit():
        try:
            row = reflections.submit_on_material(
                current_user, form.material.data or "", form.title.data or "", form.body.data or ""
            )
        except CheckinError as exc:
            form_error(form, exc, "body")
        else:
            db.session.commit()
            flash(_("心得体会已提交"), "success")
            return redirect(url_for("checkin.reflection", reflection_id=row.id))
    return render_template(
        "checkin/reflection_form.html",
        form=form,
        session=None,
        reflection=None,
        quota=quota_for(this_year()),
    )


def _readable(reflection_id: int) -> Reflection:
    row = get_or_404(Reflection, reflection_id)
    if not reflections.can_read(current_user, row):
        abort(403)
    return row


@bp.route("/reflections/<int:reflection_id>")
@login_required
def reflection(reflection_id: int):
    return render_template("checkin/reflection.html", reflection=_readable(reflection_id))


@bp.route("/reflections/<int:reflection_id>/edit", methods=["GET", "POST"])
@login_required
def edit_reflection(reflection_id: int):
    row = _readable(reflection_id)
    if row.user_id != current_user.id:
        abort(403)
    form = ReflectionForm(obj=row)
    if form.validate_on_submit():
        try:
            reflections.revise(
                current_user,
                row,
                form.title.data or "",
                form.body.data or "",
                form.material.data or "",
            )
        except CheckinError as exc:
            form_error(form, exc, "body")
        else:
            db.session.commit()
            flash(_("已保存"), "success")
            return redirect(url_for("checkin.reflection", reflection_id=row.id))
    return render_template(
        "checkin/reflection_form.html",
        form=form,
        session=row.session,
        reflection=row,
        quota=quota_for(this_year()),
    )


def _reader(team: Team) -> Team:
    """The team's secretary and admins: the pages that show every member's writing."""
    if not (current_user.is_admin or policy.can_manage(current_user, team)):
        abort(403)
    return team


@bp.route("/teams/<int:team_id>/reflections")
@login_required
def team_reflections(team_id: int):
    team = _reader(get_or_404(Team, team_id))
    year = _year()
    return render_template(
        "checkin/team_reflections.html",
        team=team,
        year=year,
        reflections=reflections.of_team(team, year=year),
        standing=standings.team_standing(team, year),
        missing=reflections.missing_by_session(team, year),
    )


# —— self-study ——


def _self_study_form(lessons) -> SelfStudyForm:
    form = SelfStudyForm()
    form.material_kind.choices = select_choices(
        [("lesson", _("课程章节")), ("book", _("书目")), ("link", _("链接"))]
    )
    form.lesson.choices = select_choices(
        ((str(lesson.id), f"{lesson.course.title} · {lesson.title}") for lesson in lessons),
        blank=_("（请选择）"),
    )
    return form


@bp.route("/self-study", methods=["GET", "POST"])
@login_required
def self_study():
    year = _year()
    form = _self_study_form(selfstudy.recent_lessons(current_user))
    if request.method == "GET":
        form.studied_on.data = to_local(utcnow()).date()
    if form.validate_on_submit():
        lesson_id = form.lesson.data or ""
        material = selfstudy.Material(
            form.material_kind.data or "",
            title=form.title.data or "",
            url=form.url.data or "",
            lesson=selfstudy.lesson_for(
                current_user, int(lesson_id) if lesson_id.isdigit() else None
            ),
        )
        try:
            selfstudy.record(current_user, form.studied_on.data, form.minutes.data, material)
        except CheckinError as exc:
            form_error(form, exc, "studied_on")
        else:
            db.session.commit()
            flash(_("已打卡"), "success")
            return redirect(url_for("checkin.self_study"))
    return render_template(
        "checkin/self_study.html",
        form=form,
        year=year,
        rows=selfstudy.of_user(current_user, year=year),
        total=selfstudy.minutes_of(current_user, year),
        quota=quota_for(year),
    )


@bp.route("/self-study/<int:row_id>/delete", methods=["POST"])
@login_required
def delete_self_study(row_id: int):
    row = get_or_404(SelfStudy, row_id)
    if row.user_id != current_user.id:
        abort(403)
    act(ConfirmForm(), lambda: selfstudy.remove(current_user, row), _("已删除打卡记录"))
    return redirect(url_for("checkin.self_study"))


# —— party lectures ——


def _lecture_form(team: Team) -> LectureForm:
    form = LectureForm()
    form.member.choices = select_choices(member_choices(team, blank=_("（请选择）")))
    return form


@bp.route("/teams/<int:team_id>/lectures", methods=["GET", "POST"])
@login_required
def team_lectures(team_id: int):
    team = viewable(get_or_404(Team, team_id))
    year = _year()
    can_manage = policy.can_manage(current_user, team)
    form = _lecture_form(team) if can_manage else None
    if request.method == "POST":
        managed(team)
        if form.validate_on_submit():
            try:
                lectures.record(
                    current_user,
                    team,
                    chosen_user(form.member.data),
                    lectures.LectureFields(
                        form.given_on.data, form.branch.data, form.topic.data, form.audience.data
                    ),
                )
            except CheckinError as exc:
                form_error(form, exc, "topic")
            else:
                db.session.commit()
                flash(_("已登记党课"), "success")
                return redirect(url_for("checkin.team_lectures", team_id=team.id, year=year))
    rows = lectures.of_team(team, year)
    given = {row.user_id for row in rows}
    return render_template(
        "checkin/team_lectures.html",
        team=team,
        year=year,
        rows=rows,
        form=form,
        can_manage=can_manage,
        not_yet=[m for m in standings.members_of(team) if m.id not in given]
        if can_manage or current_user.is_admin
        else [],
        quota=quota_for(year),
    )


@bp.route("/lectures/<int:lecture_id>/delete", methods=["POST"])
@role_required("secretary")
def delete_lecture(lecture_id: int):
    row = get_or_404(PartyLecture, lecture_id)
    if row.team is None:
        abort(403)
    team = managed(row.team)
    year = row.given_on.year
    act(ConfirmForm(), lambda: lectures.remove(current_user, row), _("已删除党课记录"))
    return redirect(url_for("checkin.team_lectures", team_id=team.id, year=year))


# —— quotas and standings ——


@bp.route("/quotas", methods=["GET", "POST"])
@role_required("admin")
def quotas():
    year = _year()
    quota = quota_for(year)
    form = QuotaForm()
    if not form.is_submitted():
        for name in FIELDS:
            getattr(form, name).data = getattr(quota, name)
    if form.validate_on_submit():
        try:
            set_quota(current_user, year, {name: getattr(form, name).data for name in FIELDS})
        except CheckinError as exc:
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("已保存 %(y)d 年的学习要求", y=year), "success")
            return redirect(url_for("checkin.quotas", year=year))
    elif form.is_submitted():
        flash_form_errors(form)
    return render_template("checkin/quotas.html", form=form, year=year, quota=quota)


@bp.route("/teams/<int:team_id>/standings")
@login_required
def team_standings(team_id: int):
    team = viewable(get_or_404(Team, team_id))
    year = _year()
    standing = standings.team_standing(team, year)
    sees_all = current_user.is_admin or policy.can_manage(current_user, team)
    members = (
        standing.members
        if sees_all
        else [m for m in standing.members if m.member.id == current_user.id]
    )
    return render_template(
        "checkin/standings.html", team=team, year=year, standing=standing, members=members
    )


# —— the study record (学习档案) ——


def can_see_record(user: User, cadre: User) -> bool:
    if user.is_admin or user.id == cadre.id:
        return True
    return cadre.team is not None and policy.can_manage(user, cadre.team)


@bp.route("/record/<int:user_id>")
@login_required
def study_record(user_id: int):
    cadre = get_or_404(User, user_id)
    if not can_see_record(current_user, cadre):
        abort(403)
    year = _year()
    period = Period.year(year)
    return render_template(
        "checkin/study_record.html",
        cadre=cadre,
        year=year,
        entries=member_record(cadre.id, period),
        figures=member_figures([cadre.id], period)[cadre.id],
        standing=standings.member_standings([cadre], year)[0],
    )


# —— the year's archive ——


@bp.route("/teams/<int:team_id>/archive.zip")
@login_required
def team_archive(team_id: int):
    """The year-end archive (zip of printable HTML and xlsx): the team's secretary, admins."""
    team = _reader(get_or_404(Team, team_id))
    year = _year()
    data = archive.build_archive(team, year, now=utcnow())
    return send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=archive.archive_name(team, year),
        max_age=0,
    )

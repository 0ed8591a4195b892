"""Sessions: the team's list, a session's page (details, speakers, follow-up measures,
attendance sheet, the check-in code for the screen), and the secretary's forms."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Team
from app.checkin import policy
from app.checkin.forms import (
    ConfirmForm,
    MarkForm,
    MeasureForm,
    MeasureStatusForm,
    SessionForm,
    SpeakerForm,
    StudyTestForm,
)
from app.checkin.models import (
    ATTENDANCE_STATUSES,
    MEASURE_STATUSES,
    SESSION_KINDS,
    SPEAKER_ROLES,
    FollowUpMeasure,
    SessionSpeaker,
    StudyPlanItem,
    StudySession,
)
from app.checkin.services import (
    attendance,
    materials,
    outlines,
    reflections,
    sessions,
    studytests,
)
from app.checkin.services.base import (
    CheckinError,
    attendance_labels,
    kind_labels,
    measure_labels,
    role_labels,
)
from app.checkin.services.qr import qr_svg
from app.checkin.views._helpers import (
    act,
    chosen_user,
    from_local,
    get_or_404,
    lesson_choices,
    local_naive,
    managed,
    member_choices,
    this_year,
    viewable,
)
from app.checkin.views.blueprint import bp
from app.common.forms import form_error, select_choices
from app.common.permissions import login_required, role_required
from app.common.timeutil import to_local
from app.extensions import db
from app.quiz.bank.services.banks import type_labels


@bp.route("/teams/<int:team_id>/sessions")
@login_required
def team_sessions(team_id: int):
    team = viewable(get_or_404(Team, team_id))
    return render_template(
        "checkin/team_sessions.html",
        team=team,
        sessions=sessions.team_sessions(team),
        can_manage=policy.can_manage(current_user, team),
    )


def _session_form(team: Team, session: StudySession | None = None) -> SessionForm:
    form = SessionForm()
    labels = kind_labels()
    form.kind.choices = select_choices((k, labels[k]) for k in SESSION_KINDS)
    year = to_local(session.starts_at).year if session is not None else this_year()
    items = sessions.plan_items_for(team, year)
    form.plan_item.choices = select_choices(
        ((str(i.id), _("%(m)d月：%(t)s", m=i.month, t=i.topic)) for i in items),
        blank=_("（计划外）"),
    )
    form.lessons.choices = lesson_choices(session.lessons if session is not None else ())
    if session is not None and not form.is_submitted():
        form.kind.data = session.kind
        form.plan_item.data = str(session.plan_item_id or "")
        form.topic.data = session.topic
        form.starts_at.data = local_naive(session.starts_at)
        form.ends_at.data = local_naive(session.ends_at)
        form.place.data = session.place
        form.hours.data = session.hours
        form.materials.data = session.materials
        form.lessons.data = [str(lesson.id) for lesson in session.lessons]
        form.minutes.data = session.minutes
    return form


def _fields(form: SessionForm) -> sessions.SessionFields:
    item_id = form.plan_item.data or ""
    plan_item = db.session.get(StudyPlanItem, int(item_id)) if item_id.isdigit() else None
    return sessions.SessionFields(
        kind=form.kind.data or "",
        starts_at=from_local(form.starts_at.data),
        ends_at=from_local(form.ends_at.data),
        topic=form.topic.data or "",
        place=form.place.data or "",
        plan_item=plan_item,
        materials=form.materials.data or "",
        hours=form.hours.data if form.hours.data is not None else 0,
        minutes=form.minutes.data or "",
        lesson_ids=tuple(form.lessons.data or ()),
    )


@bp.route("/teams/<int:team_id>/sessions/new", methods=["GET", "POST"])
@role_required("secretary")
def new_session(team_id: int):
    team = managed(get_or_404(Team, team_id))
    form = _session_form(team)
    if form.validate_on_submit():
        try:
            session = sessions.create_session(current_user, team, _fields(form))
        except CheckinError as exc:
            form_error(form, exc, "topic")
        else:
            db.session.commit()
            flash(_("已登记学习：%(t)s", t=session.topic), "success")
            return redirect(url_for("checkin.session", session_id=session.id))
    return render_template("checkin/session_form.html", team=team, form=form, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required("secretary")
def edit_session(session_id: int):
    session = get_or_404(StudySession, session_id)
    team = managed(session.team)
    form = _session_form(team, session)
    if form.validate_on_submit():
        try:
            sessions.update_session(current_user, session, _fields(form))
        except CheckinError as exc:
            form_error(form, exc, "topic")
        else:
            db.session.commit()
            flash(_("已保存"), "success")
            return redirect(url_for("checkin.session", session_id=session.id))
    return render_template("checkin/session_form.html", team=team, form=form, session=session)


@bp.route("/sessions/<int:session_id>/delete", methods=["POST"])
@role_required("secretary")
def delete_session(session_id: int):
    session = get_or_404(StudySession, session_id)
    team = managed(session.team)
    act(
        ConfirmForm(),
        lambda: sessions.delete_session(current_user, session),
        _("已删除这次学习记录"),
    )
    return redirect(url_for("checkin.team_sessions", team_id=team.id))


@bp.route("/sessions/<int:session_id>")
@login_required
def session(session_id: int):
    session = get_or_404(StudySession, session_id)
    team = viewable(session.team)
    can_manage = policy.can_manage(current_user, team)
    context = {
        "session": session,
        "team": team,
        "can_manage": can_manage,
        "my_attendance": attendance.attendance_of(session, current_user),
        "is_member": policy.is_member(current_user, team),
        "window": attendance.checkin_window(session),
        "lesson_links": materials.lesson_links(current_user, session.lessons),
    }
    context.update(
        study_test=studytests.test_of(session),
        can_write_reflection=reflections.can_write_on(current_user, session),
        my_reflection=reflections.reflection_on(session, current_user),
    )
    if can_manage or current_user.is_admin:
        rows = attendance.sheet(session)
        context.update(
            sheet=rows,
            counts=attendance.sheet_counts(rows),
            session_reflections=reflections.of_session(session),
            test_results=studytests.session_results(session),
            reflections_missing=reflections.missing_on_session(session),
        )
    if can_manage:
        context.update(
            speaker_form=_speaker_form(team),
            measure_form=_measure_form(team),
            test_form=_test_form(),
            outline_accept=outlines.ACCEPT,
            status_choices=[(s, measure_labels()[s]) for s in MEASURE_STATUSES],
            attendance_choices=[(s, attendance_labels()[s]) for s in ATTENDANCE_STATUSES],
            checkin_url=url_for(
                "checkin.check_in",
                session_id=session.id,
                code=session.checkin_code,
                _external=True,
            ),
        )
    return render_template("checkin/session.html", **context)


def _back(session: StudySession, anchor: str = ""):
    return redirect(url_for("checkin.session", session_id=session.id) + anchor)


def _run(session: StudySession, form, action, done: str, anchor: str):
    """Validate ``form``, run ``action``, commit and flash ``done``; errors as flashes."""
    act(form, action, done)
    return _back(session, anchor)


@bp.route("/sessions/<int:session_id>/code", methods=["POST"])
@role_required("secretary")
def new_code(session_id: int):
    session = get_or_404(StudySession, session_id)
    managed(session.team)
    return _run(
        session,
        ConfirmForm(),
        lambda: sessions.regenerate_code(current_user, session),
        _("已生成新的签到码，原签到码作废"),
        "#code",
    )


def _speaker_form(team: Team) -> SpeakerForm:
    form = SpeakerForm()
    form.speaker.choices = select_choices(member_choices(team, blank=_("（请选择）")))
    labels = role_labels()
    form.role.choices = select_choices((r, labels[r]) for r in SPEAKER_ROLES)
    return form


@bp.route("/sessions/<int:session_id>/speakers", methods=["POST"])
@role_required("secretary")
def add_speaker(session_id: int):
    session = get_or_404(StudySession, session_id)
    form = _speaker_form(managed(session.team))
    return _run(
        session,
        form,
        lambda: sessions.add_speaker(
            current_user,
            session,
            speaker=chosen_user(form.speaker.data),
            role=form.role.data or "",
            title=form.title.data or "",
            outline=form.outline.data or "",
            outline_file=_uploaded(form.outline_file.data),
        ),
        _("已登记发言"),
        "#speakers",
    )


def _uploaded(storage) -> outlines.OutlineFile | None:
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return outlines.OutlineFile(storage.filename, storage.read())


@bp.route("/speakers/<int:speaker_id>/outline")
@login_required
def speaker_outline(speaker_id: int):
    """The speaker's outline file, for whoever may see the session."""
    speaker = get_or_404(SessionSpeaker, speaker_id)
    viewable(speaker.session.team)
    path = outlines.path_of(speaker)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype=speaker.outline_content_type,
        as_attachment=True,
        download_name=speaker.outline_filename,
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/speakers/<int:speaker_id>/delete", methods=["POST"])
@role_required("secretary")
def remove_speaker(speaker_id: int):
    speaker = get_or_404(SessionSpeaker, speaker_id)
    session = speaker.session
    managed(session.team)
    return _run(
        session,
        ConfirmForm(),
        lambda: sessions.remove_speaker(current_user, speaker),
        _("已删除发言记录"),
        "#speakers",
    )


def _measure_form(team: Team) -> MeasureForm:
    form = MeasureForm()
    form.owner.choices = select_choices(member_choices(team, blank=_("（请选择）")))
    return form


@bp.route("/sessions/<int:session_id>/measures", methods=["POST"])
@role_required("secretary")
def add_measure(session_id: int):
    session = get_or_404(StudySession, session_id)
    form = _measure_form(managed(session.team))
    return _run(
        session,
        form,
        lambda: sessions.add_measure(
            current_user,
            session,
            what=form.what.data or "",
            owner=chosen_user(form.owner.data),
            due_on=form.due_on.data,
        ),
        _("已登记落实措施"),
        "#measures",
    )


@bp.route("/measures/<int:measure_id>/status", methods=["POST"])
@role_required("secretary")
def measure_status(measure_id: int):
    measure = get_or_404(FollowUpMeasure, measure_id)
    session = measure.session
    managed(session.team)
    form = MeasureStatusForm()
    form.status.choices = select_choices(measure_labels().items())
    return _run(
        session,
        form,
        lambda: sessions.set_measure_status(current_user, measure, form.status.data),
        _("已更新落实情况"),
        "#measures",
    )


@bp.route("/sessions/<int:session_id>/attendance", methods=["POST"])
@role_required("secretary")
def mark_attendance(session_id: int):
    session = get_or_404(StudySession, session_id)
    managed(session.team)
    form = MarkForm()
    form.status.choices = select_choices(attendance_labels().items())
    return _run(
        session,
        form,
        lambda: attendance.mark(
            current_user,
            session,
            chosen_user(form.user.data),
            form.status.data,
            late=form.late.data,
            reason=form.reason.data or "",
        ),
        _("已登记出勤情况"),
        "#sheet",
    )


@bp.route("/sessions/<int:session_id>/qr.svg")
@role_required("secretary")
def session_qr(session_id: int):
    """The check-in link as a QR code, made here (no outside service), for the screen."""
    session = get_or_404(StudySession, session_id)
    managed(session.team)
    url = url_for(
        "checkin.check_in", session_id=session.id, code=session.checkin_code, _external=True
    )
    response = make_response(qr_svg(url))
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "private, no-store"  # the code changes; never cache
    return response


def _test_form() -> StudyTestForm:
    form = StudyTestForm()
    form.source.choices = select_choices(studytests.sources(), blank=_("（请选择）"))
    labels = type_labels()
    form.qtype.choices = select_choices(
        (t, labels[t]) for t in ("single", "multiple", "judge") if t in labels
    )
    return form


@bp.route("/sessions/<int:session_id>/test", methods=["POST"])
@role_required("secretary")
def new_study_test(session_id: int):
    session = get_or_404(StudySession, session_id)
    managed(session.team)
    form = _test_form()

    def create():
        bank, category = studytests.source_of(form.source.data)
        studytests.create_test(
            current_user,
            session,
            studytests.TestFields(
                bank=bank,
                category=category,
                qtype=form.qtype.data or "",
                count=form.count.data,
                points_each=form.points_each.data,
                duration_minutes=form.duration_minutes.data,
                closes_at=from_local(form.closes_at.data),
                pass_mark=form.pass_mark.data,
            ),
        )

    return _run(session, form, create, _("考学已发布给本班子成员"), "#study-test")

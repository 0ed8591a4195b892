"""A member's pages: 中心组学习 (my team's sessions and my own attendance record, the teams a
secretary runs) and the check-in page (``/checkin/s/<id>?code=…`` fills the code in, so a
QR code can point at it; checking in is always a POST)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.services import teams_in_scope
from app.checkin import policy
from app.checkin.forms import CheckinForm
from app.checkin.models import StudySession
from app.checkin.services import attendance
from app.checkin.services.base import CheckinError
from app.checkin.throttle import code_limit, count_if_wrong
from app.checkin.views._helpers import get_or_404, viewable
from app.checkin.views.blueprint import bp
from app.common.db import begin_write, reads_first
from app.common.permissions import login_required
from app.common.timeutil import utcnow
from app.extensions import db


@bp.route("/")
@login_required
def index():
    managed_teams = (
        [t for t in teams_in_scope(current_user) if t.kind == "team" and t.active]
        if current_user.has_role("secretary")
        else []
    )
    return render_template(
        "checkin/index.html",
        record=attendance.my_record(current_user),
        managed_teams=managed_teams,
        now=utcnow(),
    )


@bp.route("/s/<int:session_id>", methods=["GET", "POST"])
@login_required
@code_limit
@reads_first  # membership, window and code are checked before the write lock is taken
def check_in(session_id: int):
    session = get_or_404(StudySession, session_id)
    viewable(session.team)
    form = CheckinForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:20]
    error = None
    if form.validate_on_submit():
        begin_write(db.session)
        try:
            row = attendance.check_in(current_user, session, form.code.data)
        except CheckinError as exc:
            db.session.rollback()
            error = exc.message
            count_if_wrong(exc.field)
        else:
            db.session.commit()
            if row.late:
                flash(_("签到成功（迟到）"), "warning")
            else:
                flash(_("签到成功"), "success")
            return redirect(url_for("checkin.session", session_id=session.id))
    return render_template(
        "checkin/check_in.html",
        session=session,
        form=form,
        error=error,
        window=attendance.checkin_window(session),
        mine=attendance.attendance_of(session, current_user),
        is_member=policy.is_member(current_user, session.team),
    )

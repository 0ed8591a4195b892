"""Loading objects for the centre-group pages and checking who may see or run them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import abort, flash
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.models import Team, User
from app.checkin import policy
from app.checkin.services import materials
from app.checkin.services.base import CheckinError
from app.common.timeutil import SHANGHAI, to_local, utcnow
from app.extensions import db


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def viewable(team: Team) -> Team:
    """Members of the team, its secretaries and admins; 403 for anyone else."""
    if not policy.can_view(current_user, team):
        abort(403)
    return team


def managed(team: Team) -> Team:
    """The team's secretaries only; 403 for anyone else (admins included: they review)."""
    if not policy.can_manage(current_user, team):
        abort(403)
    return team


def from_local(value: datetime | None) -> datetime | None:
    """A Shanghai wall-clock time from a form, as the naive UTC the columns hold."""
    if value is None:
        return None
    return value.replace(tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def local_naive(value: datetime | None) -> datetime | None:
    local = to_local(value)
    return local.replace(tzinfo=None) if local else None


def this_year() -> int:
    return to_local(utcnow()).year


def member_choices(team: Team, *, blank: str | None = None) -> list[tuple[str, str]]:
    members = db.session.scalars(
        db.select(User)
        .where(User.team_id == team.id, User.active.is_(True))
        .order_by(User.name, User.id)
    )
    head = [("", blank)] if blank is not None else []
    return head + [(str(m.id), m.name) for m in members]


def lesson_choices(chosen=()) -> list[tuple[str, str]]:
    """The lessons the secretary may pick as materials, and those already picked."""
    lessons = materials.lesson_choices(current_user)
    known = {lesson.id for lesson in lessons}
    lessons += [lesson for lesson in chosen if lesson.id not in known]
    return [(str(lesson.id), materials.lesson_title(lesson)) for lesson in lessons]


def chosen_user(value: str | None) -> User | None:
    return db.session.get(User, int(value)) if (value or "").isdigit() else None


def flash_form_errors(form: FlaskForm) -> None:
    for name, errors in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else ""
        for error in errors:
            flash(f"{label}：{error}" if label else error, "danger")


def act(form: FlaskForm, action: Callable[[], object], done: str) -> bool:
    """Validate ``form``, run ``action``, commit and flash ``done``; a broken rule or a bad
    form is flashed instead and nothing is kept. True if it was done."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return False
    try:
        action()
    except CheckinError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return False
    db.session.commit()
    flash(done, "success")
    return True

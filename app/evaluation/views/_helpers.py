"""Loading objects for the evaluation pages, and turning a domain error into a message."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from app.common.timeutil import to_local, utcnow
from app.evaluation import policy
from app.evaluation.models import Evaluation
from app.evaluation.services import EvaluationError
from app.extensions import db


def get_or_404(model, object_id):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def assessable(evaluation_id: int) -> Evaluation:
    evaluation = get_or_404(Evaluation, evaluation_id)
    if not policy.can_assess(current_user, evaluation):
        abort(403)
    return evaluation


def failed(error: EvaluationError, target: str):
    db.session.rollback()
    flash(error.message, "danger")
    return redirect(target)


def form_date(name: str) -> date | None:
    """The form's ``name`` as a date (empty: None); a malformed one is an error on that field."""
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EvaluationError(_("日期格式应为 YYYY-MM-DD"), name) from None


def this_year() -> int:
    return to_local(utcnow()).year

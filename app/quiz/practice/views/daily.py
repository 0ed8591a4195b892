"""每日答题: today's fixed set with the streak; answering goes through the practice API."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.common.db import write_intent
from app.common.errors import DomainError
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.practice.services import daily, daily_record
from app.quiz.practice.views.blueprint import CADRE, bp, render_session


@bp.route("/daily/", endpoint="daily")
@role_required(*CADRE)
def daily_page():
    quiz = daily_record.find(current_user, daily_record.local_day())
    if quiz is None:
        # the first visit of the day creates the day's set: a GET that writes
        with write_intent(db.session):
            try:
                quiz = daily.today(current_user)
            except DomainError as exc:
                db.session.rollback()
                return render_template(
                    "practice/daily.html", quiz=None, problem=exc.message, **_streak()
                )
            db.session.commit()
    elif daily.withheld_unanswered(quiz):
        # an exam now withholds some of the day's questions: swap them (a GET that writes)
        with write_intent(db.session):
            daily.replace_withheld(daily.find(current_user, daily.local_day()))
            db.session.commit()
        quiz = daily.find(current_user, daily.local_day())
    return render_session("practice/daily.html", quiz.session, quiz=quiz, problem="", **_streak())


def _streak() -> dict:
    return {
        "streak": daily.current_streak(current_user),
        "days": daily.recent_days(current_user),
        "size": daily.quiz_size(),
    }

"""Two taps racing: the same member checking in from two threads (two connections, committed
data) records exactly one row, and the loser gets "already checked in" — on SQLite and on
PostgreSQL. Outside the rolled-back test transaction, because a race needs two connections."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from app.auth.models import User
from app.checkin.models import Attendance, StudySession
from app.checkin.services import attendance
from app.checkin.services.base import CheckinError
from app.extensions import db
from tests.checkin.factories import START, make_session
from tests.factories import make_team, make_user
from tests.races import live_app_fixture, together

ROUNDS = 5


live_app = live_app_fixture("xuekao_checkin_race")


def _tap(app, session_id: int, user_id: int, code: str) -> str:
    """One request's worth: load, check in, commit; "ok" or the refusal's message."""
    with app.app_context():
        try:
            session = db.session.get(StudySession, session_id)
            member = db.session.get(User, user_id)
            attendance.check_in(member, session, code, now=START)
            db.session.commit()
            return "ok"
        except CheckinError as exc:
            db.session.rollback()
            return exc.message
        finally:
            db.session.remove()


def test_two_taps_at_once_record_one_check_in(live_app):
    with live_app.app_context():
        team = make_team("并发签到班子")
        secretary = make_user(("secretary", "cadre"), team, username="race-sec", scopes=[team])
        members = [make_user("cadre", team, username=f"race-{i}") for i in range(ROUNDS)]
        session = make_session(secretary, team)
        db.session.commit()
        session_id, code = session.id, session.checkin_code
        member_ids = [m.id for m in members]
    for user_id in member_ids:
        outcomes = together(
            lambda u=user_id: _tap(live_app, session_id, u, code),
            lambda u=user_id: _tap(live_app, session_id, u, code),
        )
        assert sorted(outcomes) == ["ok", "您已签到，无需重复签到"], outcomes
    with live_app.app_context():
        rows = db.session.execute(
            select(Attendance.user_id, func.count(Attendance.id))
            .where(Attendance.session_id == session_id)
            .group_by(Attendance.user_id)
        ).all()
        assert sorted(rows) == sorted((u, 1) for u in member_ids)


def test_two_phones_posting_the_code_at_once_record_one_check_in(live_app):
    with live_app.app_context():
        team = make_team("并发签到班子二")
        secretary = make_user(("secretary", "cadre"), team, username="race-sec2", scopes=[team])
        make_user("cadre", team, username="race-phone")
        session = make_session(secretary, team)
        db.session.commit()
        session_id, code = session.id, session.checkin_code
    url = f"/checkin/s/{session_id}"
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        phones = [live_app.test_client() for _ in range(2)]
        for phone in phones:
            assert phone.login("race-phone").status_code == 302
        tokens = [phone.csrf_token() for phone in phones]
        responses = together(
            *[
                (lambda p=p, t=t: p.post(url, data={"code": code, "csrf_token": t}))
                for p, t in zip(phones, tokens, strict=True)
            ]
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 302], statuses
    refused = next(r for r in responses if r.status_code == 200)
    assert "您已签到，无需重复签到" in refused.get_data(as_text=True)
    with live_app.app_context():
        count = db.session.scalar(
            select(func.count(Attendance.id)).where(Attendance.session_id == session_id)
        )
        assert count == 1

"""The answer save checks its login with a light row (issue 16), and that check is as exact
as everywhere else: a login ended on the server, a deactivated account, a lost role or a
password change still due stops the very next save."""

from __future__ import annotations

import re
import sqlite3
import tempfile
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, update

from app.auth import sessions
from app.auth.models import User, UserRole, UserSession
from app.common.timeutil import utcnow
from app.extensions import db
from tests.quiz.exams.factories import make_exam, make_paper, right_responses


@pytest.fixture
def sitting(app, api, exam_team):
    """A cadre in an open attempt: the attempt id and a question with a right response."""
    questions = make_paper()
    exam = make_exam(questions=questions, teams=[exam_team])
    db.session.commit()
    state = api.start(exam).json
    question_id, response = next(iter(right_responses(state, questions).items()))
    assert api.save(state["attempt_id"], question_id, response, seq=1).status_code == 200
    return state["attempt_id"], question_id, response


def _save_again(api, sitting, seq=2):
    attempt_id, question_id, response = sitting
    return api.save(attempt_id, question_id, response, seq=seq)


def test_the_save_refuses_a_login_ended_on_the_server(app, api, cadre, sitting):
    db.session.execute(update(UserSession).values(revoked_at=utcnow()))
    db.session.commit()
    assert _save_again(api, sitting).status_code == 401


def test_the_save_refuses_a_deactivated_account(app, api, cadre, sitting):
    db.session.execute(update(User).where(User.id == cadre.id).values(active=False))
    db.session.commit()
    assert _save_again(api, sitting).status_code == 401


def test_the_save_refuses_an_account_that_lost_the_cadre_role(app, api, cadre, sitting):
    db.session.execute(delete(UserRole).where(UserRole.user_id == cadre.id))
    db.session.commit()
    assert _save_again(api, sitting).status_code == 403


def test_the_save_asks_for_the_password_change_first(app, api, cadre, sitting):
    db.session.execute(update(User).where(User.id == cadre.id).values(must_change_password=True))
    db.session.commit()
    response = _save_again(api, sitting)
    assert response.status_code == 403
    assert response.json["error"] == "password_change_required"


@contextmanager
def driver_trace(seen: list[str]):
    """Every statement the test's database connection runs, as the driver sends it: the
    save's statements run on the driver's cursor, past SQLAlchemy's events. SQLite's trace
    callback; on PostgreSQL, libpq's protocol trace (its Query and Parse messages)."""
    driver_connection = db.engines[None].connection.dbapi_connection
    if isinstance(driver_connection, sqlite3.Connection):
        driver_connection.set_trace_callback(lambda sql: seen.append(_flat(sql)))
        try:
            yield
        finally:
            driver_connection.set_trace_callback(None)
        return
    # psycopg stops sending a statement's text (Parse) once it has prepared it, after a few
    # runs on a connection: not during the trace.
    threshold, driver_connection.prepare_threshold = driver_connection.prepare_threshold, None
    with tempfile.TemporaryFile() as trace:
        driver_connection.pgconn.trace(trace.fileno())
        try:
            yield
        finally:
            driver_connection.pgconn.untrace()
            driver_connection.prepare_threshold = threshold
        trace.seek(0)
        # One message per entry, each opening with its time; a statement may span lines.
        for entry in re.split(r"\n(?=\d{4}-\d\d-\d\d )", trace.read().decode()):
            fields = entry.split("\t", 4)
            if len(fields) > 4 and fields[1] == "F" and fields[3] in {"Query", "Parse"}:
                seen.append(_flat(fields[4]))


def _flat(sql: str) -> str:
    return " ".join(sql.split()).lower()


def test_the_save_reads_no_orm_user_and_still_stores_the_answer(app, api, sitting):
    """One statement finds the login, none loads the user as an object (no users.name)."""
    seen: list[str] = []
    with driver_trace(seen):
        response = _save_again(api, sitting, seq=7)
    assert response.status_code == 200 and response.json["applied"] is True
    lookups = [s for s in seen if "from user_sessions" in s and "select" in s]
    assert len(lookups) == 1
    assert [s for s in seen if "insert into exam_attempt_answers" in s]
    assert not [s for s in seen if "users.name" in s]
    attempt_id, _question_id, _response = sitting
    assert api.state(attempt_id).json["seqs"][str(_question_id)] == 7


def test_a_light_user_answers_anything_else_from_the_full_user(app, api, cadre, sitting):
    record = db.session.query(UserSession).filter_by(user_id=cadre.id).one()
    login = sessions.Login(record.id, "t", record.last_seen_at)
    light = sessions.SessionUser(cadre.id, frozenset({"cadre"}), False, login)
    assert light.has_role("cadre") and not light.has_role("admin") and not light.is_admin
    assert light.name == cadre.name and light.team_id == cadre.team_id
    assert light == cadre and light.get_id() == "t"


def test_an_unknown_or_oversized_token_is_no_login(app):
    assert sessions.live_session_user("no-such-token", utcnow()) is None
    assert sessions.live_session_user("x" * 500, utcnow()) is None
    assert sessions.live_session_user(None, utcnow()) is None

"""The centre-group JSON API a phone uses: check in (the page's service and refusals, as
4xx with the Chinese message), my teams' sessions, my year's standing — shaped as the OpenAPI
document says."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.checkin.models import Attendance
from app.checkin.services import attendance
from app.extensions import db
from tests.checkin.factories import START, make_session
from tests.openapi import assert_response_matches
from tests.quiz.exams.factories import Api

CHECK_IN = "/api/v1/checkin/sessions/{session_id}/check-in"
SESSIONS = "/api/v1/checkin/sessions"
ME = "/api/v1/checkin/me"
DURING = START + timedelta(minutes=3)  # inside the window, before the grace ends


@pytest.fixture
def session(world):
    session = make_session(world["sec"], world["team_a"])
    db.session.commit()
    return session


def _count(session) -> int:
    return db.session.scalar(
        select(func.count(Attendance.id)).where(Attendance.session_id == session.id)
    )


def _post(api, session, body):
    url = CHECK_IN.format(session_id=session.id)
    response = api.post(url, body)
    assert_response_matches(response, CHECK_IN, "POST")
    return response


def test_a_member_checks_in_once(app, world, session):
    with time_machine.travel(DURING, tick=False):
        api = Api(app.test_client(), world["cadre"])
        ok = _post(api, session, {"code": session.checkin_code})
        assert ok.status_code == 201
        assert ok.json["message"] == "签到成功"
        assert ok.json["attendance"]["status"] == "present"
        assert ok.json["attendance"]["late"] is False
        again = _post(api, session, {"code": session.checkin_code})
    assert again.status_code == 409
    assert again.json == {"error": "refused", "message": "您已签到，无需重复签到"}
    assert _count(session) == 1


@pytest.mark.parametrize(
    ("when", "body", "status", "message"),
    [
        (DURING, {"code": "000000"}, 422, "签到码不正确或已失效"),
        (DURING, {"code": ""}, 422, "请输入签到码"),
        (DURING, {"code": 123456}, 422, "请输入签到码"),
        (DURING, {}, 422, "请输入签到码"),
        (START - timedelta(hours=2), "CODE", 409, "签到尚未开始"),
        (START + timedelta(hours=3), "CODE", 409, "签到已关闭"),
    ],
)
def test_refusals_change_nothing(app, world, session, when, body, status, message):
    with time_machine.travel(when, tick=False):
        api = Api(app.test_client(), world["cadre"])
        body = {"code": session.checkin_code} if body == "CODE" else body
        response = _post(api, session, body)
    assert response.status_code == status
    assert message in response.json["message"]
    assert _count(session) == 0


def test_who_may_call_it(app, world, session):
    url = CHECK_IN.format(session_id=session.id)
    with time_machine.travel(DURING, tick=False):
        visitor = app.test_client()
        token = visitor.csrf_token()
        anonymous = visitor.post(
            url, json={"code": session.checkin_code}, headers={"X-CSRFToken": token}
        )
        assert anonymous.status_code == 401
        assert_response_matches(anonymous, CHECK_IN, "POST")
        outsider = _post(Api(app.test_client(), world["outsider"]), session, {"code": "1"})
        assert outsider.status_code == 403 and "不是本班子中心组成员" in outsider.json["message"]
        # the secretary (of another team) may not; an admin sees it but is no member
        assert _post(Api(app.test_client(), world["other_sec"]), session, {}).status_code == 403
        admin = _post(Api(app.test_client(), world["admin"]), session, {"code": "x"})
        assert admin.status_code == 409 and "不是本班子中心组成员" in admin.json["message"]
        missing = Api(app.test_client(), world["cadre"]).post(CHECK_IN.format(session_id=999999))
        assert missing.status_code == 404
        # without the CSRF token, as every JSON write of the house
        api = Api(app.test_client(), world["cadre"])
        no_token = api.client.post(url, json={"code": session.checkin_code})
        assert no_token.status_code == 400
        assert_response_matches(no_token, CHECK_IN, "POST")
        not_json = api.client.post(
            url, data="code=1", headers={"X-CSRFToken": api.token}, content_type="text/plain"
        )
        assert not_json.status_code == 415
    assert _count(session) == 0


def test_wrong_codes_share_the_pages_throttle(app, world, session):
    app.config["CHECKIN_CODE_RATE_LIMIT"] = "2 per 10 minutes"
    try:
        with time_machine.travel(DURING, tick=False):
            api = Api(app.test_client(), world["cadre"])
            page = api.client.post_form(f"/checkin/s/{session.id}", {"code": "999999"})
            assert page.status_code == 200  # the page's wrong code: counted
            assert _post(api, session, {"code": "999999"}).status_code == 422
            blocked = _post(api, session, {"code": session.checkin_code})
    finally:
        app.config["CHECKIN_CODE_RATE_LIMIT"] = "10 per 10 minutes"
    assert blocked.status_code == 429
    assert _count(session) == 0


def test_my_sessions_lists_my_teams_recent_and_upcoming(app, world, session):
    old = make_session(world["sec"], world["team_a"], starts_at=START - timedelta(days=60))
    later = make_session(world["sec"], world["team_a"], starts_at=START + timedelta(days=20))
    far = make_session(world["sec"], world["team_a"], starts_at=START + timedelta(days=90))
    other = make_session(world["other_sec"], world["team_b"])
    attendance.mark(world["sec"], later, world["cadre"], "leave", reason="出差")
    db.session.commit()
    with time_machine.travel(DURING, tick=False):
        response = Api(app.test_client(), world["cadre"]).get(SESSIONS)
        assert_response_matches(response, SESSIONS)
        listed = response.json["sessions"]
        assert [s["id"] for s in listed] == [session.id, later.id]
        assert listed[0]["checkin_open"] is True and listed[0]["my_attendance"] is None
        assert listed[0]["starts_at"] == "2027-03-10T01:00:00Z"
        assert listed[1]["checkin_open"] is False
        assert listed[1]["my_attendance"]["status"] == "leave"
        # the secretary runs team A (and is a member); team B's secretary sees team B's
        sec = Api(app.test_client(), world["sec"]).get(SESSIONS).json["sessions"]
        assert [s["id"] for s in sec] == [session.id, later.id]
        osec = Api(app.test_client(), world["other_sec"]).get(SESSIONS).json["sessions"]
        assert [s["id"] for s in osec] == [other.id]
        assert app.test_client().get(SESSIONS).status_code == 401
    assert old.id not in {s["id"] for s in listed} and far.id not in {s["id"] for s in listed}


def test_my_standing(app, world, session):
    with time_machine.travel(DURING, tick=False):
        api = Api(app.test_client(), world["cadre"])
        api.post(CHECK_IN.format(session_id=session.id), {"code": session.checkin_code})
    with time_machine.travel(datetime(2027, 3, 11, 2, 0), tick=False):
        api = Api(app.test_client(), world["cadre"])  # the day-old login has expired
        response = api.get(ME)
        assert_response_matches(response, ME)
        assert response.json["year"] == 2027 and response.json["met"] is False
        lines = {line["label"]: line for line in response.json["lines"]}
        assert lines["出勤率"]["actual"].startswith("100%") and lines["出勤率"]["met"] is True
        assert lines["心得体会"]["met"] is False
        earlier = api.get(ME + "?year=2026").json
        assert earlier["year"] == 2026 and earlier["lines"][0]["met"] is None
        bad = api.get(ME + "?year=1999")
        assert bad.status_code == 422
        assert_response_matches(bad, ME)

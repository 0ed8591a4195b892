"""The centre-group pages as their users meet them: the secretary records a session and shows
the code, a member checks in (or is told why not), the plan is filed and reviewed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.checkin.models import Attendance, StudySession
from app.checkin.services import plans
from app.extensions import db
from tests.checkin.factories import START, make_plan, make_session


def _login(app, user):
    client = app.test_client()
    assert client.login(user.username).status_code == 302
    return client


def _count(session) -> int:
    return db.session.scalar(
        select(func.count(Attendance.id)).where(Attendance.session_id == session.id)
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_secretary_records_a_session_in_local_time(app, world):
    client = _login(app, world["sec"])
    team = world["team_a"]
    response = client.post_form(
        f"/checkin/teams/{team.id}/sessions/new",
        {
            "kind": "seminar",
            "plan_item": "",
            "topic": "专题研讨：加强交流研讨",
            "starts_at": "2027-03-10T09:00",
            "ends_at": "2027-03-10T11:30",
            "place": "二楼研讨室",
            "hours": "2.5",
            "minutes": "## 纪要\n\n<script>alert(1)</script>讨论热烈",
        },
    )
    assert response.status_code == 302
    session = db.session.scalar(select(StudySession).where(StudySession.team_id == team.id))
    assert session.starts_at == datetime(2027, 3, 10, 1, 0)  # 09:00 in Shanghai, stored UTC
    page = client.get(f"/checkin/sessions/{session.id}")
    html = page.get_data(as_text=True)
    assert session.checkin_code in html and f"/checkin/s/{session.id}?code=" in html
    assert "<script>alert(1)</script>" not in html and "讨论热烈" in html
    assert "2027-03-10 09:00–11:30" in html


def test_a_bad_session_form_names_the_field_and_saves_nothing(app, world):
    client = _login(app, world["sec"])
    team = world["team_a"]
    response = client.post_form(
        f"/checkin/teams/{team.id}/sessions/new",
        {
            "kind": "collective",
            "topic": "学习",
            "starts_at": "2027-03-10T11:00",
            "ends_at": "2027-03-10T09:00",
        },
    )
    assert response.status_code == 200 and "结束时间须晚于开始时间" in _text(response)
    assert db.session.scalar(select(func.count(StudySession.id))) == 0


def test_a_member_checks_in_with_the_code_and_sees_it_on_their_record(app, world):
    session = make_session(world["sec"], world["team_a"])
    db.session.commit()
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        client = _login(app, world["cadre"])  # a login lasts hours: log in at the pinned time
        prefilled = client.get(f"/checkin/s/{session.id}?code={session.checkin_code}")
        assert f'value="{session.checkin_code}"' in prefilled.get_data(as_text=True)
        assert _count(session) == 0  # opening the link records nothing
        wrong = client.post_form(f"/checkin/s/{session.id}", {"code": "abc"})
        assert wrong.status_code == 200 and "签到码不正确" in _text(wrong)
        assert _count(session) == 0
        done = client.post_form(f"/checkin/s/{session.id}", {"code": session.checkin_code})
        assert done.status_code == 302
        again = client.post_form(f"/checkin/s/{session.id}", {"code": session.checkin_code})
        assert "您已签到，无需重复签到" in _text(again)
        record = _text(client.get("/checkin/"))
    assert _count(session) == 1
    assert session.topic in record and "出席" in record


def test_check_in_outside_the_window_and_by_a_non_member(app, world):
    session = make_session(world["sec"], world["team_a"])
    db.session.commit()
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=False):
        client = _login(app, world["cadre"])
        closed = client.post_form(f"/checkin/s/{session.id}", {"code": session.checkin_code})
    assert "签到已关闭" in _text(closed)
    with time_machine.travel(START, tick=False):
        admin = _login(app, world["admin"])
        refused = admin.post_form(f"/checkin/s/{session.id}", {"code": session.checkin_code})
    assert "不是本班子中心组成员" in _text(refused)
    outsider = _login(app, world["outsider"])
    assert outsider.get(f"/checkin/s/{session.id}").status_code == 403
    assert _count(session) == 0


def test_the_secretary_marks_leave_with_a_reason(app, world):
    session = make_session(world["sec"], world["team_a"])
    db.session.commit()
    client = _login(app, world["sec"])
    url = f"/checkin/sessions/{session.id}/attendance"
    cadre = world["cadre"]
    refused = client.post_form(url, {"user": cadre.id, "status": "leave"}, follow_redirects=True)
    assert "请假须填写事由" in _text(refused) and _count(session) == 0
    client.post_form(url, {"user": cadre.id, "status": "leave", "reason": "外出开会"})
    sheet = _text(client.get(f"/checkin/sessions/{session.id}"))
    assert "外出开会" in sheet and "请假 1 人" in sheet
    # the member sees their own status, not the sheet
    member = _text(_login(app, cadre).get(f"/checkin/sessions/{session.id}"))
    assert "请假" in member and 'id="attendance-sheet"' not in member


def test_speakers_and_measures_through_the_page(app, world):
    session = make_session(world["sec"], world["team_a"], kind="first_topic")
    db.session.commit()
    client = _login(app, world["sec"])
    client.post_form(
        f"/checkin/sessions/{session.id}/speakers",
        {
            "speaker": world["cadre"].id,
            "role": "lead",
            "title": "领学重要讲话",
            "outline": "一\n二",
        },
    )
    client.post_form(
        f"/checkin/sessions/{session.id}/measures",
        {"what": "制定落实方案", "owner": world["cadre2"].id, "due_on": "2027-04-01"},
    )
    page = _text(client.get(f"/checkin/sessions/{session.id}"))
    assert "领学重要讲话" in page and "制定落实方案" in page and "推进中" in page
    measure = session.measures[0]
    client.post_form(f"/checkin/measures/{measure.id}/status", {"status": "done"})
    db.session.refresh(measure)
    assert measure.status == "done"


def test_plan_filed_by_the_secretary_and_reviewed_by_the_admin(app, world):
    team = world["team_a"]
    sec = _login(app, world["sec"])
    url = f"/checkin/teams/{team.id}/plan?year=2027"
    added = sec.post_form(
        f"/checkin/teams/{team.id}/plan/items?year=2027",
        {"month": "3", "kind": "first_topic", "topic": "第一议题学习", "lead_user": ""},
    )
    assert added.status_code == 302
    plan = plans.plan_for(team, 2027)
    sec.post_form(f"/checkin/plans/{plan.id}/file")
    assert plan.status == "filed"
    admin = _login(app, world["admin"])
    overview = _text(admin.get("/checkin/plans?year=2027"))
    assert team.full_name in overview and "已备案待审" in overview
    no_reason = admin.post_form(
        f"/checkin/plans/{plan.id}/return", {"text": ""}, follow_redirects=True
    )
    assert "退回须写明原因" in _text(no_reason) and plan.status == "filed"
    admin.post_form(f"/checkin/plans/{plan.id}/return", {"text": "请补充读书班安排"})
    assert plan.status == "returned"
    page = _text(sec.get(url))
    assert "请补充读书班安排" in page and "退回修改" in page


def test_an_amendment_needs_its_reason_on_the_page(app, world):
    plan = make_plan(world["sec"], world["team_a"])
    plans.file_plan(world["sec"], plan)
    db.session.commit()
    item = plan.items[0]
    client = _login(app, world["sec"])
    data = {"month": "5", "kind": "collective", "topic": "调整后的主题", "lead_user": ""}
    refused = client.post_form(f"/checkin/plan-items/{item.id}/edit", data)
    assert refused.status_code == 200 and "修改须写明原因" in _text(refused)
    assert item.topic == "第1次集体学习"
    data["reason"] = "结合上级部署调整"
    assert client.post_form(f"/checkin/plan-items/{item.id}/edit", data).status_code == 302
    history = _text(client.get(f"/checkin/teams/{world['team_a'].id}/plan?year=2027"))
    assert "备案后修改" in history and "结合上级部署调整" in history


@pytest.mark.parametrize("who", ["other_sec", "outsider"])
def test_another_teams_people_are_refused(app, world, who):
    session = make_session(world["sec"], world["team_a"])
    db.session.commit()
    client = _login(app, world[who])
    assert client.get(f"/checkin/sessions/{session.id}").status_code == 403
    assert client.get(f"/checkin/teams/{world['team_a'].id}/sessions").status_code == 403
    assert client.get("/checkin/sessions/999999").status_code == 404


def test_the_nav_shows_the_entry_to_cadres_and_the_filing_page_to_admins(app, world):
    cadre_page = _login(app, world["cadre"]).get("/checkin/").get_data(as_text=True)
    assert 'href="/checkin/"' in cadre_page and 'href="/checkin/plans"' not in cadre_page
    admin_page = _login(app, world["admin"]).get("/checkin/plans").get_data(as_text=True)
    assert 'href="/checkin/plans"' in admin_page


def test_guessing_codes_is_throttled_but_a_typo_is_not_punished(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_CODE_RATE_LIMIT", "3 per 10 minutes")
    session = make_session(world["sec"], world["team_a"])
    db.session.commit()
    url = f"/checkin/s/{session.id}"
    with time_machine.travel(START, tick=False):
        client = _login(app, world["cadre"])
        for _ in range(3):
            assert client.post_form(url, {"code": "999999x"}).status_code == 200
        assert client.post_form(url, {"code": session.checkin_code}).status_code == 429
        # another member's budget is their own
        other = _login(app, world["cadre2"])
        assert other.post_form(url, {"code": session.checkin_code}).status_code == 302
    assert _count(session) == 1

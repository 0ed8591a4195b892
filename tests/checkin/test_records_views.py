"""The pages of reflections, self-study, party lectures, quotas, standings, the study record
and the check-in QR code, as their users meet them."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.checkin.models import PartyLecture, Reflection, SelfStudy
from app.checkin.services import attendance
from app.extensions import db
from tests.checkin.factories import START, make_session

TEXT = "学习贯彻" * 60


def _login(app, user):
    client = app.test_client()
    assert client.login(user.username).status_code == 302
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_a_member_writes_a_reflection_and_the_secretary_sees_who_has_not(app, world):
    sec, cadre = world["sec"], world["cadre"]
    session = make_session(sec, world["team_a"])
    attendance.mark(sec, session, cadre, "present")
    attendance.mark(sec, session, world["cadre2"], "present")
    db.session.commit()
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        member = _login(app, cadre)
        secretary = _login(app, sec)
        short = member.post_form(
            f"/checkin/sessions/{session.id}/reflection", {"title": "体会", "body": "太短"}
        )
        assert short.status_code == 200 and "不少于 200 字" in _text(short)
        page = _text(secretary.get(f"/checkin/sessions/{session.id}"))
        assert "出席但尚未提交：" in page and cadre.name in page.split("出席但尚未提交：")[1]
        done = member.post_form(
            f"/checkin/sessions/{session.id}/reflection", {"title": "学习体会", "body": TEXT}
        )
        assert done.status_code == 302
        page = _text(secretary.get(f"/checkin/sessions/{session.id}"))
        row = db.session.scalar(select(Reflection))
        other = _login(app, world["other_sec"])
        assert other.get(f"/checkin/reflections/{row.id}").status_code == 403
        listing = _text(secretary.get(f"/checkin/teams/{world['team_a'].id}/reflections?year=2027"))
    assert "学习体会" in page
    assert "出席的成员都已提交" not in page  # cadre2 has not
    assert cadre.name not in page.split("出席但尚未提交：")[1].split("</p>")[0]
    assert "学习体会" in listing and world["cadre2"].name in listing


def test_self_study_page_records_and_refuses_a_second_on_the_day(app, world):
    with time_machine.travel(START, tick=False):
        client = _login(app, world["cadre"])
        form = {
            "studied_on": "2027-03-10",
            "minutes": "45",
            "material_kind": "book",
            "title": "《之江新语》",
        }
        assert client.post_form("/checkin/self-study", form).status_code == 302
        again = client.post_form("/checkin/self-study", form)
        assert again.status_code == 200 and "当天已经打过卡" in _text(again)
        bad = client.post_form(
            "/checkin/self-study",
            {
                "studied_on": "2027-03-10",
                "minutes": "45",
                "material_kind": "link",
                "url": "ftp://x",
            },
        )
        assert "http://" in _text(bad)
        page = _text(client.get("/checkin/self-study?year=2027"))
    assert "之江新语" in page and "已自学 45 分钟" in page
    assert db.session.scalar(select(SelfStudy.minutes)) == 45


def test_the_secretary_records_a_lecture_and_members_see_it(app, world):
    team = world["team_a"]
    with time_machine.travel(START, tick=False):
        secretary = _login(app, world["sec"])
        response = secretary.post_form(
            f"/checkin/teams/{team.id}/lectures",
            {
                "member": str(world["cadre"].id),
                "given_on": "2027-03-01",
                "branch": "机关第二党支部",
                "topic": "践行初心使命",
                "audience": "42",
            },
        )
        assert response.status_code == 302
        refused = secretary.post_form(f"/checkin/teams/{team.id}/lectures", {"member": ""})
        assert refused.status_code == 200 and "请选择人员" in _text(refused)
        page = _text(
            _login(app, world["cadre2"]).get(f"/checkin/teams/{team.id}/lectures?year=2027")
        )
    assert db.session.scalar(select(PartyLecture.audience)) == 42
    assert "践行初心使命" in page and "机关第二党支部" in page


def test_quotas_standings_and_the_printable_record(app, world):
    admin = _login(app, world["admin"])
    response = admin.post_form(
        "/checkin/quotas?year=2027",
        {
            "attendance_percent": "95",
            "reflections": "3",
            "lectures": "1",
            "self_study_minutes": "600",
            "reflection_min_chars": "300",
        },
    )
    assert response.status_code == 302
    bad = admin.post_form("/checkin/quotas?year=2027", {"attendance_percent": "101"})
    assert "请填写每一项要求" in _text(bad) or "0 到 100" in _text(bad)
    team = world["team_a"]
    member = _login(app, world["cadre"])
    standing = _text(member.get(f"/checkin/teams/{team.id}/standings?year=2027"))
    assert "≥ 95%" in standing and "≥ 3 篇" in standing
    assert world["cadre2"].name not in standing  # a member sees their own line only
    full = _text(_login(app, world["sec"]).get(f"/checkin/teams/{team.id}/standings?year=2027"))
    assert world["cadre2"].name in full
    record = member.get(f"/checkin/record/{world['cadre'].id}?year=2027").get_data(as_text=True)
    assert "checkin-print.css" in record and "data-print" in record and "学习档案" in record
    assert (
        _login(app, world["other_sec"]).get(f"/checkin/record/{world['cadre'].id}").status_code
        == 403
    )


def test_the_qr_code_is_drawn_here_for_the_secretary(app, world):
    session = make_session(world["sec"], world["team_a"])
    db.session.commit()
    response = _login(app, world["sec"]).get(f"/checkin/sessions/{session.id}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data.lstrip().startswith(b"<svg") and b"<path" in response.data
    page = _login(app, world["sec"]).get(f"/checkin/sessions/{session.id}").get_data(as_text=True)
    assert f"/checkin/sessions/{session.id}/qr.svg" in page
    assert (
        _login(app, world["cadre"]).get(f"/checkin/sessions/{session.id}/qr.svg").status_code == 403
    )

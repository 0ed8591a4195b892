"""签到: a member, inside the window, with the right code, is recorded once; every other case
gets a message and changes nothing. The secretary marks by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.checkin.models import Attendance
from app.checkin.services import attendance, sessions
from app.checkin.services.base import CheckinError
from app.extensions import db
from tests.checkin.factories import START, make_session


@pytest.fixture
def session(world):
    return make_session(world["sec"], world["team_a"])


def _rows(session) -> int:
    return db.session.scalar(
        select(func.count(Attendance.id)).where(Attendance.session_id == session.id)
    )


def test_a_member_checks_in_on_time_and_late(app, world, session, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_LATE_GRACE_MINUTES", 5)
    on_time = attendance.check_in(
        world["cadre"], session, session.checkin_code, now=START + timedelta(minutes=5)
    )
    assert (on_time.status, on_time.late, on_time.method) == ("present", False, "code")
    assert on_time.checked_in_at == START + timedelta(minutes=5)
    late = attendance.check_in(
        world["cadre2"], session, f" {session.checkin_code} ", now=START + timedelta(minutes=6)
    )
    assert late.late is True


def test_the_window_opens_before_the_start_and_closes_at_the_end(app, world, session, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_OPEN_BEFORE_MINUTES", 30)
    code = session.checkin_code
    with pytest.raises(CheckinError, match="尚未开始"):
        attendance.check_in(world["cadre"], session, code, now=START - timedelta(minutes=31))
    with pytest.raises(CheckinError, match="已结束"):
        attendance.check_in(
            world["cadre"], session, code, now=session.ends_at + timedelta(seconds=1)
        )
    assert _rows(session) == 0
    early = attendance.check_in(world["cadre"], session, code, now=START - timedelta(minutes=30))
    assert early.late is False
    at_end = attendance.check_in(world["cadre2"], session, code, now=session.ends_at)
    assert at_end.late is True


def test_refusals_change_nothing(world, session):
    now = START
    code = session.checkin_code
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(CheckinError, match="不正确") as refused:
        attendance.check_in(world["cadre"], session, wrong, now=now)
    assert refused.value.field == "code"
    with pytest.raises(CheckinError, match="请输入"):
        attendance.check_in(world["cadre"], session, "", now=now)
    with pytest.raises(CheckinError, match="不是本班子"):
        attendance.check_in(world["outsider"], session, code, now=now)
    with pytest.raises(CheckinError, match="不是本班子"):
        attendance.check_in(world["admin"], session, code, now=now)
    assert _rows(session) == 0
    # a replaced code has expired
    sessions.regenerate_code(world["sec"], session)
    with pytest.raises(CheckinError, match="不正确或已失效"):
        attendance.check_in(world["cadre"], session, code, now=now)
    first = attendance.check_in(world["cadre"], session, session.checkin_code, now=now)
    with pytest.raises(CheckinError, match="已签到"):
        attendance.check_in(
            world["cadre"], session, session.checkin_code, now=now + timedelta(minutes=1)
        )
    assert _rows(session) == 1 and first.checked_in_at == now


def test_a_member_marked_on_leave_cannot_check_in_over_it(world, session):
    attendance.mark(world["sec"], session, world["cadre"], "leave", reason="出差")
    with pytest.raises(CheckinError, match="请假或缺席"):
        attendance.check_in(world["cadre"], session, session.checkin_code, now=START)


def test_the_secretary_marks_and_corrects(world, session):
    sec = world["sec"]
    with pytest.raises(CheckinError) as no_reason:
        attendance.mark(sec, session, world["cadre"], "leave")
    assert no_reason.value.field == "reason"
    leave = attendance.mark(sec, session, world["cadre"], "leave", reason="外出调研", now=START)
    assert (leave.status, leave.reason, leave.method, leave.checked_in_at) == (
        "leave",
        "外出调研",
        "manual",
        None,
    )
    corrected = attendance.mark(sec, session, world["cadre"], "present", late=True)
    assert corrected is leave and (corrected.status, corrected.late, corrected.reason) == (
        "present",
        True,
        "",
    )
    absent = attendance.mark(sec, session, world["cadre2"], "absent", late=True)
    assert absent.late is False  # only someone present arrives late
    with pytest.raises(CheckinError) as outsider:
        attendance.mark(sec, session, world["outsider"], "present")
    assert outsider.value.field == "user"
    with pytest.raises(CheckinError):
        attendance.mark(world["other_sec"], session, world["cadre"], "absent")
    # a member's own check-in stays a check-in when the secretary flags it late
    own = attendance.check_in(world["sec"], session, session.checkin_code, now=START)
    flagged = attendance.mark(sec, session, world["sec"], "present", late=True)
    assert flagged is own and flagged.method == "code" and flagged.late is True
    assert _rows(session) == 3


def test_the_sheet_and_a_members_record(world, session):
    sec = world["sec"]
    attendance.check_in(world["cadre"], session, session.checkin_code, now=START)
    attendance.mark(sec, session, world["cadre2"], "leave", reason="病假")
    rows = attendance.sheet(session)
    assert {r.member.username for r in rows} == {"k-cadre", "k-cadre2", "k-sec"}
    counts = attendance.sheet_counts(rows)
    assert (counts["present"], counts["leave"], counts["unrecorded"]) == (1, 1, 1)
    other = make_session(sec, world["team_a"], starts_at=START + timedelta(days=7))
    record = attendance.my_record(world["cadre"])
    assert [(r.session, r.attendance and r.attendance.status) for r in record] == [
        (other, None),
        (session, "present"),
    ]
    assert attendance.my_record(world["outsider"]) == []


def test_the_losing_insert_of_a_race_is_refused_and_the_transaction_goes_on(
    world, session, monkeypatch
):
    # Both taps read "no row yet": the second INSERT meets the unique constraint.
    first = attendance.check_in(world["cadre"], session, session.checkin_code, now=START)
    monkeypatch.setattr(attendance, "attendance_of", lambda *_: None)
    with pytest.raises(CheckinError, match="已签到"):
        attendance.check_in(world["cadre"], session, session.checkin_code, now=START)
    assert _rows(session) == 1 and db.session.get(Attendance, first.id) is first
    # and a secretary's mark racing a check-in corrects the row that won
    monkeypatch.undo()
    attendance.check_in(world["cadre2"], session, session.checkin_code, now=START)
    monkeypatch.setattr(attendance, "attendance_of", _second_call_finds_the_row())
    marked = attendance.mark(world["sec"], session, world["cadre2"], "present", late=True)
    assert marked.late is True and marked.method == "code" and _rows(session) == 2


def _second_call_finds_the_row():
    real = attendance.attendance_of
    calls = {"n": 0}

    def lookup(session, user):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(session, user)

    return lookup

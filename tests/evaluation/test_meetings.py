"""民主生活会 and 谈心谈话: halting orders a re-held meeting; the rectification list closes only
with evidence; overdue items remind their owners once a day (a travelling clock); the report
counts; talks are confidential and secretaries see who has had none this year."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.common.audit import AuditLog
from app.evaluation import jobs
from app.evaluation.models import LifeMeeting
from app.evaluation.services import EvaluationError, meetings, talks
from app.extensions import db
from app.notify.models import Notification
from tests.evaluation.factories import login, make_round, page_text


@pytest.fixture
def meeting(world):
    return meetings.create_meeting(
        world["sec"], world["team_a"], topic="年度民主生活会", held_on=date(2027, 1, 20)
    )


def _item(world, meeting, due=date(2027, 3, 31), owner=None):
    return meetings.add_rectification(
        world["sec"],
        meeting,
        owner=owner or world["cadre"],
        problem="联系群众不够紧密",
        measure="建立基层联系点",
        due_on=due,
    )


def _notes(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_halting_orders_a_reheld_meeting(app, world, meeting):
    again = meetings.halt(world["admin"], meeting, "查摆问题不深不实", date(2027, 2, 10))
    assert meeting.status == "halted" and meeting.outcome == "查摆问题不深不实"
    assert (again.reheld_from_id, again.held_on, again.status) == (
        meeting.id,
        date(2027, 2, 10),
        "planned",
    )
    with pytest.raises(EvaluationError):
        meetings.halt(world["admin"], meeting, "再次", date(2027, 3, 1))
    with pytest.raises(EvaluationError):
        meetings.record_outcome(world["sec"], meeting, "已召开")
    with pytest.raises(EvaluationError) as caught:
        meetings.halt(world["admin"], again, "", date(2027, 3, 1))
    assert caught.value.field == "reason"


def test_items_belong_to_members_and_closing_needs_evidence(app, world, meeting):
    with pytest.raises(EvaluationError) as caught:
        meetings.add_item(world["sec"], meeting, world["outsider"], "self", "检查")
    assert caught.value.field == "member"
    meetings.add_item(world["sec"], meeting, world["cadre"], "criticism", "调研不够")
    item = _item(world, meeting)
    with pytest.raises(EvaluationError) as caught:
        meetings.update_rectification(world["cadre"], item, status="done", evidence="")
    assert caught.value.field == "evidence" and item.status == "open"
    meetings.update_rectification(
        world["cadre"], item, status="done", evidence="联系点工作记录", today=date(2027, 3, 1)
    )
    assert (item.status, item.closed_on) == ("done", date(2027, 3, 1))


def test_overdue_items_remind_their_owners_once_a_day(app, world, meeting):
    late = _item(world, meeting, due=date(2027, 3, 31))
    _item(world, meeting, due=date(2027, 12, 31), owner=world["cadres"][1])
    closed = _item(world, meeting, due=date(2027, 1, 31), owner=world["cadres"][2])
    meetings.update_rectification(world["sec"], closed, status="done", evidence="已完成")
    db.session.commit()
    # 2027-04-01 09:00 in Shanghai: the day after the due date
    with time_machine.travel(datetime(2027, 4, 1, 1, 0, tzinfo=UTC), tick=False):
        jobs.rectification_reminders()
        jobs.rectification_reminders()  # the same day: no second reminder
    notes = _notes(world["cadre"])
    assert len(notes) == 1 and "逾期" in notes[0].message
    assert notes[0].link == f"/evaluation/meetings/{meeting.id}"
    assert _notes(world["cadres"][1]) == [] and _notes(world["cadres"][2]) == []
    with time_machine.travel(datetime(2027, 4, 2, 1, 0, tzinfo=UTC), tick=False):
        jobs.rectification_reminders()
        assert [i.id for i in meetings.overdue_items(date(2027, 4, 2), world["team_a"].id)] == [
            late.id
        ]
        page = page_text(
            login(app, world["sec"]).get(f"/evaluation/teams/{world['team_a'].id}/meetings")
        )
    assert len(_notes(world["cadre"])) == 2
    assert 'id="overdue"' in page and "联系群众不够紧密" in page
    # on the due date itself nothing is overdue
    assert meetings.overdue_items(date(2027, 3, 31)) == []


def test_the_report_counts_the_list(app, world, meeting):
    _item(world, meeting, due=date(2027, 3, 31))
    done = _item(world, meeting, due=date(2027, 6, 30))
    meetings.update_rectification(world["sec"], done, status="done", evidence="材料")
    report = meetings.report(meeting, today=date(2027, 4, 1))
    assert (report.total, report.done, report.open, len(report.overdue)) == (2, 1, 1, 1)
    db.session.commit()
    page = page_text(login(app, world["admin"]).get(f"/evaluation/meetings/{meeting.id}/report"))
    assert "共查摆整改事项 2 项，已销号 1 项" in page


def test_the_owner_updates_their_item_from_their_page(app, world, meeting):
    item = _item(world, meeting)
    db.session.commit()
    client = login(app, world["cadre"])
    assert "联系群众不够紧密" in page_text(client.get("/evaluation/"))
    response = client.post_form(
        f"/evaluation/rectifications/{item.id}", {"status": "done", "evidence": "工作台账"}
    )
    assert response.status_code == 302 and response.location.endswith("/evaluation/")
    assert db.session.get(type(item), item.id).status == "done"
    # not someone else's
    other = login(app, world["cadres"][1])
    assert (
        other.post_form(f"/evaluation/rectifications/{item.id}", {"status": "open"}).status_code
        == 403
    )


def test_talks_are_confidential_and_show_who_has_had_none(app, world):
    team = world["team_a"]
    talk = talks.record_talk(
        world["sec"],
        team,
        subject=world["cadre"],
        talker="组织部",
        kind="inquiry",
        held_on=date(2027, 5, 1),
        record="就群众反映问题函询",
    )
    talks.record_talk(
        world["sec"],
        team,
        subject=world["cadres"][1],
        talker="书记",
        kind="heart",
        held_on=date(2026, 12, 1),
        record="去年的谈话",
    )
    without = talks.members_without_talk(team, 2027)
    assert world["cadre"] not in without and world["cadres"][1] in without
    with pytest.raises(EvaluationError) as caught:
        talks.update_talk(world["sec"], talk, reply="", verification="已核实", follow_up="")
    assert caught.value.field == "verification"
    talks.update_talk(world["sec"], talk, reply="情况说明", verification="经核实属实", follow_up="")
    with pytest.raises(EvaluationError):
        talks.record_talk(
            world["sec"],
            team,
            subject=world["outsider"],
            talker="x",
            kind="heart",
            held_on=date(2027, 1, 1),
            record="x",
        )
    db.session.commit()
    for user in (world["cadre"], world["cadres"][1], world["other_assessor"]):
        assert login(app, user).get(f"/evaluation/talks/{talk.id}").status_code == 403
    page = page_text(login(app, world["assessor"]).get(f"/evaluation/talks/{talk.id}"))
    assert "就群众反映问题函询" in page and "经核实属实" in page
    opened = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "evaluation.talk.open")
    ).all()
    assert [e.actor_id for e in opened] == [world["assessor"].id]


def test_the_home_page_lists_what_the_cadre_has_to_do(app, world, meeting):
    make_round(world["team_a"])
    _item(world, meeting, due=date(2027, 3, 31))
    db.session.commit()
    with time_machine.travel(datetime(2027, 4, 1, 1, 0, tzinfo=UTC), tick=False):
        home = page_text(login(app, world["cadre"]).get("/"))
    assert "填写自评" in home and "民主测评：还有 7 个对象待测评" in home
    assert "整改事项已逾期：联系群众不够紧密" in home


def test_a_malformed_date_is_named_and_changes_nothing(app, world, meeting):
    db.session.commit()
    client = login(app, world["admin"])
    response = client.post_form(
        f"/evaluation/meetings/{meeting.id}/halt",
        {"reason": "走过场", "reheld_on": "2027-13-01"},
        follow_redirects=True,
    )
    assert "日期格式应为 YYYY-MM-DD" in page_text(response)
    assert db.session.get(type(meeting), meeting.id).status == "planned"


def test_an_assessor_in_scope_halts_and_orders_a_reheld_meeting(app, world, meeting):
    db.session.commit()
    url = f"/evaluation/meetings/{meeting.id}/halt"
    form = {"reason": "批评和自我批评不深入", "reheld_on": "2027-02-15"}
    for outsider in ("other_assessor", "sec", "cadre"):
        assert login(app, world[outsider]).post_form(url, form).status_code == 403
    assert db.session.get(LifeMeeting, meeting.id).status == "planned"
    client = login(app, world["assessor"])
    assert "叫停并责令重开" in page_text(client.get(f"/evaluation/meetings/{meeting.id}"))
    response = client.post_form(url, form)
    assert response.status_code == 302
    db.session.expire_all()
    halted = db.session.get(LifeMeeting, meeting.id)
    again = db.session.scalar(select(LifeMeeting).where(LifeMeeting.reheld_from_id == meeting.id))
    assert halted.status == "halted" and halted.outcome == "批评和自我批评不深入"
    assert again.held_on == date(2027, 2, 15) and again.team_id == world["team_a"].id
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "evaluation.meeting.halt"))
    assert entry.actor_id == world["assessor"].id and entry.details == {"reheld_id": again.id}
    assert "叫停并责令重开" not in page_text(
        login(app, world["sec"]).get(f"/evaluation/meetings/{again.id}")
    )

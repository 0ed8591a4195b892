"""学习计划备案: the workflow draft → filed → acknowledged / returned, amendments once filed,
and the filing overview with its due date."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.checkin.services import plans, sessions
from app.checkin.services.base import CheckinError
from app.extensions import db
from tests.checkin.factories import START, make_plan

T_FILE = datetime(2027, 2, 1, 2, 0)
T_REVIEW = datetime(2027, 2, 3, 2, 0)


def test_a_secretary_files_and_an_admin_acknowledges(world):
    sec, admin = world["sec"], world["admin"]
    plan = make_plan(sec, world["team_a"])
    assert plan.status == "draft"
    plans.file_plan(sec, plan, now=T_FILE)
    assert (plan.status, plan.filed_at, plan.filed_by_id) == ("filed", T_FILE, sec.id)
    plans.acknowledge(admin, plan, comment="安排合理", now=T_REVIEW)
    assert plan.status == "acknowledged"
    assert (plan.reviewed_by_id, plan.reviewed_at, plan.comment) == (admin.id, T_REVIEW, "安排合理")
    assert [e.kind for e in plan.events] == ["filed", "acknowledged"]
    assert plan.events[1].reason == "安排合理"


def test_return_needs_a_reason_then_the_secretary_edits_and_files_again(world):
    sec, admin = world["sec"], world["admin"]
    plan = make_plan(sec, world["team_a"])
    plans.file_plan(sec, plan, now=T_FILE)
    with pytest.raises(CheckinError) as refused:
        plans.return_plan(admin, plan, reason="  ", now=T_REVIEW)
    assert refused.value.field == "reason" and plan.status == "filed"
    plans.return_plan(admin, plan, reason="缺少第一议题安排", now=T_REVIEW)
    assert plan.status == "returned" and plan.comment == "缺少第一议题安排"
    # editing a returned plan needs no reason: it is a draft again
    plans.add_item(sec, plan, plans.ItemFields(month=5, topic="第一议题学习", kind="first_topic"))
    assert plan.status == "draft"
    plans.file_plan(sec, plan, now=T_REVIEW)
    assert plan.status == "filed"
    assert plan.filed_at == T_FILE  # lateness counts from the first filing
    assert [e.kind for e in plan.events] == ["filed", "returned", "filed"]


def test_an_edit_after_filing_is_an_amendment_with_its_reason(world):
    sec, admin = world["sec"], world["admin"]
    plan = make_plan(sec, world["team_a"])
    plans.file_plan(sec, plan, now=T_FILE)
    plans.acknowledge(admin, plan, now=T_REVIEW)
    item = plan.items[0]
    with pytest.raises(CheckinError) as refused:
        plans.update_item(sec, item, plans.ItemFields(month=3, topic="改后的主题"))
    assert refused.value.field == "reason"
    assert item.topic == "第1次集体学习" and plan.status == "acknowledged"

    later = datetime(2027, 4, 1, 2, 0)
    plans.update_item(
        sec, item, plans.ItemFields(month=3, topic="改后的主题"), reason="上级调整", now=later
    )
    assert plan.status == "filed" and plan.reviewed_at is None
    amended = plan.events[-1]
    assert (amended.kind, amended.actor_id, amended.at, amended.reason) == (
        "amended",
        sec.id,
        later,
        "上级调整",
    )
    assert "第1次集体学习" in amended.what and "改后的主题" in amended.what

    plans.remove_item(sec, plan.items[-1], reason="合并到三月", now=later)
    assert plan.events[-1].kind == "amended" and "删除" in plan.events[-1].what
    assert len(plan.items) == 1


def test_refusals(world):
    sec, admin, other_sec, cadre = world["sec"], world["admin"], world["other_sec"], world["cadre"]
    team_a = world["team_a"]
    with pytest.raises(CheckinError):
        plans.open_plan(other_sec, team_a, 2027)  # another team's secretary
    with pytest.raises(CheckinError):
        plans.open_plan(admin, team_a, 2027)  # admins review, they do not write plans
    plan = plans.open_plan(sec, team_a, 2027)
    assert plans.open_plan(sec, team_a, 2027) is plan  # one plan a year
    with pytest.raises(CheckinError, match="至少要有一项"):
        plans.file_plan(sec, plan)
    with pytest.raises(CheckinError) as bad_month:
        plans.add_item(sec, plan, plans.ItemFields(month=13, topic="x"))
    assert bad_month.value.field == "month"
    with pytest.raises(CheckinError) as outsider:
        plans.add_item(sec, plan, plans.ItemFields(month=1, topic="x", lead_user=world["outsider"]))
    assert outsider.value.field == "lead_user"
    plans.add_item(sec, plan, plans.ItemFields(month=1, topic="x", lead_user=cadre))
    with pytest.raises(CheckinError):
        plans.acknowledge(admin, plan)  # not filed yet
    plans.file_plan(sec, plan, now=T_FILE)
    with pytest.raises(CheckinError, match="无需重复"):
        plans.file_plan(sec, plan)
    with pytest.raises(CheckinError):
        plans.acknowledge(sec, plan)  # a secretary cannot acknowledge
    with pytest.raises(CheckinError):
        plans.update_item(
            other_sec, plan.items[0], plans.ItemFields(month=1, topic="y"), reason="r"
        )
    assert plan.status == "filed" and plan.items[0].topic == "x"


def test_the_overview_shows_who_filed_and_who_is_late(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_PLAN_DUE", "03-31")
    sec, other_sec = world["sec"], world["other_sec"]
    plans.file_plan(sec, make_plan(sec, world["team_a"]), now=datetime(2027, 3, 31, 15, 0))
    late_plan = make_plan(other_sec, world["team_b"])

    def rows(now):
        return {r.team.name: r for r in plans.filing_overview(2027, now=now)}

    # 31 March 23:00 in Shanghai: team A filed on the day, team B not yet late
    before = rows(datetime(2027, 3, 31, 15, 0))
    assert set(before) == {"甲班子", "乙班子"}  # leadership teams only, not the department
    assert before["甲班子"].plan.status == "filed" and not before["甲班子"].filed_late
    assert not before["乙班子"].overdue
    # 1 April 00:30 in Shanghai: team B is overdue
    after = rows(datetime(2027, 3, 31, 16, 30))
    assert after["乙班子"].overdue and after["乙班子"].plan.status == "draft"
    plans.file_plan(other_sec, late_plan, now=datetime(2027, 4, 2, 2, 0))
    filed = rows(datetime(2027, 4, 2, 2, 0))
    assert filed["乙班子"].filed_late and not filed["乙班子"].overdue
    assert not filed["甲班子"].filed_late


def test_removing_an_item_keeps_the_sessions_held_on_it(world):
    sec = world["sec"]
    plan = make_plan(sec, world["team_a"])
    item = plan.items[0]
    held = sessions.create_session(
        sec,
        world["team_a"],
        sessions.SessionFields(
            kind="collective",
            starts_at=START,
            ends_at=START.replace(hour=3),
            topic="",
            plan_item=item,
        ),
    )
    plans.remove_item(sec, item)
    db.session.expire(held)
    assert held.plan_item_id is None and held.topic == "第1次集体学习"

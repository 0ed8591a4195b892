"""Assignments: who may assign what to whom, who then sees the course, and what the
cadre's home page and the secretary's pages show."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from app.common.errors import DomainError
from app.courses import policy
from app.courses.services import assignments as assigning
from app.courses.services.progress import record_heartbeat
from app.extensions import db
from app.stats import course_progress as reports
from tests.courses.factories import assign, make_course
from tests.factories import make_team, make_user


def in_two_days() -> date:
    """A due date ahead, on the app's own (Shanghai) calendar: the machine's date is a day
    behind it from 16:00 to 24:00 UTC."""
    return assigning.local_today() + timedelta(days=2)


def test_due_dates_end_with_the_local_day():
    # 2026-06-30 23:59:59 in Shanghai is 15:59:59 UTC
    assert assigning.due_at_for(date(2026, 6, 30)) == datetime(2026, 6, 30, 15, 59, 59)


def test_a_team_assignment_reaches_its_subtree_only(world):
    admin = world["admin"]
    sub = make_team("甲班子下属", parent=world["team_a"])
    deep = make_user("cadre", sub, username="deep")
    course = make_course(admin)
    assign(admin, course, team=world["team_a"])
    assert policy.can_view_course(world["cadre"], course)
    assert policy.can_view_course(deep, course)
    assert not policy.can_view_course(world["outsider"], course)


def test_rank_and_named_assignments(world):
    admin = world["admin"]
    by_rank = make_course(admin)
    assign(admin, by_rank, rank="county")  # everyone of that rank, anywhere
    assert policy.can_view_course(world["cadre"], by_rank)  # county
    assert policy.can_view_course(world["outsider"], by_rank)  # county, other team
    assert not policy.can_view_course(world["cadre2"], by_rank)  # township

    rank_in_team = make_course(admin)
    assign(admin, rank_in_team, team=world["team_a"], rank="township")
    assert policy.can_view_course(world["cadre2"], rank_in_team)
    assert not policy.can_view_course(world["cadre"], rank_in_team)

    named = make_course(admin)
    assign(admin, named, user=world["cadre2"], kind="callup")
    assert policy.can_view_course(world["cadre2"], named)
    assert not policy.can_view_course(world["cadre"], named)


def test_visibility_of_drafts_and_open_courses(world):
    admin = world["admin"]
    draft = make_course(admin, published=False, open_to_all=True)
    open_course = make_course(admin, open_to_all=True)
    assert policy.can_view_course(admin, draft)
    assert not policy.can_view_course(world["cadre"], draft)
    assert policy.can_view_course(world["outsider"], open_course)


def test_secretaries_see_what_reaches_their_teams(world):
    admin = world["admin"]
    for_root = make_course(admin)
    assign(admin, for_root, team=world["root"])  # an ancestor of both teams
    for_b = make_course(admin)
    assign(admin, for_b, team=world["team_b"])
    named_b = make_course(admin)
    assign(admin, named_b, user=world["outsider"])
    assert policy.can_view_course(world["sec"], for_root)
    assert not policy.can_view_course(world["sec"], for_b)
    assert policy.can_view_course(world["other_sec"], for_b)
    assert policy.can_view_course(world["other_sec"], named_b)
    assert not policy.can_view_course(world["sec"], named_b)


def test_a_secretary_assigns_within_scope_only(world):
    sec, course = world["sec"], world["course"]
    assignment = assign(sec, course, team=world["team_a"], rank="township", kind="self")
    assert assignment.created_by_id == sec.id
    assign(sec, course, user=world["cadre2"], kind="callup", due_on=in_two_days())
    with pytest.raises(DomainError, match="只能布置给您负责的单位") as caught:
        assign(sec, course, team=world["team_b"])
    assert caught.value.field == "team"
    with pytest.raises(DomainError, match="只能布置给您负责的单位"):
        assign(sec, course, user=world["outsider"])
    with pytest.raises(DomainError, match="只能布置给您负责的单位"):
        assign(sec, course, rank="county")  # the whole organisation


def test_the_other_teams_secretary_is_refused(world):
    with pytest.raises(DomainError, match="不能布置这门课程"):
        assign(world["other_sec"], world["course"], team=world["team_b"])
    with pytest.raises(DomainError, match="不能布置这门课程"):
        assign(world["cadre"], world["course"], team=world["team_a"])


def test_assignment_rules(world):
    admin, course = world["admin"], world["course"]
    with pytest.raises(DomainError, match="已向该对象布置过"):
        assign(admin, course, team=world["team_a"])
    with pytest.raises(DomainError, match="截止日期不能早于今天"):
        assign(admin, course, team=world["team_b"], due_on=date(2020, 1, 1))
    with pytest.raises(DomainError, match="请选择单位、职级或点名学员"):
        assign(admin, course)
    with pytest.raises(DomainError, match="未知的学习方式"):
        assign(admin, course, team=world["team_b"], kind="weekly")
    with pytest.raises(DomainError, match="尚未发布"):
        assign(admin, make_course(admin, published=False), team=world["team_b"])


def test_withdrawing(world):
    admin, sec = world["admin"], world["sec"]
    own = assign(sec, world["course"], user=world["cadre2"])
    assert assigning.can_withdraw(sec, own)
    assert not assigning.can_withdraw(sec, world["assignment"])  # the admin's
    with pytest.raises(DomainError):
        assigning.withdraw_assignment(sec, world["assignment"])
    assigning.withdraw_assignment(sec, own)
    assigning.withdraw_assignment(admin, world["assignment"])
    assert world["course"].assignments == []


def test_what_a_cadre_owes_folds_assignments(world):
    admin, course = world["admin"], world["course"]
    due = in_two_days()
    assign(admin, course, user=world["cadre"], kind="callup", due_on=due)
    assign(admin, course, rank="county", kind="self", required=False)
    entry = assigning.assigned_to(world["cadre"])[course.id]
    assert entry.required and entry.kind == "callup"
    assert entry.due_at == assigning.due_at_for(due)
    assert len(entry.assignments) == 3


def test_a_course_assigned_twice_shows_the_binding_assignment_whole(world, client):
    """Not the kind of one with the due date of another: the required one due first."""
    admin, course, cadre = world["admin"], world["course"], world["cadre"]
    for existing in list(course.assignments):
        assigning.withdraw_assignment(admin, existing)
    later, sooner = in_two_days() + timedelta(days=20), in_two_days()
    assign(admin, course, user=cadre, kind="callup", due_on=later)
    assign(admin, course, rank="county", kind="rotation", due_on=sooner)
    assign(admin, course, team=cadre.team, kind="self", required=False, due_on=sooner)
    entry = assigning.assigned_to(cadre)[course.id]
    assert (entry.kind, entry.due_at, entry.required) == (
        "rotation",
        assigning.due_at_for(sooner),
        True,
    )
    db.session.commit()
    client.login(cadre.username)
    page = client.get("/").get_data(as_text=True)
    assert "轮训 · 必修" in page and "调训 · 必修" not in page


# ------------------------------------------------------------------ pages


def test_home_page_lists_courses_due(world, client):
    admin = world["admin"]
    soon = make_course(admin, title="即将截止的课程")
    assign(admin, soon, user=world["cadre"], kind="callup", due_on=assigning.local_today())
    db.session.commit()
    client.login("c-cadre")
    page = client.get("/").get_data(as_text=True)
    assert "学习课程《学习课程》" in page and "学习课程《即将截止的课程》" in page
    assert "调训 · 必修 · 已学 0%" in page
    assert 'href="/courses/study/"' in page
    assert page.index("即将截止的课程") < page.index("学习课程《学习课程》")  # urgent first


def test_completed_courses_leave_the_to_do_list(world, client):
    with time_machine.travel(datetime(2026, 5, 1, 2, 0), tick=False) as clock:
        for lesson in world["course"].lessons:
            record_heartbeat(world["cadre"], lesson, start=True)
            clock.shift(310)  # too long a gap: nothing counts
            record_heartbeat(world["cadre"], lesson, reached_end=True)
        assert "学习课程《学习课程》" in _home(client, "c-cadre")
        for lesson in world["course"].lessons:
            for _ in range(21):
                clock.shift(15)
                record_heartbeat(world["cadre"], lesson)
    db.session.commit()
    assert "学习课程《学习课程》" not in _home(client, "c-cadre")


def _home(client, username):
    db.session.commit()
    client.login(username)
    return client.get("/").get_data(as_text=True)


def test_assignment_page_for_a_secretary(world, client):
    db.session.commit()
    client.login("c-sec")
    url = f"/courses/manage/{world['course'].id}/assignments"
    page = client.get(url).get_data(as_text=True)
    assert "甲班子（含下级）" in page and "乙班子" not in page  # only their own teams to pick
    response = client.post_form(
        url,
        {
            "target": "team",
            "team": str(world["team_b"].id),
            "kind": "self",
            "due_on": "",
            "required": "y",
        },
    )
    # team B is not among the choices: the form refuses it, nothing is assigned
    assert response.status_code == 200 and "is-invalid" in response.get_data(as_text=True)
    assert len(world["course"].assignments) == 1
    response = client.post_form(
        url,
        {"target": "user", "username": "c-out", "team": "", "kind": "callup", "rank": ""},
    )
    assert "只能布置给您负责的单位及其人员" in response.get_data(as_text=True)
    response = client.post_form(
        url,
        {"target": "user", "username": "c-cadre2", "team": "", "kind": "callup", "rank": ""},
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "用户" in page and "撤销" in page  # their own assignment can be withdrawn


def test_a_cadre_is_named_by_name_and_namesakes_are_told_apart_by_unit(world, client):
    sub = make_team("甲班子下属处", parent=world["team_a"])
    first = make_user("cadre", world["team_a"], username="hp1", name="何平")
    second = make_user("cadre", sub, username="hp2", name="何平")
    make_user("cadre", world["team_b"], username="hp3", name="何平")  # not the secretary's
    db.session.commit()
    client.login("c-sec")
    url = f"/courses/manage/{world['course'].id}/assignments"
    form = {"target": "user", "username": "何平", "team": "", "kind": "callup", "rank": ""}
    page = client.post_form(url, form).get_data(as_text=True)
    assert "有 2 位学员与“何平”相符，请选定一位" in page
    assert (
        "何平 · 根单位/甲班子 · hp1" in page and "甲班子下属处 · hp2" in page and "hp3" not in page
    )
    assert client.post_form(url, {**form, "person": str(second.id)}).status_code == 302
    assert [a.user_id for a in world["course"].assignments if a.user_id] == [second.id]
    # part of a name fitting several: pick again; one person of that name: named at once
    only = client.post_form(url, {**form, "username": "何", "person": ""})
    assert "请选定一位" in only.get_data(as_text=True)
    first.name = "何一平"
    db.session.commit()
    assert client.post_form(url, {**form, "username": "何一平"}).status_code == 302
    missing = client.post_form(url, {**form, "username": "无此人"}).get_data(as_text=True)
    assert "您负责的单位中没有姓名或登录名为“无此人”的学员" in missing


def test_team_progress_pages(world, client):
    with time_machine.travel(datetime(2026, 5, 1, 2, 0), tick=False) as clock:
        for lesson in world["course"].lessons:
            record_heartbeat(world["cadre"], lesson, start=True)
            for _ in range(21):
                clock.shift(15)
                record_heartbeat(world["cadre"], lesson)
            record_heartbeat(world["cadre"], lesson, reached_end=True)
        record_heartbeat(world["cadre2"], world["course"].lessons[0], start=True, reached_end=True)
    [summary] = reports.team_progress(world["team_a"])
    assert summary.audience == 3 and summary.completed == 1 and summary.started == 0
    by_name = {m.user.username: m for m in summary.members}
    assert by_name["c-cadre"].percent == 100 and by_name["c-cadre2"].percent == 0
    assert reports.team_progress(world["team_b"]) == []
    db.session.commit()
    client.login("c-sec")
    page = client.get(f"/courses/teams/{world['team_a'].id}").get_data(as_text=True)
    assert "学习课程" in page
    page = client.get(f"/courses/teams/{world['team_a'].id}/{world['course'].id}").get_data(
        as_text=True
    )
    assert "应学 3 人，已完成 1 人，平均进度 33%" in page
    assert client.get(f"/courses/teams/{world['team_b'].id}").status_code == 403
    other = make_course(world["admin"])
    db.session.commit()
    assert client.get(f"/courses/teams/{world['team_a'].id}/{other.id}").status_code == 404

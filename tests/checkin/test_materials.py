"""Materials as lessons of the courses feature: a secretary picks lessons of published courses
they may see for a plan item and a session; unknown or hidden lessons are refused by number,
changing nothing; the pages link them, the archive lists their titles offline."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.checkin.archive import build_archive
from app.checkin.models import StudyPlanItem, StudySession
from app.checkin.services import materials, plans, sessions
from app.checkin.services.base import CheckinError
from app.extensions import db
from tests.checkin.factories import START, make_plan, make_session
from tests.courses.factories import make_course


@pytest.fixture
def courses(world):
    return {
        "open": make_course(world["admin"], title="党的政治建设", open_to_all=True, lessons=2),
        "draft": make_course(world["admin"], title="草稿课程", published=False, lessons=1),
        "closed": make_course(world["admin"], title="未分配课程", lessons=1),
    }


def _login(app, user):
    client = app.test_client()
    assert client.login(user.username).status_code == 302
    return client


def test_the_choices_are_the_lessons_of_published_courses_the_secretary_sees(world, courses):
    choices = materials.lesson_choices(world["sec"])
    assert [lesson.id for lesson in choices] == [lesson.id for lesson in courses["open"].lessons]
    # an admin sees every course, but drafts are not materials
    admin_ids = {lesson.id for lesson in materials.lesson_choices(world["admin"])}
    assert courses["draft"].lessons[0].id not in admin_ids
    assert courses["closed"].lessons[0].id in admin_ids


def test_a_plan_item_and_a_session_carry_lessons(world, courses):
    sec, team = world["sec"], world["team_a"]
    first, second = courses["open"].lessons
    plan = plans.open_plan(sec, team, 2027)
    item = plans.add_item(
        sec,
        plan,
        plans.ItemFields(3, "学习党的政治建设", "《论党的自我革命》", lesson_ids=[str(second.id)]),
    )
    assert item.lessons == [second]
    plans.update_item(
        sec,
        item,
        plans.ItemFields(3, "学习党的政治建设", "", lesson_ids=[first.id, second.id, first.id]),
    )
    assert item.lessons == [first, second]
    # a session on the plan item takes its lessons unless it names its own
    session = sessions.create_session(
        sec,
        team,
        sessions.SessionFields(
            kind="collective",
            starts_at=START,
            ends_at=START.replace(hour=3),
            topic="",
            plan_item=item,
        ),
    )
    assert session.lessons == [first, second]
    assert materials.material_lines(session) == [
        "党的政治建设 · 第1讲",
        "党的政治建设 · 第2讲",
    ]


@pytest.mark.parametrize("which", ["missing", "draft", "closed", "garbage"])
def test_unknown_or_hidden_lessons_are_refused_and_nothing_changes(world, courses, which):
    sec, team = world["sec"], world["team_a"]
    lesson_id = {
        "missing": "999999",
        "draft": str(courses["draft"].lessons[0].id),
        "closed": str(courses["closed"].lessons[0].id),
        "garbage": "1 or 1",
    }[which]
    good = courses["open"].lessons[0]
    session = make_session(sec, team)
    before_session = list(session.lessons)
    message = "无效" if which == "garbage" else "不存在或您无权查看"
    with pytest.raises(CheckinError, match=message) as caught:
        sessions.update_session(
            sec,
            session,
            sessions.SessionFields(
                kind="seminar",
                starts_at=START,
                ends_at=START.replace(hour=3),
                topic="改了主题",
                lesson_ids=[str(good.id), lesson_id],
            ),
        )
    assert caught.value.field == "lessons"
    assert session.lessons == before_session and session.kind == "collective"
    plan = plans.open_plan(sec, team, 2027)
    with pytest.raises(CheckinError, match=message):
        plans.add_item(sec, plan, plans.ItemFields(3, "学习", lesson_ids=[lesson_id]))
    assert db.session.scalar(select(func.count(StudyPlanItem.id))) == 0


def test_a_lesson_whose_course_was_withdrawn_stays_when_the_form_is_saved_again(world, courses):
    sec = world["sec"]
    lesson = courses["open"].lessons[0]
    session = make_session(sec, world["team_a"])
    fields = sessions.SessionFields(
        kind="collective",
        starts_at=START,
        ends_at=START.replace(hour=3),
        topic="主题",
        lesson_ids=[lesson.id],
    )
    sessions.update_session(sec, session, fields)
    courses["open"].published = False
    db.session.flush()
    sessions.update_session(sec, session, fields)  # kept, though no longer a choice
    assert session.lessons == [lesson]
    other = make_session(sec, world["team_a"], seed=3)
    with pytest.raises(CheckinError, match="不存在或您无权查看"):
        sessions.update_session(sec, other, fields)  # but not newly chosen


def test_the_pages_link_the_lessons_and_the_form_refuses_a_bad_id(app, world, courses):
    sec, team = world["sec"], world["team_a"]
    lesson = courses["open"].lessons[1]
    client = _login(app, sec)
    form_page = client.get(f"/checkin/teams/{team.id}/sessions/new").get_data(as_text=True)
    assert f'value="{lesson.id}"' in form_page and "党的政治建设 · 第2讲" in form_page
    assert "草稿课程" not in form_page and "未分配课程" not in form_page
    data = {
        "kind": "collective",
        "plan_item": "",
        "topic": "集体学习",
        "starts_at": "2027-03-10T09:00",
        "ends_at": "2027-03-10T11:00",
        "hours": "2",
        "materials": "《习近平谈治国理政》第四卷",
    }
    bad = client.post_form(
        f"/checkin/teams/{team.id}/sessions/new",
        {**data, "lessons": [str(lesson.id), str(courses["closed"].lessons[0].id)]},
    )
    assert bad.status_code == 200
    assert "不存在或您无权查看" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(StudySession.id))) == 0
    done = client.post_form(
        f"/checkin/teams/{team.id}/sessions/new", {**data, "lessons": [str(lesson.id)]}
    )
    assert done.status_code == 302
    session = db.session.scalar(select(StudySession))
    href = f"/courses/{courses['open'].slug}/{lesson.slug}"
    # the member sees the link on the session page, beside the free text
    member_page = _login(app, world["cadre"]).get(f"/checkin/sessions/{session.id}")
    html = member_page.get_data(as_text=True)
    materials_html = re.search(r'id="session-materials">(.*?)</dd>', html, re.S).group(1)
    assert f'href="{href}"' in materials_html and "第2讲" in materials_html
    assert "《习近平谈治国理政》第四卷" in materials_html


def test_a_member_who_may_not_open_the_course_sees_the_title_without_a_link(app, world, courses):
    sec = world["sec"]
    lesson = courses["closed"].lessons[0]
    session = make_session(sec, world["team_a"])
    session.lessons = [lesson]  # chosen by someone who could see it
    db.session.flush()
    html = _login(app, world["cadre"]).get(f"/checkin/sessions/{session.id}").get_data(as_text=True)
    materials_html = re.search(r'id="session-materials">(.*?)</dd>', html, re.S).group(1)
    assert "未分配课程 · 第1讲" in materials_html and "href" not in materials_html


def test_the_plan_page_links_the_lessons(app, world, courses):
    sec, team = world["sec"], world["team_a"]
    lesson = courses["open"].lessons[0]
    client = _login(app, sec)
    response = client.post_form(
        f"/checkin/teams/{team.id}/plan/items?year=2027",
        {"month": "4", "topic": "四月学习", "kind": "collective", "lessons": [str(lesson.id)]},
    )
    assert response.status_code == 302
    html = client.get(f"/checkin/teams/{team.id}/plan?year=2027").get_data(as_text=True)
    assert f'href="/courses/{courses["open"].slug}/{lesson.slug}"' in html


def test_the_archive_lists_the_lessons_titles_offline(app, world, courses):
    sec, team = world["sec"], world["team_a"]
    first, second = courses["open"].lessons
    plan = make_plan(sec, team, items=1)
    plans.update_item(
        sec, plan.items[0], plans.ItemFields(2, "第1次集体学习", "文件一", lesson_ids=[first.id])
    )
    session = make_session(sec, team)
    session.lessons = [second]
    session.materials = "文件二"
    db.session.flush()
    with app.test_request_context():
        data = build_archive(team, 2027)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        plan_html = archive.read(next(n for n in names if n.endswith("/plan.html"))).decode()
        session_html = archive.read(next(n for n in names if n.endswith("sessions/01.html")))
        book = load_workbook(
            io.BytesIO(archive.read(next(n for n in names if n.endswith(".xlsx"))))
        )
    session_html = session_html.decode()
    assert "党的政治建设 · 第1讲" in plan_html and "文件一" in plan_html
    assert "党的政治建设 · 第2讲" in session_html and "文件二" in session_html
    assert "/courses/" not in plan_html + session_html  # titles, no live links
    plan_rows = list(book["学习计划"].iter_rows(values_only=True))
    assert plan_rows[1][4] == "党的政治建设 · 第1讲\n文件一"
    sessions_sheet = list(book["集体学习"].iter_rows(values_only=True))
    column = sessions_sheet[0].index("学习材料")
    assert sessions_sheet[1][column] == "党的政治建设 · 第2讲\n文件二"

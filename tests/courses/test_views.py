"""The reader's pages and the authoring pages: what is rendered, what a form does."""

from __future__ import annotations

from sqlalchemy import select

from app.courses.models import Bookmark, Course, Lesson, Note, Program
from app.courses.services import content
from app.extensions import db
from tests.courses.factories import make_course
from tests.factories import make_user
from tests.openapi import assert_response_matches


def test_index_separates_assigned_and_other_courses(world, client):
    make_course(world["admin"], title="公开课", open_to_all=True)
    make_course(world["admin"], title="草稿课", published=False, open_to_all=True)
    db.session.commit()
    client.login("c-cadre")
    page = client.get("/courses/").get_data(as_text=True)
    assigned, others = page.split('id="others"')
    assert "学习课程" in assigned and "轮训" in assigned and "必修" in assigned
    assert "公开课" in others and "草稿课" not in page
    client.login("c-out")
    page = client.get("/courses/").get_data(as_text=True)
    assert "学习课程" not in page and "公开课" in page


def test_course_page_offers_to_start_then_to_continue(world, client):
    db.session.commit()
    client.login("c-cadre")
    page = client.get("/courses/study/").get_data(as_text=True)
    assert "开始学习" in page and 'href="/courses/study/lesson-1"' in page
    assert "已学 0 / 2 个章节" in page
    token = client.csrf_token()
    lesson = world["course"].lessons[1]
    client.post(
        f"/api/v1/lessons/{lesson.id}/heartbeat",
        json={"start": True},
        headers={"X-CSRFToken": token},
    )
    page = client.get("/courses/study/").get_data(as_text=True)
    assert "继续学习：第2讲" in page


def test_pages_of_unknown_or_hidden_courses(world, client):
    make_course(world["admin"], slug="draft", published=False)
    db.session.commit()
    client.login("c-cadre")
    assert client.get("/courses/nope/").status_code == 404
    assert client.get("/courses/study/nope").status_code == 404
    assert client.get("/courses/draft/").status_code == 404
    client.login("c-out")
    assert client.get("/courses/study/").status_code == 403
    assert client.get("/courses/study/lesson-1").status_code == 403


def test_bookmarks_and_notes_are_private(world, client):
    lesson = world["course"].lessons[0]
    db.session.commit()
    client.login("c-cadre")
    response = client.post_form(f"/courses/lessons/{lesson.id}/bookmark")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/courses/study/lesson-1"
    )
    assert "已加书签" in client.get("/courses/study/lesson-1").get_data(as_text=True)
    response = client.post_form(f"/courses/lessons/{lesson.id}/note", {"body": "计划备案要记牢"})
    assert response.headers["Location"].endswith("/courses/study/lesson-1#notes")
    page = client.get("/courses/bookmarks").get_data(as_text=True)
    assert "第1讲" in page and "计划备案要记牢" in page
    assert db.session.scalar(select(Note.body)) == "计划备案要记牢"

    client.login("c-cadre2")  # same team, same course: sees none of it
    page = client.get("/courses/bookmarks").get_data(as_text=True)
    assert "计划备案要记牢" not in page and "还没有书签" in page
    assert "计划备案要记牢" not in client.get("/courses/study/lesson-1").get_data(as_text=True)

    client.login("c-cadre")
    client.post_form(f"/courses/lessons/{lesson.id}/bookmark")  # toggled off
    client.post_form(f"/courses/lessons/{lesson.id}/note", {"body": "  "})  # emptied
    assert db.session.scalar(select(Bookmark)) is None
    assert db.session.scalar(select(Note)) is None


def test_admin_authors_a_course(app, client, world):
    db.session.commit()
    client.login("c-admin")
    response = client.post_form(
        "/admin/courses/programmes/new",
        {"title": "2027年度计划", "starts_on": "2027-01-01", "ends_on": "2026-12-31"},
    )
    assert "结束日期不能早于开始日期" in response.get_data(as_text=True)
    response = client.post_form(
        "/admin/courses/programmes/new",
        {"title": "2027年度计划", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
    )
    assert response.status_code == 302
    program = db.session.scalar(select(Program).where(Program.title == "2027年度计划"))

    form = {
        "title": "新课程",
        "slug": "——",
        "program": str(program.id),
        "summary": "简介",
        "hours": "1.5",
        "sort_order": "0",
        "published": "y",
    }
    response = client.post_form("/admin/courses/new", form)
    assert "小写字母、数字和连字符" in response.get_data(as_text=True)
    # a name typed with capitals and spaces is tidied, not refused
    response = client.post_form("/admin/courses/new", {**form, "slug": "New Course"})
    assert response.status_code == 302
    course = content.course_by_slug("new-course")
    assert course.program == program and str(course.hours) == "1.5" and course.published

    url = f"/admin/courses/{course.id}/lessons/new"
    page = client.get(url).get_data(as_text=True)
    assert 'data-preview-url="/api/v1/courses/preview"' in page and "course_editor.js" in page
    lesson_form = {
        "title": "第一讲",
        "slug": "first",
        "estimated_minutes": "8",
        "body": "## 要点 {#points}\n\n正文",
    }
    assert client.post_form(url, lesson_form).status_code == 302
    assert "本课程已有英文短名" in client.post_form(url, lesson_form).get_data(as_text=True)
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    assert lesson.position == 1 and lesson.estimated_minutes == 8

    response = client.post_form(
        f"/admin/courses/lessons/{lesson.id}/edit", {**lesson_form, "title": "第一讲（修订）"}
    )
    assert response.status_code == 302 and lesson.title == "第一讲（修订）"
    page = client.get(f"/admin/courses/{course.id}").get_data(as_text=True)
    assert "new-course/first" in page
    assert client.post_form(f"/admin/courses/lessons/{lesson.id}/delete").status_code == 302
    assert db.session.scalar(select(Lesson).where(Lesson.course_id == course.id)) is None
    # no short name typed: one is made from the Chinese title, in pinyin, unique in the course
    assert client.get(url).status_code == 200
    untitled = {**lesson_form, "slug": "", "title": "政治建设"}
    assert client.post_form(url, untitled).status_code == 302
    assert client.post_form(url, untitled).status_code == 302
    slugs = set(db.session.scalars(select(Lesson.slug).where(Lesson.course_id == course.id)))
    assert {"zheng-zhi-jian-she", "zheng-zhi-jian-she-2"} <= slugs


def test_editing_a_course_keeps_what_the_form_says(world, client):
    course = world["course"]
    db.session.commit()
    client.login("c-admin")
    page = client.get(f"/admin/courses/{course.id}/edit").get_data(as_text=True)
    assert 'value="study"' in page
    response = client.post_form(
        f"/admin/courses/{course.id}/edit",
        {"title": "改名课程", "slug": "study", "program": "", "hours": "2", "published": "y"},
    )
    assert response.status_code == 302
    assert db.session.get(Course, course.id).title == "改名课程"


def test_preview_api(world, client):
    client.login("c-admin")
    token = client.csrf_token()
    path = "/api/v1/courses/preview"
    response = client.post(
        path,
        json={"markdown": "## 中心组 {#centre-group}\n\n**要点**"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert_response_matches(response, path, "POST")
    assert '<h2 id="centre-group">中心组</h2>' in response.json["html"]
    assert response.json["headings"] == [{"level": 2, "anchor": "centre-group", "text": "中心组"}]
    for body, status in (({}, 422), ({"markdown": 3}, 422), ({"markdown": "x" * 200_001}, 413)):
        response = client.post(path, json=body, headers={"X-CSRFToken": token})
        assert response.status_code == status
        assert_response_matches(response, path, "POST")
    client.login("c-cadre")
    response = client.post(
        path, json={"markdown": "x"}, headers={"X-CSRFToken": client.csrf_token()}
    )
    assert response.status_code == 403
    assert_response_matches(response, path, "POST")


def test_pages_in_english(world, client):
    db.session.commit()
    client.login("c-cadre")
    client.get("/lang/en")
    page = client.get("/courses/study/lesson-1").get_data(as_text=True)
    assert "Add bookmark" in page and "My notes" in page
    assert "课程学习" not in page.split("<main", 1)[1].split("xk-lesson-body", 1)[0]


def test_a_course_named_in_chinese_gets_a_pinyin_slug_it_can_change(client):
    make_user("admin", username="slugger")
    db.session.commit()
    client.login("slugger")
    form = {"title": "以政治建设为统领", "slug": "", "program": "", "hours": "1", "sort_order": "0"}
    assert client.post_form("/admin/courses/new", form).status_code == 302
    course = content.course_by_slug("yi-zheng-zhi-jian-she-wei-tong-ling")
    assert course is not None and course.title == "以政治建设为统领"
    # typed in Chinese: turned into pinyin too; taken: the next free one
    assert (
        client.post_form("/admin/courses/new", {**form, "slug": "以政治建设为统领"}).status_code
        == 200
    )
    assert client.post_form("/admin/courses/new", form).status_code == 302
    assert content.course_by_slug("yi-zheng-zhi-jian-she-wei-tong-ling-2") is not None
    edit = {**form, "slug": "zheng-zhi-jian-she"}
    assert client.post_form(f"/admin/courses/{course.id}/edit", edit).status_code == 302
    assert course.slug == "zheng-zhi-jian-she"

"""Search for Chinese substrings in lesson titles and bodies, on both databases, with
highlighted (and escaped) snippets, within the courses the searcher may see."""

from __future__ import annotations

from app.courses.services import content
from app.courses.services.search import highlight, query_terms, search_lessons
from app.extensions import db
from tests.courses.factories import assign, make_course

BODY = """## 理论中心组学习 {#centre-group}

中心组学习要通过计划备案、结果通报等方式抓实，突出理论特色。

## 水平测试 {#level-test}

对厅局级以下领导干部，依托信息化平台开展网络学习和在线测试，倒逼主动学习。

## 符号 {#symbols}

完成率达到 100% 的单位，记作 rate_100；`<script>alert(1)</script>` 只是文字。
"""


def lessons(hits):
    return [(h.lesson.course.slug, h.lesson.slug) for h in hits]


def setup_courses(world):
    admin = world["admin"]
    for lesson in world["course"].lessons:
        lesson.body = "与搜索无关的内容。\n"
    visible = make_course(admin, slug="visible", lessons=1, body=BODY)
    content.create_lesson(admin, visible, slug="other", title="述学考学制度", body="领学带学。\n")
    open_course = make_course(
        admin, slug="open", open_to_all=True, lessons=1, body="计划备案的要求。\n"
    )
    hidden = make_course(admin, slug="hidden", lessons=1, body=BODY)
    draft = make_course(
        admin, slug="draft", published=False, open_to_all=True, lessons=1, body=BODY
    )
    assign(admin, visible, team=world["team_a"])
    assign(admin, hidden, team=world["team_b"])
    db.session.flush()
    return visible, open_course, hidden, draft


def test_chinese_substrings_match_inside_words(world, backend):
    setup_courses(world)
    hits = search_lessons(world["cadre"], "备案")  # the middle of 计划备案
    assert lessons(hits) == [("visible", "lesson-1"), ("open", "lesson-1")]
    assert lessons(search_lessons(world["cadre"], "信息化平台")) == [("visible", "lesson-1")]
    assert search_lessons(world["cadre"], "不存在的内容") == []


def test_every_term_must_occur(world):
    setup_courses(world)
    assert lessons(search_lessons(world["cadre"], "计划备案 在线测试")) == [("visible", "lesson-1")]
    assert lessons(search_lessons(world["cadre"], "计划备案\u3000述学")) == []  # full-width space


def test_title_matches_come_first(world):
    setup_courses(world)
    hits = search_lessons(world["cadre"], "学")
    assert lessons(hits)[0] == ("visible", "other")  # 述学考学制度 has it in its title
    assert str(hits[0].title) == "述<mark>学</mark>考<mark>学</mark>制度"


def test_only_courses_the_searcher_may_see(world):
    setup_courses(world)
    assert lessons(search_lessons(world["outsider"], "计划备案")) == [
        ("open", "lesson-1"),
        ("hidden", "lesson-1"),
    ]
    admin_hits = lessons(search_lessons(world["admin"], "计划备案"))
    assert ("draft", "lesson-1") in admin_hits and len(admin_hits) == 4
    assert ("draft", "lesson-1") not in lessons(search_lessons(world["cadre"], "计划备案"))


def test_percent_and_underscore_are_literal(world, backend):
    setup_courses(world)
    assert lessons(search_lessons(world["cadre"], "100%")) == [("visible", "lesson-1")]
    assert lessons(search_lessons(world["cadre"], "%")) == [("visible", "lesson-1")]
    assert lessons(search_lessons(world["cadre"], "rate_100")) == [("visible", "lesson-1")]
    assert search_lessons(world["cadre"], "rate_1000") == []
    assert search_lessons(world["cadre"], "率_到") == []  # "_" is not a wildcard
    assert search_lessons(world["cadre"], "\\") == []


def test_latin_letters_ignore_case(world, backend):
    setup_courses(world)
    assert lessons(search_lessons(world["cadre"], "RATE_100")) == [("visible", "lesson-1")]


def test_markdown_syntax_is_not_content(world):
    setup_courses(world)
    assert search_lessons(world["cadre"], "centre-group") == []  # only in {#centre-group}
    assert search_lessons(world["cadre"], "##") == []


def test_snippets_are_escaped_then_marked_and_point_to_the_section(world):
    setup_courses(world)
    [hit] = search_lessons(world["cadre"], "script")
    assert hit.anchor == "symbols" and hit.heading == "符号"
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in str(hit.snippet)
    assert "<script>" not in str(hit.snippet)
    [hit] = search_lessons(world["cadre"], "在线测试")
    assert hit.anchor == "level-test"
    assert "<mark>在线测试</mark>" in str(hit.snippet)
    assert str(hit.snippet).startswith("…") or "对厅局级" in str(hit.snippet)


def test_highlight_escapes_everything_but_its_marks():
    assert str(highlight("a<b>&c", ["<b>"])) == "a<mark>&lt;b&gt;</mark>&amp;c"
    assert str(highlight("Amp &amp;", ["amp"])) == "<mark>Amp</mark> &amp;<mark>amp</mark>;"
    assert str(highlight("中心组学习", ["中心组", "中心组学习"])) == "<mark>中心组学习</mark>"


def test_query_terms():
    assert query_terms("  中心组  中心组 备案 ") == ["中心组", "备案"]
    assert query_terms("a b c d e f g") == ["a", "b", "c", "d", "e"]
    assert query_terms("") == []


def test_search_page(world, client):
    setup_courses(world)
    db.session.commit()
    client.login("c-cadre")
    page = client.get("/courses/search?q=在线测试").get_data(as_text=True)
    assert "找到 1 个章节" in page
    assert 'href="/courses/visible/lesson-1#level-test"' in page
    assert "<mark>在线测试</mark>" in page
    page = client.get("/courses/search?q=%3Cscript%3E").get_data(as_text=True)
    assert "<mark>&lt;script&gt;</mark>" in page and "<script>alert" not in page
    assert client.get("/courses/search").status_code == 200

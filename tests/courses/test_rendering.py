"""Lessons render their Markdown, and nothing executable in a lesson survives: not in the
page, not in the editor's preview, not in search snippets."""

from __future__ import annotations

import pytest

from app.courses import rendering
from app.courses.services import content
from app.extensions import db
from tests.common.test_markup import XSS
from tests.courses.factories import make_course

LESSON_XSS = [
    *XSS,
    '## 标题 {onclick="alert(1)" style="color:red"}',
    '## 标题 {#x" onmouseover="alert(1)}',
    "[x](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<details open ontoggle=alert(1)>x</details>",
    "<base href=//evil.example/>",
    "<meta http-equiv=refresh content='0;url=//evil.example'>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<style>body{background:url(//evil.example)}</style>",
    "```html\n<script>alert(1)</script>\n```",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
    "脚注[^1]\n\n[^1]: <script>alert(1)</script>",
]
BAD = (
    "<script",
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "ontoggle",
    "javascript:",
    "vbscript:",
    "data:",
    "<iframe",
    "<svg",
    "style=",
    "<style",
    "<object",
    "<embed",
    "<form",
    "<input",
    "<base",
    "<meta",
    "<link",
)


def assert_inert(html: str) -> None:
    lowered = html.lower()
    for bad in BAD:
        assert bad not in lowered, f"{bad!r} survived in {html!r}"


@pytest.mark.parametrize("payload", LESSON_XSS)
def test_payloads_render_inert(payload):
    assert_inert(str(rendering.lesson_html(payload)))


def test_a_lesson_page_with_every_payload_is_inert(world, client):
    lesson = world["course"].lessons[0]
    content.update_lesson(
        world["admin"],
        lesson,
        slug=lesson.slug,
        title="<script>alert('title')</script>标题",
        body="\n\n".join(LESSON_XSS),
        estimated_minutes=5,
    )
    db.session.commit()
    client.login("c-cadre")
    page = client.get("/courses/study/lesson-1").get_data(as_text=True)
    body = page.split('<div class="xk-lesson-body">', 1)[1].split("data-lesson-end", 1)[0]
    assert_inert(body)
    assert "&lt;script&gt;alert(&#39;title&#39;)" in page  # the title is escaped, not run
    # the only scripts on the page are the site's own files
    assert page.count("<script") == 3 and 'src="/static/js/lesson.js"' in page


@pytest.mark.parametrize("payload", LESSON_XSS)
def test_the_preview_is_as_safe_as_the_page(world, client, payload):
    client.login("c-admin")
    response = client.post(
        "/api/v1/courses/preview",
        json={"markdown": payload},
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 200
    assert_inert(response.json["html"])


def test_headings_carry_their_anchors_and_build_the_toc():
    body = (
        "## 中心组学习 {#centre-group}\n\n正文\n\n### 计划备案\n\n更多\n\n## 测试 {#level-test}\n"
    )
    html = str(rendering.lesson_html(body))
    assert '<h2 id="centre-group">中心组学习</h2>' in html
    heads = rendering.headings(body)
    assert [(h.level, h.anchor, h.text) for h in heads] == [
        (2, "centre-group", "中心组学习"),
        (3, "计划备案", "计划备案"),
        (2, "level-test", "测试"),
    ]
    sections = rendering.sections(body)
    assert [(s.anchor, s.text) for s in sections] == [
        ("centre-group", "正文"),
        ("计划备案", "更多"),
        ("level-test", ""),
    ]


def test_lesson_page_shows_toc_and_the_end_marker(world, client):
    client.login("c-cadre")
    page = client.get("/courses/study/lesson-1").get_data(as_text=True)
    assert 'href="#centre-group"' in page and 'id="centre-group"' in page
    assert "data-lesson-end" in page
    assert 'data-heartbeat-url="/api/v1/lessons/' in page
    assert "style=" not in page  # the CSP allows no inline styles


def test_course_summary_is_sanitised_too(world, client):
    make_course(world["admin"], slug="open", open_to_all=True)
    course = content.course_by_slug("open")
    course.summary = "简介<script>alert(1)</script><img src=x onerror=alert(1)>"
    db.session.commit()
    client.login("c-cadre")
    page = client.get("/courses/open/").get_data(as_text=True)
    assert "简介" in page and "onerror" not in page and "alert(1)</script>" not in page

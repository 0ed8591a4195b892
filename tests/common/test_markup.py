"""Markdown renders, and nothing executable survives it."""

import pytest

from app.common.markup import render_markdown

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript&#58;alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    "<svg onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<object data=x></object><embed src=x>",
    "<form action=//evil.example><input name=a></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="  javascript:alert(1)">x</a>',
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("payload", XSS)
def test_payloads_render_inert(payload):
    html = str(render_markdown(payload)).lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        "javascript:",
        "data:text",
        "<iframe",
        "<svg",
        "style=",
        "<object",
        "<embed",
        "<form",
        "<input",
    ):
        assert bad not in html, f"{bad!r} survived in {html!r}"


def test_markdown_features_survive_sanitising():
    html = str(
        render_markdown(
            "# 学习要点\n\n| 制度 | 方式 |\n|---|---|\n| 中心组 | 计划备案 |\n\n"
            "正文[^1]\n\n[^1]: 脚注\n\n```\ncode\n```\n\n[链接](https://example.org)"
        )
    )
    assert '<h1 id="学习要点">' in html
    assert "<table>" in html and "<td>计划备案</td>" in html
    assert "<pre><code>code" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html
    assert "footnote" in html


def test_empty_renders_empty():
    assert str(render_markdown("")) == "" and str(render_markdown(None)) == ""

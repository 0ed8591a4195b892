"""Lesson bodies: sanitised HTML (``app.common.markup``), their headings for the table of
contents, and their text by section for search snippets and source links."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markupsafe import Markup

from app.common.markup import render_markdown

# nh3's output is well formed, so headings can be read back with a pattern.
_HEADING = re.compile(r'<h([1-6])(?: id="([^"]*)")?[^>]*>(.*?)</h\1>', re.S)


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class Section:
    """The text under one heading (the first section, before any heading, has none)."""

    anchor: str
    heading: str
    text: str


def _text(fragment: str) -> str:
    return html.unescape(nh3.clean(fragment, tags=set())).strip()


@lru_cache(maxsize=512)
def _render(body: str) -> str:
    return str(render_markdown(body))


def lesson_html(body: str) -> Markup:
    return Markup(_render(body or ""))


def headings(body: str) -> list[Heading]:
    return [
        Heading(int(level), anchor or "", _text(inner))
        for level, anchor, inner in _HEADING.findall(_render(body or ""))
    ]


@lru_cache(maxsize=512)
def _sections(body: str) -> tuple[Section, ...]:
    rendered = _render(body)
    result, anchor, heading, start = [], "", "", 0
    for match in _HEADING.finditer(rendered):
        result.append(Section(anchor, heading, _text(rendered[start : match.start()])))
        anchor, heading, start = match.group(2) or "", _text(match.group(3)), match.end()
    result.append(Section(anchor, heading, _text(rendered[start:])))
    return tuple(s for s in result if s.text or s.heading)


def sections(body: str) -> tuple[Section, ...]:
    return _sections(body or "")


def plain_text(body: str) -> str:
    return "\n".join(s.text for s in sections(body))


def heading_for(body: str, anchor: str) -> str | None:
    """The text of the heading carrying ``anchor``, or None if the lesson has none."""
    for heading in headings(body):
        if heading.anchor == anchor:
            return heading.text
    return None

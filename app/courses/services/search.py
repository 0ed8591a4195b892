"""Search lesson titles and bodies, for Chinese as for any text.

A word splitter finds nothing to split in 中文, so this is substring search: each term of the
query (separated by spaces) must occur in the lesson's title or body, case-insensitively.
The database does the first cut with ``LIKE '%term%'`` (``%``, ``_`` and the escape
character in the term are escaped), which works alike on SQLite and PostgreSQL; the
candidates are then checked against the rendered text, so a term that only matched
Markdown syntax (``**``, ``{#anchor}``) does not count. ``bench/course_search_bench.py``
measures it. Only courses the searcher may see are searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import and_, or_, select

from app.auth.models import User
from app.courses import policy, rendering
from app.courses.models import Course, Lesson
from app.extensions import db

MAX_TERMS = 5
MAX_TERM_LENGTH = 50
CANDIDATES = 200
SNIPPET_BEFORE = 30
SNIPPET_AFTER = 70


@dataclass
class SearchHit:
    lesson: Lesson
    title: Markup  # highlighted
    snippet: Markup  # highlighted
    anchor: str  # the heading above the first match, "" if none
    heading: str


def query_terms(query: str) -> list[str]:
    """The distinct terms of ``query``, split on any whitespace (full-width too)."""
    terms: list[str] = []
    for term in (query or "").split():
        term = term[:MAX_TERM_LENGTH]
        if term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    return terms[:MAX_TERMS]


def _pattern(terms: list[str]) -> re.Pattern:
    ordered = sorted(terms, key=len, reverse=True)  # longest first: "中心组学习" over "中心组"
    return re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> Markup:
    """``text`` escaped, with each occurrence of a term in ``<mark>``: split first, escape
    each piece, so markup in the text or the terms can never get through."""
    if not terms:
        return escape(text)
    pieces, last = [], 0
    for match in _pattern(terms).finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(Markup("<mark>%s</mark>") % match.group(0))
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def _contains_all(text: str, terms: list[str]) -> bool:
    lowered = text.lower()
    return all(t.lower() in lowered for t in terms)


def snippet(body: str, terms: list[str]) -> tuple[Markup, str, str]:
    """A short highlighted excerpt around the first match, with its section's anchor."""
    pattern = _pattern(terms) if terms else None
    sections = rendering.sections(body)
    # the section holding every term is the better excerpt; else the first holding one
    ordered = [s for s in sections if _contains_all(s.text, terms)] + list(sections)
    for section in ordered:
        match = pattern.search(section.text) if pattern else None
        if match is None:
            continue
        start = max(match.start() - SNIPPET_BEFORE, 0)
        end = min(match.end() + SNIPPET_AFTER, len(section.text))
        excerpt = " ".join(section.text[start:end].split())
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(section.text) else ""
        return (
            Markup(prefix) + highlight(excerpt, terms) + Markup(suffix),
            section.anchor,
            section.heading,
        )
    first = " ".join(sections[0].text.split())[: SNIPPET_BEFORE + SNIPPET_AFTER] if sections else ""
    return escape(first), "", ""


def _contains(column, term: str):
    # Chinese has no letter case: plain LIKE, which both databases run much faster than
    # ILIKE / lower() LIKE (measured by the bench); case-insensitive only when it matters.
    if term.lower() == term.upper():
        return column.contains(term, autoescape=True)
    return column.icontains(term, autoescape=True)


def _where(terms: list[str]):
    return and_(
        *(or_(_contains(Lesson.title, term), _contains(Lesson.body, term)) for term in terms)
    )


def search_lessons(user: User, query: str, *, limit: int = 50) -> list[SearchHit]:
    """Lessons of the courses ``user`` may see whose title or text contains every term;
    title matches first, then in course and lesson order."""
    terms = query_terms(query)
    if not terms:
        return []
    candidates = list(
        db.session.scalars(
            select(Lesson)
            .join(Course, Lesson.course_id == Course.id)
            .where(Lesson.course_id.in_(policy.visible_course_ids(user)), _where(terms))
            .order_by(Course.sort_order, Course.id, Lesson.position, Lesson.id)
            .limit(CANDIDATES)
        )
    )
    candidates.sort(key=lambda lesson: not _contains_all(lesson.title, terms[:1]))  # stable
    hits = []
    for lesson in candidates:
        if len(hits) >= limit:
            break
        text = lesson.title + "\n" + rendering.plain_text(lesson.body)
        if not _contains_all(text, terms):
            continue
        excerpt, anchor, heading = snippet(lesson.body, terms)
        hits.append(SearchHit(lesson, highlight(lesson.title, terms), excerpt, anchor, heading))
    return hits

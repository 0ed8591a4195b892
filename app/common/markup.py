"""Markdown to safe HTML. Python-Markdown does not sanitise, so everything it produces
passes through nh3 (an allow-list: no scripts, no event handlers, no javascript:/data: URLs).
"""

from __future__ import annotations

import re
import unicodedata

import markdown as md
import nh3
from markupsafe import Markup

EXTENSIONS = ["tables", "fenced_code", "footnotes", "toc", "sane_lists", "attr_list"]
EXTENSION_CONFIGS = {"toc": {"permalink": False, "slugify": None}}

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _slugify(value: str, separator: str) -> str:
    # Keep Chinese headings readable as anchors; drop only characters unsafe in a fragment.
    value = unicodedata.normalize("NFKC", value).strip().lower()
    value = re.sub(r"[^\w\s-]", "", value)
    return re.sub(r"[\s_-]+", separator, value)


EXTENSION_CONFIGS["toc"]["slugify"] = _slugify


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> Markup:
    """Markdown → sanitised HTML, safe to place in a template."""
    if not text:
        return Markup("")
    html = md.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    return Markup(sanitize_html(html))

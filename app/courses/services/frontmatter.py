"""Markdown files with YAML front matter::

    ---
    slug: theory-study
    title: 第一讲 …
    ---
    正文（Markdown）

``read`` returns the fields, the body, and where each field sits (for error messages that
name the file, the line and the column).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from flask_babel import gettext as _

FENCE = "---"


@dataclass
class Issue:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return _(
            "%(f)s 第 %(l)d 行第 %(c)d 列：%(m)s",
            f=self.file,
            l=self.line,
            c=self.column,
            m=self.message,
        )


@dataclass
class Document:
    file: str
    fields: dict
    body: str
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (line, column)
    body_line: int = 1

    def issue(self, key: str | None, message: str) -> Issue:
        line, column = self.positions.get(key, (1, 1)) if key else (self.body_line, 1)
        return Issue(self.file, line, column, message)


class FrontMatterError(Exception):
    def __init__(self, issue: Issue):
        super().__init__(str(issue))
        self.issue = issue


def read(file: str, text: str) -> Document:
    """Split and parse ``text`` (the contents of ``file``); FrontMatterError if malformed."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise FrontMatterError(
            Issue(file, 1, 1, _("文件须以“---”开头的前置信息（front matter）起始"))
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in (FENCE, "...")), None)
    if end is None:
        raise FrontMatterError(Issue(file, 1, 1, _("前置信息没有以“---”结束")))
    source = "".join(lines[1:end])
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 2, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError(
            Issue(file, line, column, _("前置信息不是有效的 YAML：%(p)s", p=problem))
        ) from None
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        raise FrontMatterError(Issue(file, 2, 1, _("前置信息须是“键: 值”的形式")))
    positions = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            positions[str(key_node.value)] = (
                key_node.start_mark.line + 2,
                key_node.start_mark.column + 1,
            )
    body = "".join(lines[end + 1 :])
    return Document(file, {str(k): v for k, v in data.items()}, body, positions, end + 2)

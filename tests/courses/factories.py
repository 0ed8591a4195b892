"""Factories for the course tests: plain functions over the services."""

from __future__ import annotations

import itertools

from app.courses.services import assignments as assigning
from app.courses.services import attachments, content

_counter = itertools.count(1)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48

BODY = """## 理论中心组学习 {#centre-group}

通过计划备案、结果通报等方式抓实中心组学习。

## 水平测试 {#level-test}

依托信息化平台开展网络学习和在线测试。
"""


def make_course(
    actor=None,
    *,
    slug: str | None = None,
    title: str | None = None,
    published: bool = True,
    open_to_all: bool = False,
    lessons: int = 2,
    minutes: int = 10,
    hours: str = "2",
    body: str = BODY,
):
    number = next(_counter)
    course = content.create_course(
        actor,
        slug=slug or f"course-{number}",
        title=title or f"课程{number}",
        hours=hours,
        published=published,
        open_to_all=open_to_all,
    )
    for index in range(1, lessons + 1):
        content.create_lesson(
            actor,
            course,
            slug=f"lesson-{index}",
            title=f"第{index}讲",
            body=body,
            estimated_minutes=minutes,
        )
    return course


def assign(actor, course, **target):
    target.setdefault("kind", "rotation")
    return assigning.create_assignment(actor, course, **target)


def attach(actor, course, data: bytes = PNG, filename: str = "图片.png", **kwargs):
    return attachments.add_attachment(actor, course, filename=filename, data=data, **kwargs)

"""Demo content: the course on the source article (``courses/political-building/``),
imported through the same importer as ``flask courses import``, and assigned to the demo
team as rotational training due in a month."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.auth.demo import DEMO_UNIT
from app.courses.services import assignments as assigning
from app.courses.services import content
from app.courses.services.importing import import_directory

COURSES_DIR = Path(__file__).resolve().parents[2] / "courses"
DEMO_COURSE = "political-building"


def import_demo_course(context: dict) -> None:
    if content.course_by_slug(DEMO_COURSE) is not None:
        return
    admin = context.get("admin")
    import_directory(admin, COURSES_DIR / DEMO_COURSE)
    course = content.course_by_slug(DEMO_COURSE)
    assigning.create_assignment(
        admin,
        course,
        kind="rotation",
        team=context["teams"][DEMO_UNIT],
        due_on=assigning.local_today() + timedelta(days=30),
        required=True,
        note="年度干部教育培训计划：脱产轮训",
    )
    context["course"] = course

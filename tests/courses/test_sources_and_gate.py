"""What other features rely on: the "required course" gate (``course_by_slug``,
``course_completed``) and question sources linking to lesson paragraphs."""

from __future__ import annotations

import re
from datetime import datetime

import time_machine
import yaml

from app.courses.demo import COURSES_DIR, DEMO_COURSE
from app.courses.services import course_by_slug, course_completed, resolve_source_lesson
from app.courses.services.importing import import_directory
from app.courses.services.progress import record_heartbeat
from app.quiz.bank.demo import BANK_DIR
from tests.courses.factories import make_course


def test_course_by_slug(world):
    assert course_by_slug("study") is world["course"]
    assert course_by_slug(" study ") is world["course"]
    assert course_by_slug("no-such-course") is None
    assert course_by_slug("") is None


def test_course_completed_only_after_every_lesson(world):
    course, cadre = world["course"], world["cadre"]
    assert course_completed(cadre, course) is False
    with time_machine.travel(datetime(2026, 5, 1, 2, 0), tick=False) as clock:
        for lesson in course.lessons:
            record_heartbeat(cadre, lesson, start=True)
            for _ in range(20):
                clock.shift(15)
                record_heartbeat(cadre, lesson)
            assert course_completed(cadre, course) is False  # the end not reached yet
            record_heartbeat(cadre, lesson, reached_end=True)
            assert course_completed(cadre, course) is (lesson == course.lessons[-1])
    assert course_completed(cadre, course) is True
    assert course_completed(world["cadre2"], course) is False


def test_resolve_source_lesson(world, app):
    with app.test_request_context():
        url, title = resolve_source_lesson("study/lesson-1#centre-group")
        assert url == "/courses/study/lesson-1#centre-group"
        assert title == "第1讲 · 理论中心组学习"
        # an anchor the lesson lacks is dropped: the lesson itself still opens
        assert resolve_source_lesson("study/lesson-1#nowhere") == (
            "/courses/study/lesson-1",
            "第1讲",
        )
        assert resolve_source_lesson("study/lesson-2") == ("/courses/study/lesson-2", "第2讲")
        for bad in ("", "study", "study/no-lesson#x", "nope/lesson-1", "Study/Lesson-1", "a/b/c"):
            assert resolve_source_lesson(bad) is None, bad


def test_resolve_source_lesson_outside_a_request(world, app):
    # the scheduler and the CLI have an application context only
    assert (
        resolve_source_lesson("study/lesson-1#level-test")[0]
        == "/courses/study/lesson-1#level-test"
    )


def test_resolve_source_lesson_respects_visibility_when_given_a_user(world):
    ref = "study/lesson-1#centre-group"
    assert resolve_source_lesson(ref, world["cadre"]) is not None
    assert resolve_source_lesson(ref, world["outsider"]) is None
    make_course(world["admin"], slug="draft", published=False)
    assert resolve_source_lesson("draft/lesson-1", world["admin"]) is not None
    assert resolve_source_lesson("draft/lesson-1", world["cadre"]) is None


def _bank_refs() -> tuple[set[str], dict[str, set[str]]]:
    """The lesson references of the shipped bank, and the anchors each file lists."""
    refs, listed = set(), {}
    for path in sorted(BANK_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        header = re.search(r"^# anchors used in lesson links: (.+)$", text, re.M)
        lesson = re.search(r"^# lesson: (\S+)$", text, re.M)
        assert header and lesson, f"{path.name} lacks its anchor header"
        listed[lesson.group(1)] = {a.strip() for a in header.group(1).split(",")}
        for question in yaml.safe_load(text)["questions"]:
            refs.add(question["lesson"])
    return refs, listed


def test_every_source_in_the_shipped_bank_lands_on_its_paragraph(app):
    import_directory(None, COURSES_DIR / DEMO_COURSE)
    refs, listed = _bank_refs()
    assert len(listed) == 6 and len(refs) >= 27
    for lesson_ref, anchors in listed.items():
        for anchor in anchors:
            refs.add(f"{lesson_ref}#{anchor}")
    with app.test_request_context():
        for ref in sorted(refs):
            resolved = resolve_source_lesson(ref)
            assert resolved is not None, f"{ref}: no such lesson"
            url, title = resolved
            course_slug, rest = ref.split("/", 1)
            assert course_slug == DEMO_COURSE
            assert url == f"/courses/{ref}", (
                f"{ref}: the lesson has no heading {{#{ref.split('#')[1]}}}"
            )
            assert " · " in title

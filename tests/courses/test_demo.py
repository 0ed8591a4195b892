"""``demo load`` adds the course on the source article, assigned to the demo team."""

from __future__ import annotations

from app.auth.demo import DEMO_UNIT
from app.common.demo import load_demo
from app.courses import policy
from app.courses.demo import DEMO_COURSE, import_demo_course
from app.courses.services import assignments as assigning
from app.courses.services import content
from app.courses.services.content import course_by_slug


def test_demo_course_and_assignment(app):
    context = load_demo()
    course = course_by_slug(DEMO_COURSE)
    assert len(course.lessons) == 6 and course.published
    assert course.program.title == "2026年度干部教育培训计划"
    [assignment] = course.assignments
    assert assignment.team == context["teams"][DEMO_UNIT]
    assert assignment.kind == "rotation" and assignment.required and assignment.due_at is not None
    cadre = context["cadre"]
    assert policy.can_view_course(cadre, course)
    assert course.id in assigning.assigned_to(cadre)
    other_member = context["members"]["示范省交通运输厅"][0]
    assert not policy.can_view_course(other_member, course)
    # running the step again changes nothing
    import_demo_course(context)
    assert len(course_by_slug(DEMO_COURSE).assignments) == 1
    assert len(content.all_courses()) == 1

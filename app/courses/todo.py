"""The cadre's home page: assigned courses not yet completed, with their due dates."""

from __future__ import annotations

from flask_babel import gettext as _

from app.common import links
from app.common.todo import TodoItem
from app.courses.services import assignments as assigning
from app.courses.services import progress


def course_todos(user) -> list[TodoItem]:
    assigned = assigning.assigned_to(user)
    if not assigned:
        return []
    ids = list(assigned)
    done = progress.completions([user.id], ids)
    studied = progress.studied_counts([user.id], ids)
    totals = progress.lesson_counts(ids)
    labels = assigning.kind_labels()
    items = []
    for course_id, entry in assigned.items():
        if (user.id, course_id) in done:
            continue
        total = totals.get(course_id, 0)
        percent = round(100 * studied.get((user.id, course_id), 0) / total) if total else 0
        detail = " · ".join(
            [
                labels.get(entry.kind, entry.kind),
                _("必修") if entry.required else _("选修"),
                _("已学 %(p)d%%", p=percent),
            ]
        )
        items.append(
            TodoItem(
                _("学习课程《%(t)s》", t=entry.course.title),
                links.url("courses.course", course_slug=entry.course.slug),
                "course",
                due=entry.due_at,
                detail=detail + (" · " + _("已逾期") if entry.overdue else ""),
                urgent=entry.required and entry.due_soon(),
            )
        )
    return items

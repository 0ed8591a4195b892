"""A team's progress per course (who of its members has studied how much of each assigned
course, who is overdue): what the statistics feature shows secretaries and administrators.
The caller passes the team's roster, so this feature needs no roster rule of its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.auth.models import Team, User
from app.common.timeutil import utcnow
from app.courses.models import Assignment, Course, CourseCompletion
from app.courses.services import assignments as assigning
from app.courses.services import progress


@dataclass
class MemberProgress:
    user: User
    studied: int
    total: int
    completion: CourseCompletion | None
    due_at: datetime | None
    required: bool

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.total) if self.total else 0

    @property
    def overdue(self) -> bool:
        return self.completion is None and self.due_at is not None and self.due_at < utcnow()


@dataclass
class CourseSummary:
    course: Course
    members: list[MemberProgress] = field(default_factory=list)

    @property
    def audience(self) -> int:
        return len(self.members)

    @property
    def completed(self) -> int:
        return sum(1 for m in self.members if m.completion is not None)

    @property
    def started(self) -> int:
        return sum(1 for m in self.members if m.studied and m.completion is None)

    @property
    def overdue(self) -> int:
        return sum(1 for m in self.members if m.overdue)

    @property
    def percent(self) -> int:
        return round(sum(m.percent for m in self.members) / self.audience) if self.audience else 0


def _fold(rows: list[Assignment]) -> tuple[datetime | None, bool]:
    binding = [a for a in rows if a.required] or rows
    dues = [a.due_at for a in binding if a.due_at is not None]
    return (min(dues) if dues else None), any(a.required for a in rows)


def team_progress(
    team: Team, members: Sequence[User], course: Course | None = None
) -> list[CourseSummary]:
    """For each published course assigned to ``members`` (the roster of ``team``'s subtree)
    through ``team``'s assignments (or just ``course``), those members and how far each has
    got."""
    by_course: dict[int, list[Assignment]] = {}
    for row in assigning.team_assignments(team):
        if course is None or row.course_id == course.id:
            by_course.setdefault(row.course_id, []).append(row)
    courses = {rows[0].course_id: rows[0].course for rows in by_course.values()}
    ids = [m.id for m in members]
    counts = progress.studied_counts(ids, list(courses))
    totals = progress.lesson_counts(list(courses))
    done = progress.completions(ids, list(courses))
    summaries = []
    for course_id, rows in by_course.items():
        summary = CourseSummary(courses[course_id])
        for member in members:
            covering = [a for a in rows if a.covers(member)]
            if not covering:
                continue
            due_at, required = _fold(covering)
            summary.members.append(
                MemberProgress(
                    member,
                    counts.get((member.id, course_id), 0),
                    totals.get(course_id, 0),
                    done.get((member.id, course_id)),
                    due_at,
                    required,
                )
            )
        if summary.members:
            summaries.append(summary)
    return summaries

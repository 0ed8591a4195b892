"""A team's progress per course, for its secretaries and administrators: the courses
feature's service (``app.courses.services.team_progress``) over the team's roster."""

from __future__ import annotations

from app.auth.models import Team
from app.courses.services import team_progress as courses_progress
from app.courses.services.team_progress import CourseSummary
from app.stats.services import team_roster

__all__ = ["CourseSummary", "team_progress"]


def team_progress(team: Team, course=None) -> list[CourseSummary]:
    """Each published course assigned in ``team``'s subtree (or just ``course``): its
    members and how far each has got."""
    return courses_progress.team_progress(team, team_roster(team), course)

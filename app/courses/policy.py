"""Who may see which course.

- Administrators see every course, drafts included.
- Nobody else sees a draft (``published`` false).
- A published course ``open_to_all`` is visible to every logged-in user.
- Otherwise it is visible to its audience: the cadres an assignment covers (named, by
  team subtree, by rank, or a rank within a team), and to the secretaries whose scope the
  assignment reaches (a team inside or above one of their teams, a rank across the whole
  organisation, a named cadre of their teams), so they can follow and extend it.
"""

from __future__ import annotations

from sqlalchemy import and_, false, or_, select

from app.auth.models import Team, User
from app.courses.models import Assignment, Course
from app.extensions import db


def audience_clause(user: User):
    """Assignments whose audience includes ``user``."""
    ancestors = user.team.ancestor_ids if user.team is not None else []
    team_ok = Assignment.team_id.is_(None)
    if ancestors:
        team_ok = or_(team_ok, Assignment.team_id.in_(ancestors))
    rank_ok = or_(Assignment.rank.is_(None), Assignment.rank == user.rank)
    group = and_(
        Assignment.user_id.is_(None),
        or_(Assignment.team_id.is_not(None), Assignment.rank.is_not(None)),
        team_ok,
        rank_ok,
    )
    return or_(Assignment.user_id == user.id, group)


def scope_clause(user: User):
    """Assignments that reach into a secretary's teams."""
    scopes = user.secretary_teams
    if not scopes:
        return false()
    conditions = [and_(Assignment.team_id.is_(None), Assignment.user_id.is_(None))]
    for team in scopes:
        subtree = select(Team.id).where(Team.path.startswith(team.path))
        members = select(User.id).where(User.team_id.in_(subtree))
        conditions.append(Assignment.team_id.in_(subtree))
        conditions.append(Assignment.team_id.in_(team.ancestor_ids))
        conditions.append(Assignment.user_id.in_(members))
    return or_(*conditions)


def visible_course_ids(user: User):
    """A select of the ids of the courses ``user`` may see."""
    if user.is_admin:
        return select(Course.id)
    reach = audience_clause(user)
    if user.has_role("secretary"):
        reach = or_(reach, scope_clause(user))
    assigned = select(Assignment.course_id).where(reach)
    return select(Course.id).where(
        Course.published.is_(True), or_(Course.open_to_all.is_(True), Course.id.in_(assigned))
    )


def can_view_course(user: User, course: Course) -> bool:
    if user.is_admin:
        return True
    if not course.published:
        return False
    if course.open_to_all:
        return True
    query = visible_course_ids(user).where(Course.id == course.id)
    return db.session.scalar(query) is not None


def can_manage_assignments(user: User, course: Course) -> bool:
    """Admins assign any course; a secretary assigns the published courses they can see,
    and only to their own teams (checked by the assignment service)."""
    if user.is_admin:
        return True
    return user.has_role("secretary") and can_view_course(user, course)

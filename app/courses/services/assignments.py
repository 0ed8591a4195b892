"""Assignments (轮训 / 调训 / 自学): who must study which course by when.

An administrator assigns any published course to any audience. A secretary assigns the
courses they can see, to teams in their scope (a rank within such a team, or a named cadre
of it), and may withdraw only what they assigned themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from app.auth.models import RANKS, Team, User
from app.auth.services import rank_labels
from app.common import audit
from app.common.errors import DomainError
from app.common.timeutil import SHANGHAI, to_local, utcnow
from app.courses import policy
from app.courses.models import ASSIGNMENT_KINDS, Assignment, Course
from app.extensions import db

KIND_PRIORITY = {"callup": 0, "rotation": 1, "self": 2}


def kind_labels() -> dict[str, str]:
    return {"rotation": _("轮训"), "callup": _("调训"), "self": _("自学")}


def due_at_for(day: date) -> datetime:
    """The last second of ``day`` in Asia/Shanghai, as naive UTC."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def local_today() -> date:
    return to_local(utcnow()).date()


def describe(assignment: Assignment) -> str:
    """The audience in words: ``示范省教育厅领导班子（含下级）· 县处级`` or a name."""
    if assignment.user is not None:
        return assignment.user.name
    parts = []
    if assignment.team is not None:
        parts.append(_("%(t)s（含下级）", t=assignment.team.full_name))
    if assignment.rank:
        parts.append(rank_labels().get(assignment.rank, assignment.rank))
    return " · ".join(parts)


# ------------------------------------------------------------------ who may


def in_scope(user: User, assignment: Assignment) -> bool:
    """Does ``assignment``'s audience lie inside what ``user`` oversees?"""
    if user.is_admin:
        return True
    if assignment.user is not None:
        return user.can_oversee_team(assignment.user.team)
    return assignment.team is not None and user.can_oversee_team(assignment.team)


def can_withdraw(user: User, assignment: Assignment) -> bool:
    if user.is_admin:
        return True
    return (
        user.has_role("secretary")
        and assignment.created_by_id == user.id
        and in_scope(user, assignment)
    )


# ------------------------------------------------------------------ create, withdraw


def create_assignment(
    actor: User,
    course: Course,
    *,
    kind: str,
    team: Team | None = None,
    rank: str | None = None,
    user: User | None = None,
    due_on: date | None = None,
    required: bool = True,
    note: str = "",
) -> Assignment:
    """Assign ``course`` to a named cadre (``user``), or to a team subtree and/or a rank."""
    if not policy.can_manage_assignments(actor, course):
        raise DomainError(_("您不能布置这门课程"))
    if not course.published:
        raise DomainError(_("课程尚未发布，不能布置"))
    if kind not in ASSIGNMENT_KINDS:
        raise DomainError(_("未知的学习方式“%(k)s”", k=kind), "kind")
    rank = rank or None
    if rank is not None and rank not in RANKS:
        raise DomainError(_("未知职级“%(r)s”", r=rank), "rank")
    if user is not None and (team is not None or rank is not None):
        raise DomainError(_("点名学员时不必再选单位或职级"), "user")
    if user is None and team is None and rank is None:
        raise DomainError(_("请选择单位、职级或点名学员"), "team")
    if not actor.is_admin:
        target = user.team if user is not None else team
        if target is None or not actor.can_oversee_team(target):
            raise DomainError(_("只能布置给您负责的单位及其人员"), "user" if user else "team")
    if due_on is not None and due_on < local_today():
        raise DomainError(_("截止日期不能早于今天"), "due_on")
    same_target = (
        Assignment.user_id == user.id if user else Assignment.user_id.is_(None),
        Assignment.team_id == team.id if team else Assignment.team_id.is_(None),
        Assignment.rank == rank if rank else Assignment.rank.is_(None),
    )
    duplicate = db.session.scalar(
        select(Assignment).where(Assignment.course_id == course.id, *same_target)
    )
    if duplicate is not None:
        raise DomainError(_("已向该对象布置过这门课程，可先撤销原布置"), "team")
    assignment = Assignment(
        course=course,
        kind=kind,
        team=team,
        rank=rank,
        user=user,
        due_at=due_at_for(due_on) if due_on else None,
        required=required,
        note=(note or "").strip()[:500],
        created_by_id=actor.id,
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        actor,
        "assignment.create",
        assignment,
        _(
            "布置课程 %(c)s：%(who)s（%(k)s）",
            c=course.title,
            who=describe(assignment),
            k=kind_labels()[kind],
        ),
        due=due_on.isoformat() if due_on else "",
        required=required,
    )
    return assignment


def withdraw_assignment(actor: User, assignment: Assignment) -> None:
    if not can_withdraw(actor, assignment):
        raise DomainError(_("您不能撤销这项布置"))
    audit.record(
        actor,
        "assignment.delete",
        assignment,
        _("撤销课程 %(c)s 的布置：%(who)s", c=assignment.course.title, who=describe(assignment)),
    )
    assignment.course.assignments.remove(assignment)
    db.session.delete(assignment)
    db.session.flush()


# ------------------------------------------------------------------ reading


def assignments_for_course(viewer: User, course: Course) -> list[Assignment]:
    """The course's assignments ``viewer`` may see: all for an admin, those reaching the
    secretary's teams otherwise."""
    query = select(Assignment).where(Assignment.course_id == course.id)
    if not viewer.is_admin:
        query = query.where(policy.scope_clause(viewer))
    return list(db.session.scalars(query.order_by(Assignment.created_at, Assignment.id)))


@dataclass
class Assigned:
    """What a cadre owes for one course, all their assignments folded together."""

    course: Course
    kind: str
    due_at: datetime | None
    required: bool
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < utcnow()

    def due_soon(self, days: int = 3) -> bool:
        return self.due_at is not None and self.due_at < utcnow() + timedelta(days=days)


def assigned_to(user: User) -> dict[int, Assigned]:
    """The published courses assigned to ``user``, by course id."""
    rows = db.session.scalars(
        select(Assignment)
        .join(Course, Assignment.course_id == Course.id)
        .where(Course.published.is_(True), policy.audience_clause(user))
    )
    result: dict[int, Assigned] = {}
    for row in rows:
        result.setdefault(
            row.course_id, Assigned(row.course, row.kind, None, False)
        ).assignments.append(row)
    for entry in result.values():
        chosen = binding(entry.assignments)
        entry.kind, entry.due_at, entry.required = chosen.kind, chosen.due_at, chosen.required
    return result


def binding(assignments: list[Assignment]) -> Assignment:
    """The one assignment of a course that binds a cadre assigned it more than once:
    required over optional, then the earliest due (one with no due date last), then the
    stronger kind (调训 before 轮训 before 自学). Its kind, due date and required flag are
    shown together, never mixed from different assignments."""
    return min(
        assignments,
        key=lambda a: (
            not a.required,
            a.due_at is None,
            a.due_at or datetime.min,
            KIND_PRIORITY.get(a.kind, 9),
            a.id,
        ),
    )


def team_assignments(team: Team) -> list[Assignment]:
    """Assignments of published courses that can reach members of ``team``'s subtree."""
    subtree = select(Team.id).where(Team.path.startswith(team.path))
    members = select(User.id).where(User.team_id.in_(subtree))
    reach = or_(
        Assignment.team_id.in_(subtree),
        Assignment.team_id.in_(team.ancestor_ids),
        Assignment.user_id.in_(members),
        and_(Assignment.team_id.is_(None), Assignment.user_id.is_(None)),
    )
    return list(
        db.session.scalars(
            select(Assignment)
            .join(Course, Assignment.course_id == Course.id)
            .where(Course.published.is_(True), reach)
            .order_by(Course.sort_order, Course.id, Assignment.id)
        )
    )

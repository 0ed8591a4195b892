"""Who may sit an exam (参考范围): teams with their subtrees, ranks, named cadres.

A cadre is in the audience when any row matches: their team is within an audience team,
their rank is an audience rank, or they are named. An exam without rows has no audience.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import and_, exists, false, or_, select

from app.auth.models import RANKS, Team, User
from app.auth.services import rank_labels
from app.common import audit
from app.common.errors import DomainError
from app.extensions import db
from app.quiz.exams.models import EXAM_KINDS, Attempt, Exam, ExamAudience


def set_audience(
    actor: User | None,
    exam: Exam,
    *,
    teams: Iterable[Team] = (),
    ranks: Iterable[str] = (),
    users: Iterable[User] = (),
) -> None:
    """Replace the exam's audience."""
    teams, ranks, users = list(teams), list(dict.fromkeys(ranks)), list(users)
    for rank in ranks:
        if rank not in RANKS:
            raise DomainError(_("未知职级“%(r)s”", r=rank), "ranks")
    wanted = (
        [("team", t.id, None, None) for t in dict.fromkeys(teams)]
        + [("rank", None, r, None) for r in ranks]
        + [("user", None, None, u.id) for u in dict.fromkeys(users)]
    )
    current = [(a.kind, a.team_id, a.rank, a.user_id) for a in exam.audience]
    if sorted(current, key=repr) == sorted(wanted, key=repr):
        return
    exam.audience.clear()
    db.session.flush()
    for kind, team_id, rank, user_id in wanted:
        exam.audience.append(ExamAudience(kind=kind, team_id=team_id, rank=rank, user_id=user_id))
    db.session.flush()
    audit.record(
        actor,
        "exam.audience",
        exam,
        _("设置考试 %(t)s 的参考范围", t=exam.title),
        teams=[t.id for t in teams],
        ranks=ranks,
        users=[u.id for u in users],
    )


def team_options() -> list[tuple[int, str]]:
    """The active teams an audience may name, as (id, full name), by name."""
    teams = db.session.scalars(select(Team).where(Team.active.is_(True))).all()
    return sorted(((t.id, t.full_name) for t in teams), key=lambda option: option[1])


def find_audience(
    team_ids: Iterable[int] = (), ranks: Iterable[str] = (), usernames: Iterable[str] = ()
) -> dict[str, list]:
    """The ``set_audience`` arguments for ids, ranks and login names; DomainError
    (``audience_users``) names the login names that match nobody."""
    teams = [db.session.get(Team, tid) for tid in team_ids]
    names = list(usernames)
    users = db.session.scalars(select(User).where(User.username.in_(names))).all() if names else []
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise DomainError(_("找不到这些登录名：%(n)s", n="、".join(missing)), "audience_users")
    return {"teams": [t for t in teams if t], "ranks": list(ranks), "users": list(users)}


def audience_condition(user: User):
    """SQL: the exam (``Exam.id``) has an audience row matching ``user``."""
    team_ids = user.team.ancestor_ids if user.team is not None else []
    match = or_(
        and_(ExamAudience.kind == "team", ExamAudience.team_id.in_(team_ids))
        if team_ids
        else false(),
        and_(ExamAudience.kind == "rank", ExamAudience.rank == user.rank),
        and_(ExamAudience.kind == "user", ExamAudience.user_id == user.id),
    )
    return exists().where(ExamAudience.exam_id == Exam.id, match)


def in_audience(user: User, exam: Exam) -> bool:
    team_ids = set(user.team.ancestor_ids) if user.team is not None else set()
    for row in exam.audience:
        if row.kind == "team" and row.team_id in team_ids:
            return True
        if row.kind == "rank" and row.rank == user.rank:
            return True
        if row.kind == "user" and row.user_id == user.id:
            return True
    return False


def visible_exams_query(user: User, kinds: tuple[str, ...] = EXAM_KINDS):
    """Published or closed exams the user may sit, or has sat."""
    sat = exists().where(Attempt.exam_id == Exam.id, Attempt.user_id == user.id)
    return (
        select(Exam)
        .where(
            Exam.kind.in_(kinds),
            Exam.status.in_(("published", "closed")),
            or_(audience_condition(user), sat),
        )
        .order_by(Exam.opens_at.desc(), Exam.id.desc())
    )


def can_see(user: User, exam: Exam) -> bool:
    if exam.status == "draft":
        return False
    if in_audience(user, exam):
        return True
    return (
        db.session.scalar(
            select(Attempt.id).where(Attempt.exam_id == exam.id, Attempt.user_id == user.id)
        )
        is not None
    )


def audience_members_query(exam: Exam):
    """Active users in the audience (for counts and the admin's attempts page)."""
    conditions = []
    for row in exam.audience:
        if row.kind == "team" and row.team is not None:
            conditions.append(User.team_id.in_(row.team.subtree_ids_query()))
        elif row.kind == "rank":
            conditions.append(User.rank == row.rank)
        elif row.kind == "user":
            conditions.append(User.id == row.user_id)
    if not conditions:
        return select(User).where(false())
    return select(User).where(User.active.is_(True), or_(*conditions)).order_by(User.name)


def describe(exam: Exam) -> list[str]:
    """The audience in words: team full names, rank labels, named people."""
    labels = rank_labels()
    parts = []
    for row in exam.audience:
        if row.kind == "team" and row.team is not None:
            parts.append(_("%(t)s（含下级）", t=row.team.full_name))
        elif row.kind == "rank":
            parts.append(labels.get(row.rank, row.rank))
        elif row.kind == "user" and row.user is not None:
            parts.append(f"{row.user.name}（{row.user.username}）")
    return parts

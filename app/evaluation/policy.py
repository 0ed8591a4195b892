"""Who may see and do what in evaluation. Deny by default: each function answers one question.

- Administrators run frameworks and rounds and see everything.
- Assessors (考察人员, role ``assessor``) are scoped to teams (with subtrees): they work on the
  rounds that name them, on subjects in their scope, and open the files of cadres in scope.
- A cadre self-assesses, votes on the members of their own team, and sees their own published
  results and portrait — never ballots (nobody does) or interview notes.
- A secretary self-assesses for the teams in their scope.
"""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import Team, User
from app.evaluation.models import AssessorScope, Evaluation, EvaluationRound, RoundAssessor
from app.extensions import db


def assessor_teams(user: User) -> list[Team]:
    if not user.has_role("assessor"):
        return []
    return list(
        db.session.scalars(
            select(Team)
            .join(AssessorScope, AssessorScope.team_id == Team.id)
            .where(AssessorScope.user_id == user.id)
        )
    )


def in_scope(user: User, team: Team | None) -> bool:
    if user.is_admin:
        return True
    return team is not None and any(team.is_within(scope) for scope in assessor_teams(user))


def is_round_assessor(user: User, round_: EvaluationRound) -> bool:
    if user.is_admin:
        return True
    if not user.has_role("assessor"):
        return False
    return db.session.get(RoundAssessor, {"round_id": round_.id, "user_id": user.id}) is not None


def can_assess(user: User, evaluation: Evaluation) -> bool:
    """Score, mark, interview, publish, read interview notes and ballot results."""
    return is_round_assessor(user, evaluation.round) and in_scope(user, evaluation.team)


def can_open_file(user: User, cadre: User) -> bool:
    """The political-quality file (政治素质档案): admins and assessors in scope, no one else."""
    if user.is_admin:
        return True
    return user.has_role("assessor") and in_scope(user, cadre.team)


def can_self_assess(user: User, evaluation: Evaluation) -> bool:
    if evaluation.kind == "cadre":
        return evaluation.user_id == user.id
    return any(evaluation.team.is_within(scope) for scope in user.secretary_teams)


def can_vote(user: User, evaluation: Evaluation) -> bool:
    """Members of the subject's team vote on it (a cadre not on themselves)."""
    return (
        user.active
        and user.team_id == evaluation.team_id
        and user.id != evaluation.user_id
        and evaluation.published_at is None
        and evaluation.round.status == "open"
    )


def can_view_result(user: User, evaluation: Evaluation) -> bool:
    """The published result and portrait: the cadre themselves, and those who may assess or
    open the file."""
    if evaluation.published_at is None:
        return can_assess(user, evaluation)
    if evaluation.user_id is not None and evaluation.user_id == user.id:
        return True
    if can_assess(user, evaluation):
        return True
    return evaluation.user is not None and can_open_file(user, evaluation.user)


def can_view_team(user: User, round_: EvaluationRound, team: Team) -> bool:
    return is_round_assessor(user, round_) and in_scope(user, team)


# ------------------------------------------------------------------ meetings and talks


def runs_team(user: User, team: Team) -> bool:
    """The team's secretary keeps its meetings, rectification list and talks."""
    return any(team.is_within(scope) for scope in user.secretary_teams)


def oversees_team(user: User, team: Team) -> bool:
    """The upper level: administrators and assessors in scope read the team's records and may
    halt its democratic life meeting."""
    return user.is_admin or (user.has_role("assessor") and in_scope(user, team))


def can_view_team_records(user: User, team: Team) -> bool:
    return runs_team(user, team) or oversees_team(user, team)


def can_halt(user: User, team: Team) -> bool:
    """叫停 and 责令重开: the upper level attending — administrators, assessors in scope."""
    return oversees_team(user, team)


def can_update_rectification(user: User, item) -> bool:
    """Its owner reports progress; the team's secretary too."""
    return item.owner_id == user.id or runs_team(user, item.meeting.team)

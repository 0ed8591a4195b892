"""政治素质考察: rounds, their subjects and assessors, and the self-assessment (自查自评)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from app.auth.models import Team, User, UserRole
from app.common import audit
from app.common.timeutil import to_local, utcnow
from app.evaluation import policy
from app.evaluation.models import (
    ROUND_PURPOSES,
    AssessorScope,
    BallotParticipation,
    Evaluation,
    EvaluationRound,
    Framework,
    RoundAssessor,
    SelfAssessment,
)
from app.evaluation.services import EvaluationError
from app.evaluation.services.fields import required_text, whole_number
from app.evaluation.services.frameworks import max_total
from app.extensions import db


def create_round(
    actor,
    *,
    title: str,
    purpose: str,
    framework: Framework | None,
    min_ballots=5,
    self_due: date | None = None,
    ballot_due: date | None = None,
    appraisal_due: date | None = None,
) -> EvaluationRound:
    if purpose not in ROUND_PURPOSES:
        raise EvaluationError(_("请选择考察类型"), "purpose")
    if framework is None:
        raise EvaluationError(_("请选择评价标准"), "framework")
    if not max_total(framework):
        raise EvaluationError(_("该评价标准还没有正向标准，不能用于考察"), "framework")
    round_ = EvaluationRound(
        title=required_text(title, "title", _("名称"), 200),
        purpose=purpose,
        year=framework.year,
        framework=framework,
        min_ballots=whole_number(min_ballots, "min_ballots", _("最少测评票数"), 1, 1000),
        self_due=self_due,
        ballot_due=ballot_due,
        appraisal_due=appraisal_due,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(round_)
    db.session.flush()
    audit.record(actor, "evaluation.round.create", round_, round_.title)
    return round_


def add_team(actor, round_: EvaluationRound, team: Team) -> int:
    """Add the team (as a subject) and its active members; returns how many were new."""
    if round_.status != "open":
        raise EvaluationError(_("考察已结束，不能再修改"))
    existing = {(e.team_id, e.user_id) for e in round_.subjects}
    added = 0
    if (team.id, None) not in existing:
        db.session.add(Evaluation(round=round_, kind="team", team_id=team.id))
        added += 1
    members = db.session.scalars(
        select(User).where(User.team_id == team.id, User.active.is_(True)).order_by(User.id)
    )
    for member in members:
        if (team.id, member.id) not in existing:
            db.session.add(Evaluation(round=round_, kind="cadre", team_id=team.id, user=member))
            added += 1
    db.session.flush()
    audit.record(actor, "evaluation.round.team", round_, team.name, team_id=team.id)
    return added


def add_cadre(actor, round_: EvaluationRound, team: Team, cadre: User) -> Evaluation:
    """One cadre as a subject (专项考察 or a single adjustment need not take the whole team)."""
    for existing in round_.subjects:
        if existing.user_id == cadre.id and existing.team_id == team.id:
            return existing
    subject = Evaluation(round=round_, kind="cadre", team_id=team.id, user=cadre)
    db.session.add(subject)
    db.session.flush()
    return subject


def add_assessor(actor, round_: EvaluationRound, user: User | None) -> None:
    if user is None or not user.active:
        raise EvaluationError(_("找不到该用户"), "username")
    if not user.has_role("assessor", "admin"):
        raise EvaluationError(_("%(u)s 不是考察人员", u=user.name), "username")
    if any(row.user_id == user.id for row in round_.assessor_rows):
        return
    round_.assessor_rows.append(RoundAssessor(user_id=user.id))
    db.session.flush()
    audit.record(actor, "evaluation.round.assessor", round_, user.username, user_id=user.id)


def grant_assessor(actor, user: User | None, team: Team | None) -> None:
    """Give ``user`` the assessor role (考察人员) over ``team`` and its subtree."""
    if user is None:
        raise EvaluationError(_("找不到该用户"), "username")
    if team is None:
        raise EvaluationError(_("请选择考察范围"), "team")
    if "assessor" not in user.roles:
        user.role_rows.append(UserRole(role="assessor"))
    if db.session.get(AssessorScope, {"user_id": user.id, "team_id": team.id}) is None:
        db.session.add(AssessorScope(user_id=user.id, team_id=team.id))
    db.session.flush()
    audit.record(actor, "evaluation.assessor.grant", user, team.name, team_id=team.id)


def revoke_assessor(actor, scope: AssessorScope) -> None:
    """Take one team out of an assessor's scope; with none left, the role goes too."""
    user, team = scope.user, scope.team
    db.session.delete(scope)
    db.session.flush()
    left = db.session.scalar(
        select(func.count()).select_from(AssessorScope).where(AssessorScope.user_id == user.id)
    )
    if not left:
        user.role_rows = [row for row in user.role_rows if row.role != "assessor"]
        db.session.flush()
    audit.record(actor, "evaluation.assessor.revoke", user, team.name, team_id=team.id)


def assessor_scopes() -> list[AssessorScope]:
    return list(db.session.scalars(select(AssessorScope).order_by(AssessorScope.user_id)))


def rounds_for(user: User) -> list[EvaluationRound]:
    query = select(EvaluationRound).order_by(EvaluationRound.year.desc(), EvaluationRound.id.desc())
    if not user.is_admin:
        query = query.join(RoundAssessor).where(RoundAssessor.user_id == user.id)
    return list(db.session.scalars(query))


def local_today() -> date:
    return to_local(utcnow()).date()


def past_due(due: date | None, today: date | None = None) -> bool:
    return due is not None and (today or local_today()) > due


def close_round(actor, round_: EvaluationRound) -> None:
    """No more self-assessments or ballots; published results stay."""
    round_.status = "closed"
    db.session.flush()
    audit.record(actor, "evaluation.round.close", round_, round_.title)


def save_self_assessment(
    actor,
    evaluation: Evaluation,
    entries: dict[int, tuple[str, str]],
    *,
    today: date | None = None,
) -> None:
    """``entries``: dimension id → (score as typed, statement). All or nothing."""
    if evaluation.published_at is not None or evaluation.round.status != "open":
        raise EvaluationError(_("考察已结束，不能再修改自评"))
    if past_due(evaluation.round.self_due, today):
        raise EvaluationError(_("自评已于 %(d)s 截止", d=evaluation.round.self_due))
    rows = []
    for dim in evaluation.round.framework.dimensions:
        raw_score, statement = entries.get(dim.id, ("", ""))
        score = whole_number(
            raw_score, f"score_{dim.id}", dim.name + _("自评分"), 0, dim.max_points
        )
        statement = required_text(statement, f"statement_{dim.id}", dim.name + _("自评陈述"), 2000)
        rows.append(SelfAssessment(dimension_id=dim.id, score=score, statement=statement))
    evaluation.self_rows = rows
    evaluation.self_submitted_at = utcnow()
    db.session.flush()


def my_subjects(user: User) -> list[Evaluation]:
    """Open rounds' subjects for the user: their own, and (as secretary) their teams'."""
    own = select(Evaluation).join(EvaluationRound).where(EvaluationRound.status == "open")
    result = list(db.session.scalars(own.where(Evaluation.user_id == user.id)))
    for scope in user.secretary_teams:
        result.extend(
            db.session.scalars(
                own.join(Team, Team.id == Evaluation.team_id).where(
                    Evaluation.kind == "team", Team.path.startswith(scope.path)
                )
            )
        )
    return result


def ballots_to_cast(user: User) -> list[Evaluation]:
    """Subjects of open rounds in the user's team that they have not voted on yet."""
    if user.team_id is None:
        return []
    voted = select(BallotParticipation.evaluation_id).where(BallotParticipation.voter_id == user.id)
    query = (
        select(Evaluation)
        .join(EvaluationRound)
        .where(
            EvaluationRound.status == "open",
            Evaluation.team_id == user.team_id,
            Evaluation.published_at.is_(None),
            Evaluation.id.not_in(voted),
        )
        .order_by(Evaluation.round_id, Evaluation.kind.desc(), Evaluation.id)
    )
    return [e for e in db.session.scalars(query) if e.user_id != user.id]


def visible_subjects(user: User, round_: EvaluationRound) -> list[Evaluation]:
    """The round's subjects an assessor's scope holds (all, for an administrator), with their
    people and teams in the same read."""
    query = (
        select(Evaluation)
        .join(Team, Team.id == Evaluation.team_id)
        .where(Evaluation.round_id == round_.id)
        .options(
            contains_eager(Evaluation.team),
            joinedload(Evaluation.user).options(
                lazyload(User.role_rows), lazyload(User.scope_rows)
            ),
        )
        .order_by(Team.path, Evaluation.kind.desc(), Evaluation.id)
    )
    if not user.is_admin:
        scopes = [scope.path for scope in policy.assessor_teams(user)]
        if not scopes:
            return []
        query = query.where(or_(*(Team.path.startswith(path) for path in scopes)))
    return list(db.session.scalars(query).unique())

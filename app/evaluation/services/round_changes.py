"""Changing a round after it is created (while it is open): its title, deadlines and minimum
ballot count, and its subjects. Each change is audit-logged with plain before/after values.

The rules keep the anonymity rules whole:
- a deadline of a step still running (no deadline, or not yet passed) cannot move before today;
- the ballot deadline, once passed, cannot reopen voting: results may already show, and a
  second look after one more ballot would read that ballot;
- the minimum count cannot change once any subject's results are shown (lowering it would
  show a small group's ballots; raising it would hide results already read);
- a subject is removed only while nothing is recorded about it: no ballot (nor anyone's
  participation), no self-assessment submitted, no appraisal (scores, negative-list marks,
  interviews, a published result).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, union

from app.auth.models import Team, User
from app.common import audit
from app.evaluation.models import (
    Ballot,
    BallotParticipation,
    Evaluation,
    EvaluationRound,
    Interview,
    NegativeMark,
    StandardScore,
)
from app.evaluation.services import EvaluationError, ballots
from app.evaluation.services.fields import required_text, whole_number
from app.evaluation.services.rounds import add_cadre, local_today
from app.extensions import db


def _must_be_open(round_: EvaluationRound) -> None:
    if round_.status != "open":
        raise EvaluationError(_("考察已结束，不能再修改"))


def deadline_labels() -> dict[str, str]:
    return {"self_due": _("自评截止"), "ballot_due": _("测评截止"), "appraisal_due": _("鉴定截止")}


def results_shown(round_: EvaluationRound, today: date | None = None) -> bool:
    """Whether any subject of the round shows its ballot results now."""
    summaries = ballots.tally(
        [
            (e.id, round_.min_ballots, not ballots.over_for(round_, e.published_at, today))
            for e in round_.subjects
        ],
        comments=False,
    )
    return any(s.shown for s in summaries.values())


def update_round(
    actor,
    round_: EvaluationRound,
    *,
    title: str,
    min_ballots,
    self_due: date | None,
    ballot_due: date | None,
    appraisal_due: date | None,
    today: date | None = None,
) -> dict:
    """Apply the changes (all or nothing); returns them as field → [before, after]."""
    _must_be_open(round_)
    today = today or local_today()
    new = {
        "title": required_text(title, "title", _("名称"), 200),
        "min_ballots": whole_number(min_ballots, "min_ballots", _("最少测评票数"), 1, 1000),
        "self_due": self_due,
        "ballot_due": ballot_due,
        "appraisal_due": appraisal_due,
    }
    labels = deadline_labels()
    for field, label in labels.items():
        old, value = getattr(round_, field), new[field]
        if value == old:
            continue
        running = old is None or old >= today
        if running and value is not None and value < today:
            raise EvaluationError(_("%(f)s不能早于今天（%(d)s）", f=label, d=today), field)
        if field == "ballot_due" and not running and (value is None or value >= today):
            raise EvaluationError(_("民主测评已截止，不能重新开放"), field)
    if new["min_ballots"] != round_.min_ballots and results_shown(round_, today):
        raise EvaluationError(_("已有测评结果显示，不能再改最少测评票数"), "min_ballots")
    changes = {}
    for field, value in new.items():
        old = getattr(round_, field)
        if value != old:
            changes[field] = [_plain(old), _plain(value)]
            setattr(round_, field, value)
    if changes:
        db.session.flush()
        audit.record(actor, "evaluation.round.update", round_, round_.title, changes=changes)
    return changes


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def add_subject(actor, round_: EvaluationRound, cadre: User | None) -> Evaluation:
    """One cadre (with their team) as a subject of the round."""
    _must_be_open(round_)
    if cadre is None or not cadre.active or cadre.team_id is None:
        raise EvaluationError(_("找不到该用户，或其不属于任何领导班子"), "username")
    subject = add_cadre(actor, round_, cadre.team, cadre)
    audit.record(actor, "evaluation.round.subject.add", round_, cadre.username, user_id=cadre.id)
    return subject


def removable(subjects: list[Evaluation]) -> set[int]:
    """The subjects about which nothing is recorded yet: no ballot or participation, no
    self-assessment submitted, no score, mark or interview, not published (one query)."""
    candidates = {e.id for e in subjects if e.published_at is None and e.self_submitted_at is None}
    if not candidates:
        return set()
    recorded = union(
        *(
            select(column).where(column.in_(candidates))
            for column in (
                Ballot.evaluation_id,
                BallotParticipation.evaluation_id,
                StandardScore.evaluation_id,
                NegativeMark.evaluation_id,
                Interview.evaluation_id,
            )
        )
    )
    return candidates - set(db.session.scalars(recorded))


def remove_subject(actor, evaluation: Evaluation) -> None:
    round_ = evaluation.round
    _must_be_open(round_)
    if evaluation.id not in removable([evaluation]):
        raise EvaluationError(_("该对象已有测评票、自评或评价鉴定记录，不能移出考察"))
    team: Team = evaluation.team
    audit.record(
        actor,
        "evaluation.round.subject.remove",
        round_,
        evaluation.subject_name,
        team_id=team.id,
        user_id=evaluation.user_id,
    )
    db.session.delete(evaluation)
    db.session.flush()
    db.session.expire(round_, ["subjects"])

"""民主测评: anonymous ballots.

Anonymity is by construction, not by discretion: a :class:`Ballot` row holds the subject, the
grades and the comment — no voter, no time, and a random id, so it can be neither joined nor
ordered back to the :class:`BallotParticipation` row that records that someone voted. No
audit entry or log line is written for a ballot. Results appear only once a round's minimum
of ballots is in, and comments only as a sorted list (the order says nothing about who).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.evaluation import policy
from app.evaluation.models import (
    BALLOT_GRADES,
    Ballot,
    BallotParticipation,
    Evaluation,
    EvaluationRound,
)
from app.evaluation.services import EvaluationError
from app.evaluation.services.rounds import past_due
from app.extensions import db


def has_voted(user, evaluation: Evaluation) -> bool:
    return (
        db.session.get(BallotParticipation, {"evaluation_id": evaluation.id, "voter_id": user.id})
        is not None
    )


def cast(
    voter,
    evaluation: Evaluation,
    grades: dict[int, str],
    comment: str = "",
    *,
    token: Callable[[], str] = lambda: secrets.token_hex(16),
    rng: random.Random | None = None,
    today: date | None = None,
) -> None:
    """Record that ``voter`` voted and, separately, their ballot. ``grades``: dimension id →
    one of ``BALLOT_GRADES``, for every dimension of the round's framework.

    The subject's ballots are written anew each time, shuffled, with fresh ids: on PostgreSQL a
    row's place in the heap (``ctid``) and its inserting transaction (``xmin``, readable by
    anyone who may select the table) follow the order of writing, and the participation row
    is written in the same transaction. Rewritten, every live ballot of the subject carries the
    latest voter's transaction and a random place, so neither lines up with the voters."""
    if evaluation.round.status != "open" or not policy.can_vote(voter, evaluation):
        raise EvaluationError(_("您不在该测评对象的测评范围内"))
    if past_due(evaluation.round.ballot_due, today):
        raise EvaluationError(_("民主测评已于 %(d)s 截止", d=evaluation.round.ballot_due))
    if has_voted(voter, evaluation):
        raise EvaluationError(_("您已提交过对该对象的测评票"))
    clean = {}
    for dim in evaluation.round.framework.dimensions:
        grade = grades.get(dim.id, "")
        if grade not in BALLOT_GRADES:
            raise EvaluationError(_("请为“%(d)s”选择评价等次", d=dim.name), f"grade_{dim.id}")
        clean[str(dim.id)] = grade
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise EvaluationError(_("意见建议不能超过 500 字"), "comment")
    # one vote on a subject at a time: two rewrites of its ballots at once would each keep the
    # set it read and lose the other's ballot (SQLite writes one at a time anyway)
    db.session.execute(
        select(Evaluation.id).where(Evaluation.id == evaluation.id).with_for_update()
    )
    try:
        with db.session.begin_nested():
            db.session.add(BallotParticipation(evaluation_id=evaluation.id, voter_id=voter.id))
            db.session.flush()
    except IntegrityError:
        raise EvaluationError(_("您已提交过对该对象的测评票")) from None
    kept = db.session.execute(
        select(Ballot.grades, Ballot.comment).where(Ballot.evaluation_id == evaluation.id)
    ).all()
    db.session.execute(delete(Ballot).where(Ballot.evaluation_id == evaluation.id))
    batch = [(row.grades, row.comment) for row in kept] + [(clean, comment)]
    (rng or secrets.SystemRandom()).shuffle(batch)
    db.session.add_all(
        Ballot(id=token(), evaluation_id=evaluation.id, grades=g, comment=c) for g, c in batch
    )
    db.session.flush()


def voting_over(evaluation: Evaluation, today: date | None = None) -> bool:
    """No more ballots can come: the round is closed, the ballot deadline passed, or the
    subject's result is published."""
    return over_for(evaluation.round, evaluation.published_at, today)


def over_for(round_: EvaluationRound, published_at: datetime | None, today: date | None) -> bool:
    """:func:`voting_over` from the round and the subject's publication time alone."""
    return round_.status != "open" or published_at is not None or past_due(round_.ballot_due, today)


@dataclass
class Summary:
    count: int
    shown: bool  # voting is over and at least the round's minimum is in
    open: bool = False  # ballots may still come: results wait (the difference between two
    # looks at a live tally would be the one ballot cast in between)
    grades: dict[int, dict[str, int]] = field(default_factory=dict)  # dimension → grade → n
    comments: list[str] = field(default_factory=list)

    def share(self, dimension_id: int, grade: str) -> float:
        return self.grades.get(dimension_id, {}).get(grade, 0) / self.count if self.count else 0

    def good_rate(self, dimension_id: int) -> float:
        return self.share(dimension_id, "good") + self.share(dimension_id, "fair")

    def overall_good_rate(self, dimension_ids: list[int]) -> float | None:
        """好 and 较好 as a percentage of all grades given; None below the minimum."""
        if not self.shown or not dimension_ids:
            return None
        rates = [self.good_rate(d) for d in dimension_ids]
        return round(100 * sum(rates) / len(rates), 1)


def counts(evaluation_ids: Iterable[int]) -> dict[int, int]:
    ids = list(evaluation_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Ballot.evaluation_id, func.count())
        .where(Ballot.evaluation_id.in_(ids))
        .group_by(Ballot.evaluation_id)
    )
    return {eid: n for eid, n in rows}


def summaries(evaluations: list[Evaluation], today: date | None = None) -> dict[int, Summary]:
    """The results per subject once its voting is over; before that, or below the minimum,
    only the count."""
    return tally(
        [(e.id, e.round.min_ballots, not voting_over(e, today)) for e in evaluations],
        comments=True,
    )


_GRADES = select(Ballot.evaluation_id, Ballot.grades).where(
    Ballot.evaluation_id.in_(bindparam("ids", expanding=True))
)
_WITH_COMMENTS = _GRADES.add_columns(Ballot.comment)


def tally(subjects: list[tuple[int, int, bool]], *, comments: bool) -> dict[int, Summary]:
    """``subjects``: (evaluation id, the round's minimum, voting still open). One read of their
    ballots (with the comments only if asked); what falls below the minimum or is still open
    never leaves this function but as a count."""
    if not subjects:
        return {}
    rows = db.session.execute(
        _WITH_COMMENTS if comments else _GRADES, {"ids": [s[0] for s in subjects]}
    ).all()
    number: dict[int, int] = {}
    for row in rows:
        number[row[0]] = number.get(row[0], 0) + 1
    result = {
        eid: Summary(
            number.get(eid, 0), number.get(eid, 0) >= minimum and not still_open, still_open
        )
        for eid, minimum, still_open in subjects
    }
    for row in rows:
        summary = result[row[0]]
        if not summary.shown:
            continue
        for dim_id, grade in (row[1] or {}).items():
            per = summary.grades.setdefault(int(dim_id), {})
            per[grade] = per.get(grade, 0) + 1
        if comments and row[2]:
            summary.comments.append(row[2])
    for summary in result.values():
        summary.comments.sort()
    return result


def participation(evaluation: Evaluation) -> tuple[int, int]:
    """(voted, eligible) for a subject — the turnout, never who."""
    voted = db.session.scalar(
        select(func.count()).where(BallotParticipation.evaluation_id == evaluation.id)
    )
    eligible = db.session.scalar(
        select(func.count(User.id)).where(
            User.team_id == evaluation.team_id,
            User.active.is_(True),
            User.id != (evaluation.user_id or 0),
        )
    )
    return voted or 0, eligible or 0

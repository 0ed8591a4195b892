"""民主测评: anonymous by construction, shown only from the minimum count once voting is over,
one ballot each."""

from __future__ import annotations

import io
import logging
import random
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import inspect, select, text

from app.common.audit import AuditLog
from app.evaluation.export import team_workbook
from app.evaluation.models import Ballot, BallotParticipation
from app.evaluation.services import EvaluationError, ballots, rounds
from app.evaluation.services.team_assessment import assess_team
from app.extensions import db
from tests.evaluation.factories import make_round, subject_of


def _grades(evaluation, grade="good"):
    return {d.id: grade for d in evaluation.round.framework.dimensions}


def test_the_tables_cannot_tie_a_ballot_to_a_voter(app):
    ballot_columns = {c["name"] for c in inspect(db.engine).get_columns("eval_ballots")}
    assert ballot_columns == {"id", "evaluation_id", "grades", "comment"}
    participation = {
        c["name"] for c in inspect(db.engine).get_columns("eval_ballot_participations")
    }
    assert participation == {"evaluation_id", "voter_id"}


def test_ballots_carry_random_ids_that_do_not_follow_the_voting_order(app, world):
    round_ = make_round(world["team_a"])
    subject = subject_of(round_, world["cadre"])
    voters = world["cadres"][1:] + [world["sec"]]
    for voter in voters:
        ballots.cast(voter, subject, _grades(subject))
    ids = list(db.session.scalars(select(Ballot.id).where(Ballot.evaluation_id == subject.id)))
    assert len(ids) == len(set(ids)) == len(voters)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    # the id is drawn by the injected source, not from a sequence or the voter
    other = subject_of(round_, world["cadres"][1])
    ballots.cast(world["cadre"], other, _grades(other), token=lambda: "f" * 32)
    assert db.session.get(Ballot, "f" * 32) is not None


def test_no_audit_entry_or_log_line_names_a_voter_with_a_ballot(app, world, caplog):
    round_ = make_round(world["team_a"])
    subject = subject_of(round_, world["cadre"])
    voter = world["cadres"][1]
    before = db.session.scalar(select(db.func.count(AuditLog.id)))
    with caplog.at_level(logging.DEBUG):
        ballots.cast(voter, subject, _grades(subject), "意见：加强调研")
    assert db.session.scalar(select(db.func.count(AuditLog.id))) == before
    assert "加强调研" not in caplog.text and voter.username not in caplog.text


def test_results_show_only_from_the_minimum_and_comments_only_sorted(app, world):
    round_ = make_round(world["team_a"], min_ballots=5)
    subject = subject_of(round_, world["cadre"])
    comments = ["乙意见", "甲意见", "", "丙意见", ""]
    voters = world["cadres"][1:5]
    for voter, comment in zip(voters, comments, strict=False):
        ballots.cast(voter, subject, _grades(subject, "fair"), comment)
    summary = ballots.summaries([subject])[subject.id]
    assert (summary.count, summary.shown) == (4, False)
    assert summary.grades == {} and summary.comments == []
    ballots.cast(world["cadres"][5], subject, _grades(subject, "poor"), comments[4])
    summary = ballots.summaries([subject])[subject.id]
    # five are in, but ballots may still come: a live tally would show each new one
    assert (summary.count, summary.shown, summary.open) == (5, False, True)
    assert summary.grades == {} and summary.comments == []
    round_.ballot_due = date(2027, 5, 31)
    assert ballots.summaries([subject], today=date(2027, 6, 1))[subject.id].shown
    round_.ballot_due = None
    rounds.close_round(None, round_)
    summary = ballots.summaries([subject])[subject.id]
    assert (summary.count, summary.shown, summary.open) == (5, True, False)
    first = subject.round.framework.dimensions[0].id
    assert summary.grades[first] == {"fair": 4, "poor": 1}
    assert summary.comments == sorted(["乙意见", "甲意见", "丙意见"])
    assert summary.overall_good_rate([first]) == 80.0


def test_one_ballot_each_and_only_the_team_votes(app, world):
    round_ = make_round(world["team_a"])
    subject = subject_of(round_, world["cadre"])
    ballots.cast(world["cadres"][1], subject, _grades(subject))
    with pytest.raises(EvaluationError):
        ballots.cast(world["cadres"][1], subject, _grades(subject))
    with pytest.raises(EvaluationError):
        ballots.cast(world["cadre"], subject, _grades(subject))  # not on oneself
    with pytest.raises(EvaluationError):
        ballots.cast(world["outsider"], subject, _grades(subject))
    bad = _grades(subject)
    bad[subject.round.framework.dimensions[2].id] = "excellent"
    with pytest.raises(EvaluationError) as caught:
        ballots.cast(world["cadres"][2], subject, bad)
    assert caught.value.field.startswith("grade_")
    assert db.session.scalar(select(db.func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(select(db.func.count()).select_from(BallotParticipation)) == 1


def test_the_team_export_holds_no_voter_and_no_single_ballot(app, world):
    round_ = make_round(world["team_a"], min_ballots=5)
    subject = subject_of(round_, world["cadre"])
    for voter in world["cadres"][1:]:
        ballots.cast(voter, subject, _grades(subject), f"{voter.username}的意见")
    data = team_workbook(assess_team(round_, world["team_a"]))
    cells = [
        str(c.value)
        for row in load_workbook(io.BytesIO(data.read())).active.iter_rows()
        for c in row
        if c.value is not None
    ]
    assert not any(
        v.username in cell or "意见" in cell for v in world["cadres"][1:] for cell in cells
    )


def test_sqlite_keeps_no_rowid_that_would_record_the_voting_order(app, backend):
    if backend != "sqlite":
        return  # PostgreSQL has no rowid; see docs/evaluation.md on physical order
    for table in ("eval_ballots", "eval_ballot_participations"):
        with pytest.raises(Exception, match="rowid"):
            db.session.execute(text(f"SELECT rowid FROM {table}"))
        db.session.rollback()


def test_ballots_close_at_the_deadline_and_with_the_round(app, world):
    round_ = make_round(world["team_a"])
    round_.ballot_due = date(2027, 5, 31)
    subject = subject_of(round_, world["cadre"])
    with pytest.raises(EvaluationError) as caught:
        ballots.cast(world["cadres"][1], subject, _grades(subject), today=date(2027, 6, 1))
    assert "截止" in caught.value.message
    ballots.cast(world["cadres"][1], subject, _grades(subject), today=date(2027, 5, 31))
    rounds.close_round(None, round_)
    with pytest.raises(EvaluationError):
        ballots.cast(world["cadres"][2], subject, _grades(subject), today=date(2027, 5, 1))


def test_the_ballots_stored_order_does_not_follow_the_voters(app, world, backend):
    """Each vote rewrites the subject's ballots shuffled with fresh ids: neither the table's
    physical order (PostgreSQL's ctid; SQLite's key order) nor the ids follow the voters."""
    round_ = make_round(world["team_a"])
    subject = subject_of(round_, world["cadre"])
    voters = world["cadres"][1:] + [world["sec"]]
    rng = random.Random(7)
    seen_ids: set[str] = set()
    for n, voter in enumerate(voters):
        ballots.cast(voter, subject, _grades(subject), f"第{n}位的意见", rng=rng)
        ids = set(db.session.scalars(select(Ballot.id).where(Ballot.evaluation_id == subject.id)))
        assert len(ids) == n + 1 and not ids & seen_ids  # every id is new after each vote
        seen_ids |= ids
    voting_order = [f"第{n}位的意见" for n in range(len(voters))]
    physical = "ctid" if backend == "postgresql" else "id"  # SQLite: no rowid, key order
    stored = list(
        db.session.scalars(
            text(f"SELECT comment FROM eval_ballots WHERE evaluation_id = :e ORDER BY {physical}"),
            {"e": subject.id},
        )
    )
    assert sorted(stored) == sorted(voting_order)
    assert stored != voting_order and stored != voting_order[::-1]
    # the rewrite keeps every ballot: the counts and grades are those cast
    rounds.close_round(None, round_)
    assert ballots.summaries([subject])[subject.id].count == len(voters)

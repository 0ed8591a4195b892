"""Changing a round after it is created: title, deadlines, minimum ballots, subjects — each
change audit-logged with plain values, and refused where it would undo an anonymity rule."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.common.audit import AuditLog
from app.evaluation.models import Evaluation
from app.evaluation.services import EvaluationError, appraisal, ballots, round_changes, rounds
from app.extensions import db
from tests.evaluation.factories import (
    full_scores,
    login,
    make_round,
    page_text,
    subject_of,
)
from tests.factories import make_user

TODAY = date(2027, 5, 10)


def _update(round_, today=TODAY, **changes):
    values = {
        "title": round_.title,
        "min_ballots": round_.min_ballots,
        "self_due": round_.self_due,
        "ballot_due": round_.ballot_due,
        "appraisal_due": round_.appraisal_due,
    }
    values.update(changes)
    return round_changes.update_round(None, round_, today=today, **values)


def _entries(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_title_deadlines_and_minimum_change_and_are_logged_as_plain_values(app, world):
    round_ = make_round(world["team_a"])
    changes = _update(
        round_, title="2027年度考核（调整）", min_ballots="7", ballot_due=date(2027, 6, 1)
    )
    assert (round_.title, round_.min_ballots, round_.ballot_due) == (
        "2027年度考核（调整）",
        7,
        date(2027, 6, 1),
    )
    (entry,) = _entries("evaluation.round.update")
    assert entry.details["changes"] == {
        "title": ["2027年度考核", "2027年度考核（调整）"],
        "min_ballots": [5, 7],
        "ballot_due": [None, "2027-06-01"],
    }
    assert changes == entry.details["changes"]
    assert _update(round_) == {}  # nothing changed: nothing logged
    assert len(_entries("evaluation.round.update")) == 1


def test_a_running_step_cannot_end_before_today(app, world):
    round_ = make_round(world["team_a"])
    round_.self_due = date(2027, 5, 20)
    with pytest.raises(EvaluationError) as caught:
        _update(round_, self_due=date(2027, 5, 9))
    assert caught.value.field == "self_due"
    with pytest.raises(EvaluationError):
        _update(round_, ballot_due=date(2027, 5, 1))  # no deadline yet: running
    _update(round_, self_due=TODAY)  # today is still allowed
    assert round_.self_due == TODAY and round_.ballot_due is None


def test_a_passed_ballot_deadline_cannot_reopen_voting(app, world):
    round_ = make_round(world["team_a"])
    round_.ballot_due = date(2027, 5, 1)
    for reopened in (date(2027, 5, 30), None):
        with pytest.raises(EvaluationError) as caught:
            _update(round_, ballot_due=reopened)
        assert caught.value.field == "ballot_due"
    assert round_.ballot_due == date(2027, 5, 1)
    round_.self_due = date(2027, 5, 1)
    _update(round_, self_due=date(2027, 5, 30))  # a self-assessment may reopen
    assert round_.self_due == date(2027, 5, 30)


def test_the_minimum_is_fixed_once_a_result_shows(app, world):
    round_ = make_round(world["team_a"], min_ballots=2)
    subject = subject_of(round_, world["cadre"])
    grades = {d.id: "good" for d in round_.framework.dimensions}
    ballots.cast(world["cadres"][1], subject, grades, today=TODAY)
    _update(round_, min_ballots=3)  # one ballot in, nothing shows: still free
    ballots.cast(world["cadres"][2], subject, grades, today=TODAY)
    ballots.cast(world["cadres"][3], subject, grades, today=TODAY)
    appraisal.save_scores(world["assessor"], subject, full_scores(subject))
    appraisal.publish(world["assessor"], subject, "结论")  # voting on it is over: 3 ≥ 3 shows
    with pytest.raises(EvaluationError) as caught:
        _update(round_, min_ballots=10)
    assert caught.value.field == "min_ballots" and round_.min_ballots == 3
    _update(round_, title="改名仍可")


def test_a_closed_round_changes_no_more(app, world):
    round_ = make_round(world["team_a"])
    rounds.close_round(None, round_)
    with pytest.raises(EvaluationError):
        _update(round_, title="新名称")
    with pytest.raises(EvaluationError):
        round_changes.add_subject(None, round_, world["outsider"])
    with pytest.raises(EvaluationError):
        rounds.add_team(None, round_, world["team_b"])


def test_subjects_come_and_go_only_before_anything_is_recorded(app, world):
    round_ = make_round(world["team_a"])
    newcomer = make_user("cadre", world["team_a"], username="e-new")
    added = round_changes.add_subject(None, round_, newcomer)
    assert added.team_id == world["team_a"].id
    voted_on = subject_of(round_, world["cadre"])
    ballots.cast(world["cadres"][1], voted_on, {d.id: "good" for d in round_.framework.dimensions})
    scored = subject_of(round_, world["cadres"][2])
    appraisal.save_scores(world["assessor"], scored, full_scores(scored))
    assert round_changes.removable(round_.subjects) & {voted_on.id, scored.id} == set()
    for subject in (voted_on, scored):
        with pytest.raises(EvaluationError):
            round_changes.remove_subject(None, subject)
    round_changes.remove_subject(None, added)
    db.session.flush()
    assert db.session.get(Evaluation, added.id) is None
    assert [e.summary for e in _entries("evaluation.round.subject.remove")] == [newcomer.name]
    assert _entries("evaluation.round.subject.add")[0].details == {"user_id": newcomer.id}


def test_the_pages_edit_add_and_remove(app, world):
    round_ = make_round(world["team_a"])
    newcomer = make_user("cadre", world["team_a"], username="e-new2")
    db.session.commit()
    client = login(app, world["admin"])
    base = f"/evaluation/rounds/{round_.id}"
    assert "最少测评票数" in page_text(client.get(base + "/edit"))
    response = client.post_form(
        base + "/edit",
        {"title": "新名称", "min_ballots": "abc", "self_due": "", "ballot_due": ""},
        follow_redirects=True,
    )
    assert "最少测评票数须为整数" in page_text(response)
    assert db.session.get(type(round_), round_.id).title == "2027年度考核"  # nothing changed
    client.post_form(base + "/cadres", {"username": newcomer.username})
    subject = db.session.scalar(
        select(Evaluation).where(
            Evaluation.round_id == round_.id, Evaluation.user_id == newcomer.id
        )
    )
    assert subject is not None
    assert "移出" in page_text(client.get(base))
    client.post_form(f"{base}/subjects/{subject.id}/delete")
    db.session.expire_all()
    assert db.session.get(Evaluation, subject.id) is None
    assessor = login(app, world["assessor"])
    assert assessor.get(base + "/edit").status_code == 403

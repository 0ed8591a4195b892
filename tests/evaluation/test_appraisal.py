"""评价鉴定: scores within the standard, a veto confirmed by a second assessor, the published
result frozen; the portrait against the team and the year before; interviews audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.common import figures
from app.common.audit import AuditLog
from app.evaluation.models import NegativeItem
from app.evaluation.scoring import UNQUALIFIED
from app.evaluation.services import EvaluationError, appraisal
from app.extensions import db
from tests.evaluation.factories import full_scores, make_round, subject_of


def _veto_item(evaluation) -> NegativeItem:
    return next(n for d in evaluation.round.framework.dimensions for n in d.negatives if n.veto)


def _deduction_item(evaluation) -> NegativeItem:
    return next(n for d in evaluation.round.framework.dimensions for n in d.negatives if not n.veto)


def test_scores_outside_a_standard_are_refused_and_change_nothing(app, world):
    round_ = make_round(world["team_a"], [world["assessor"]])
    subject = subject_of(round_, world["cadre"])
    appraisal.save_scores(world["assessor"], subject, full_scores(subject, minus=1))
    scores = full_scores(subject)
    first = next(iter(scores))
    scores[first] = ("99", "")
    with pytest.raises(EvaluationError) as caught:
        appraisal.save_scores(world["assessor"], subject, scores)
    assert caught.value.field == f"score_{first}"
    assert appraisal.compute(subject).total == 100 - 11  # eleven standards, one point off each


def test_a_veto_needs_a_second_assessor_and_then_fails_the_result(app, world):
    round_ = make_round(world["team_a"], [world["assessor"], world["assessor2"]])
    subject = subject_of(round_, world["cadre"])
    appraisal.save_scores(world["assessor"], subject, full_scores(subject))
    appraisal.mark_negative(world["assessor"], subject, _veto_item(subject), "经核实的事实")
    assert appraisal.compute(subject).grade == "好"  # not yet confirmed
    mark = subject.marks[0]
    with pytest.raises(EvaluationError):
        appraisal.confirm_mark(world["assessor"], mark)  # not by the one who marked it
    appraisal.confirm_mark(world["assessor2"], mark)
    result = appraisal.publish(world["assessor2"], subject, "存在一票否决事项")
    assert (result.total, result.grade, result.veto) == (100, UNQUALIFIED, True)
    assert (subject.grade, subject.veto, subject.total) == (UNQUALIFIED, True, 100)
    with pytest.raises(EvaluationError):
        appraisal.save_scores(world["assessor"], subject, full_scores(subject, minus=2))


def test_a_deduction_counts_at_once(app, world):
    round_ = make_round(world["team_a"], [world["assessor"]])
    subject = subject_of(round_, world["cadre"])
    appraisal.save_scores(world["assessor"], subject, full_scores(subject))
    item = _deduction_item(subject)
    appraisal.mark_negative(world["assessor"], subject, item, "事实")
    assert appraisal.compute(subject).total == 100 - item.deduction
    with pytest.raises(EvaluationError):
        appraisal.mark_negative(world["assessor"], subject, item, "再次")
    with pytest.raises(EvaluationError) as caught:
        appraisal.mark_negative(world["assessor"], subject, _veto_item(subject), "")
    assert caught.value.field == "note"


def test_publishing_needs_scores_and_a_conclusion(app, world):
    round_ = make_round(world["team_a"], [world["assessor"]])
    subject = subject_of(round_, world["cadre"])
    with pytest.raises(EvaluationError):
        appraisal.publish(world["assessor"], subject, "结论")
    appraisal.save_scores(world["assessor"], subject, full_scores(subject))
    with pytest.raises(EvaluationError) as caught:
        appraisal.publish(world["assessor"], subject, "  ")
    assert caught.value.field == "conclusion" and subject.published_at is None


def test_the_portrait_sets_the_cadre_against_the_team_and_last_year(app, world):
    last = make_round(world["team_a"], [world["assessor"]], year=2026)
    old = subject_of(last, world["cadre"])
    appraisal.save_scores(world["assessor"], old, full_scores(old, minus=2))
    appraisal.publish(world["assessor"], old, "上年结论")

    round_ = make_round(world["team_a"], [world["assessor"]], year=2027)
    me, peer = subject_of(round_, world["cadre"]), subject_of(round_, world["cadres"][1])
    appraisal.save_scores(world["assessor"], me, full_scores(me))
    appraisal.save_scores(world["assessor"], peer, full_scores(peer, minus=10))
    appraisal.publish(world["assessor"], me, "结论")
    appraisal.publish(world["assessor"], peer, "结论")

    p = appraisal.portrait(me)
    assert p.axes[0] == "政治忠诚" and p.prior_year == 2026
    assert p.own == [100.0] * 5
    assert p.team == [50.0] * 5  # the peer scores 0 everywhere: every standard is ≤ 10 points
    assert all(v is not None and v < 100 for v in p.prior)


def test_evidence_comes_from_the_figures_registry(app, world, monkeypatch):
    monkeypatch.setattr(figures, "_providers", {})
    figures.register_figure_provider(
        figures.FigureProvider(
            "fake",
            member_figures=lambda ids, period: {
                i: [figures.Figure("checkin.attendance", "出勤率", 9, 10)] for i in ids
            },
            member_record=lambda uid, period: [
                figures.RecordEntry("session", "集体学习：专题研讨", period.start)
            ],
        )
    )
    round_ = make_round(world["team_a"], [world["assessor"]])
    subject = subject_of(round_, world["cadre"])
    figs, record = appraisal.evidence(subject)
    assert figs[0].value == 0.9 and record[0].source == "fake"
    beside = appraisal.matching("checkin", figs)
    assert beside == figs and appraisal.matching("exams", figs) == []


def test_opening_interview_notes_is_audited(app, world):
    round_ = make_round(world["team_a"], [world["assessor"]])
    subject = subject_of(round_, world["cadre"])
    appraisal.add_interview(
        world["assessor"], subject, round_.created_at.date(), "同事甲", "访谈内容"
    )
    notes = appraisal.open_interviews(world["assessor2"], subject)
    assert [n.notes for n in notes] == ["访谈内容"]
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "evaluation.interview.open")
    ).one()
    assert entry.actor_id == world["assessor2"].id and entry.object_id == str(subject.id)

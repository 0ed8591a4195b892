"""Framework versioning: a version a round uses is frozen; the next version is a free copy, and
the round keeps scoring on the version it started with."""

from __future__ import annotations

from datetime import date

import pytest

from app.evaluation.demo import build_framework
from app.evaluation.services import EvaluationError, appraisal, frameworks, rounds
from tests.evaluation.factories import full_scores, make_round, subject_of


def test_the_demo_framework_is_complete(app):
    fw = build_framework(2027)
    assert [d.name for d in fw.dimensions] == [
        "政治忠诚",
        "政治定力",
        "政治担当",
        "政治能力",
        "政治自律",
    ]
    assert frameworks.max_total(fw) == 100
    assert any(n.veto for d in fw.dimensions for n in d.negatives)
    assert all(d.standards and d.negatives for d in fw.dimensions)


def test_a_framework_in_use_is_frozen_and_a_new_version_is_a_copy(app, world):
    round_ = make_round(world["team_a"], [world["assessor"]])
    fw = round_.framework
    dim = fw.dimensions[0]
    with pytest.raises(EvaluationError):
        frameworks.add_standard(None, dim, "新增标准", 5)
    with pytest.raises(EvaluationError):
        frameworks.remove_standard(None, dim.standards[0])
    with pytest.raises(EvaluationError):
        frameworks.set_bands(None, fw, "50 好\n0 差")

    copy = frameworks.new_version(None, fw)
    assert (copy.year, copy.version) == (fw.year, fw.version + 1)
    assert frameworks.max_total(copy) == frameworks.max_total(fw)
    frameworks.add_standard(None, copy.dimensions[0], "新增标准", 5)
    frameworks.set_bands(None, copy, "50 好\n0 差")
    frameworks.remove_standard(None, copy.dimensions[1].standards[0])

    # the round still scores on its own version: 100 points, the default bands
    subject = subject_of(round_, world["cadre"])
    appraisal.save_scores(world["assessor"], subject, full_scores(subject))
    result = appraisal.publish(world["assessor"], subject, "结论")
    assert (result.total, result.grade) == (100, "好")
    assert round_.framework_id == fw.id


def test_bad_input_names_the_field_and_changes_nothing(app):
    fw = frameworks.create_framework(None, 2027, "测试标准")
    dim = frameworks.add_dimension(None, fw, "政治忠诚")
    for points in ("", "abc", "0", "101"):
        with pytest.raises(EvaluationError) as caught:
            frameworks.add_standard(None, dim, "标准", points)
        assert caught.value.field == "points"
    with pytest.raises(EvaluationError) as caught:
        frameworks.add_dimension(None, fw, "政治忠诚")
    assert caught.value.field == "name"
    with pytest.raises(EvaluationError) as caught:
        frameworks.set_bands(None, fw, "90 好\nabc")
    assert "第 2 行" in caught.value.message
    assert dim.standards == [] and fw.bands[0]["label"] == "好"
    veto = frameworks.add_negative(None, dim, "一票否决事项", "", True)
    assert veto.veto and veto.deduction == 0


def test_self_assessment_closes_at_its_deadline(app, world):
    round_ = make_round(world["team_a"])
    round_.self_due = date(2027, 3, 31)
    subject = subject_of(round_, world["cadre"])
    entries = {d.id: ("5", "陈述") for d in round_.framework.dimensions}
    with pytest.raises(EvaluationError):
        rounds.save_self_assessment(world["cadre"], subject, entries, today=date(2027, 4, 1))
    assert subject.self_rows == []
    rounds.save_self_assessment(world["cadre"], subject, entries, today=date(2027, 3, 31))
    assert len(subject.self_rows) == 5

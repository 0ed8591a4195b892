"""The course and exam figure providers: roll-up arithmetic on the hand-made tree."""

from __future__ import annotations

import pytest

from app.common import figures
from tests.stats.world import build_world


def values(result, team_id):
    return {f.key: (f.numerator, f.denominator) for f in result[team_id]}


@pytest.fixture
def world(app):
    return build_world()


def test_team_figures_roll_up_the_subtree(world):
    ids = [world.root.id, world.unit_a.id, world.team_a1.id, world.unit_b.id]
    result = figures.team_figures(ids, world.period)
    root, a, a1, b = (values(result, i) for i in ids)
    # level test: audience 甲一 甲二 甲三 乙一 (甲停用 inactive); late exam: 甲一 only
    assert a1["exams.participation"] == (0, 2)
    assert a["exams.participation"] == (2, 4)  # 甲一 sat both, 甲二 in progress, 甲三 not
    assert b["exams.participation"] == (1, 1)
    assert root["exams.participation"] == (3, 5)
    # the late exam's score is not released: only the level test counts
    assert a["exams.average"] == (80, 1)
    assert root["exams.average"] == (120, 2)
    assert root["exams.pass_rate"] == (1, 2)
    assert a1["exams.pass_rate"] == (0, 0)
    # the course: assigned to 甲单位's subtree, due inside the period
    assert a["courses.completion"] == (1, 3)
    assert a["courses.on_time"] == (1, 3)
    assert a1["courses.completion"] == (0, 2)
    assert b["courses.completion"] == (0, 0)
    assert root["courses.completion"] == (1, 3)


def test_member_figures_and_record_respect_the_score_policy(world):
    a1 = world.users["甲一"]
    mine = {
        f.key: (f.numerator, f.denominator)
        for f in figures.member_figures([a1.id], world.period)[a1.id]
    }
    assert mine["exams.participation"] == (2, 2)
    assert mine["exams.average"] == (80, 1)
    assert mine["courses.completion"] == (1, 1)
    record = figures.member_record(a1.id, world.period)
    lines = {(e.kind, e.title): e.detail for e in record}
    assert "80" in lines[("exam", "理论水平测试")]
    assert "10" not in lines[("exam", "闭卷后公布考试")]
    assert "尚未公布" in lines[("exam", "闭卷后公布考试")]
    assert ("course", "必修理论课") in lines


def test_a_trend_in_one_query_equals_each_month_asked_alone(world):
    from app.stats.dashboard import months

    spans = months(world.period)
    ids = [world.root.id, world.unit_a.id, world.unit_b.id]
    together = figures.team_figures_periods(ids, spans)
    alone = [figures.team_figures(ids, span) for span in spans]
    as_values = [{t: values(r, t) for t in ids} for r in together]
    assert as_values == [{t: values(r, t) for t in ids} for r in alone]
    # the month holding today has the level test's pairs
    assert any(v[world.root.id]["exams.participation"][1] for v in as_values)

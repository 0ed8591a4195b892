"""An exam's results by team: scope, release policy, roll-up, exports."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.exams.services import team_results
from tests.stats.world import build_world


@pytest.fixture
def world(app):
    world = build_world()
    db.session.commit()
    return world


def test_counts_median_and_distribution_roll_up(world):
    results = team_results.team_results(world.level_test, world.root, world.admin)
    c = results.counts
    assert (c.audience, c.not_started, c.in_progress, c.submitted) == (4, 1, 1, 2)
    assert (c.scored, c.passed) == (2, 1)
    assert c.average == 60 and results.median == 60
    assert results.distribution[8] == 1 and results.distribution[4] == 1
    units = {u.team.name: u.counts for u in results.units}
    assert units["甲单位"].audience == 3 and units["乙单位"].pass_rate == 0


def test_secretary_sees_own_subtree_and_not_another_team(world, client):
    client.login("w-sec-a")
    page = client.get(f"/stats/exams/{world.level_test.id}/teams/{world.unit_a.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "甲一" in text and "甲三" in text and "乙一" not in text
    assert "80" in text  # released at submit: the cadre sees it, so may the secretary
    assert (
        client.get(f"/stats/exams/{world.level_test.id}/teams/{world.unit_b.id}").status_code == 403
    )
    assert (
        client.get(f"/stats/exams/{world.level_test.id}/teams/{world.unit_b.id}.xlsx").status_code
        == 403
    )
    assert client.get(f"/stats/exams/{world.level_test.id}/units").status_code == 403


def test_no_score_before_the_policy_releases_it(world, client):
    client.login("w-sec-a")
    url = f"/stats/exams/{world.late_exam.id}/teams/{world.unit_a.id}"
    text = client.get(url).get_data(as_text=True)
    assert "成绩尚未公布" in text and "得分（百分制）" not in text
    book = load_workbook(io.BytesIO(client.get(url + ".xlsx").data))
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert 10 not in cells and "不合格" not in cells
    # after the close the cadre sees it, and so does the secretary
    world.late_exam.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "得分（百分制）" in client.get(url).get_data(as_text=True)


def test_questions_are_named_to_a_secretary_only_after_the_close(world):
    open_exam = team_results.team_results(world.level_test, world.unit_a, world.sec_a)
    assert open_exam.scores_visible and not open_exam.questions_visible
    assert team_results.team_results(world.level_test, world.unit_a, world.admin).questions_visible
    world.level_test.closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert team_results.team_results(world.level_test, world.unit_a, world.sec_a).questions_visible


def test_admin_compares_units_by_rates_and_exports(world, client):
    client.login("w-admin")
    text = client.get(f"/stats/exams/{world.level_test.id}/units").get_data(as_text=True)
    assert "省委/甲单位" in text and "省委/乙单位" in text
    response = client.get(f"/stats/exams/{world.level_test.id}/units.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "甲单位" in response.data.decode("utf-8-sig")
    assert client.get(f"/stats/exams/{world.level_test.id}/units.pdf").status_code == 404


def test_exam_pages_link_to_results_by_team(world, client):
    from tests.factories import make_user

    make_user(("secretary", "cadre"), world.unit_a, username="w-sec-cadre", scopes=[world.unit_a])
    db.session.commit()
    client.login("w-sec-cadre")
    page = client.get(f"/exams/{world.level_test.id}").get_data(as_text=True)
    assert f"/stats/exams/{world.level_test.id}/teams/{world.unit_a.id}" in page
    client.get("/logout")
    client.login("w-admin")
    page = client.get(f"/admin/exams/{world.level_test.id}").get_data(as_text=True)
    assert f"/stats/exams/{world.level_test.id}/units" in page


def test_knowledge_points_and_questions_from_real_attempts(world):
    from app.quiz.exams.services import attempts
    from tests.quiz.exams.factories import make_exam, make_paper

    paper = [q for q in make_paper() if q.type in ("single", "judge")]
    exam = make_exam(questions=paper, teams=[world.unit_a], actor=world.admin)
    attempt, _ = attempts.start_attempt(world.users["甲三"], exam)
    judge = next(i for i in attempt.items if i.question.type == "judge")
    attempts.save_answer(world.users["甲三"], attempt.id, judge.question_id, judge.question.answer)
    attempts.submit_attempt(attempt)
    db.session.flush()
    results = team_results.team_results(exam, world.unit_a, world.admin)
    assert results.counts.submitted == 1 and results.counts.scored == 1
    by_question = {g.key: g for g in results.questions}
    assert by_question[judge.question_id].correct == 1
    assert by_question[judge.question_id].rate == 1
    assert sum(g.answered for g in results.categories) == 2

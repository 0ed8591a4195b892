"""``flask exams create SPEC``, the documented example, and the demo exams."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from app.common.demo import load_demo
from app.extensions import db
from app.quiz.exams.models import Attempt, Exam
from app.quiz.exams.services import my_exams, results
from tests.factories import make_team, make_user
from tests.quiz.bank.factories import make_bank, make_question

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "level-test.yaml"


@pytest.fixture(autouse=True)
def clock():
    # the specs (and the documented example) name dates: run before them
    with time_machine.travel(datetime(2026, 8, 1, 0, 0), tick=False) as traveller:
        yield traveller


def run(app, path):
    return app.test_cli_runner().invoke(args=["exams", "create", str(path)])


def test_create_from_json_with_fixed_items(app, tmp_path):
    parent = make_team("省直机关", kind="unit")
    team = make_team("某厅领导班子", parent=parent)
    make_user("cadre", team, username="spec-cadre")
    bank = make_bank("规格题库")
    first, second = make_question(bank, "single"), make_question(bank, "judge")
    spec = {
        "title": "JSON 考试",
        "opens_at": "2026-09-01 09:00",
        "closes_at": "2026-09-02T18:00:00+08:00",
        "duration_minutes": 20,
        "score_policy": "never",
        "audience": {"teams": ["省直机关"], "ranks": ["乡科级"], "users": ["spec-cadre"]},
        "paper": {"items": [{"question": first.id, "points": 3}, second.id]},
        "publish": True,
    }
    path = tmp_path / "exam.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    result = run(app, path)
    assert result.exit_code == 0, result.output
    exam = db.session.scalar(select(Exam).where(Exam.title == "JSON 考试"))
    assert "已创建考试" in result.output and str(exam.id) in result.output
    assert exam.status == "published" and exam.score_policy == "never"
    assert exam.opens_at == datetime(2026, 9, 1, 1, 0)
    assert exam.closes_at == datetime(2026, 9, 2, 10, 0)
    assert [(i.question_id, str(i.points)) for i in exam.items] == [
        (first.id, "3.00"),
        (second.id, "1.00"),
    ]
    assert sorted(a.kind for a in exam.audience) == ["rank", "team", "user"]


def test_errors_name_the_file_and_key_and_write_nothing(app, tmp_path):
    bank = make_bank("出错题库")
    make_question(bank, "judge")
    cases = {
        "audience.teams[0]": "audience: {teams: [不存在的单位]}\npaper: {items: [1]}\n",
        "paper.rules[0].bank": "audience: {ranks: [county]}\npaper: {rules: [{bank: 无此题库}]}\n",
        "paper.rules": (
            "audience: {ranks: [county]}\n"
            f"paper: {{rules: [{{bank: {bank.name}, type: judge, count: 5, points: 1}}]}}\n"
        ),
        "duration_minutes": "duration_minutes: 0\naudience: {ranks: [county]}\npaper: {items: []}\n",
        "opens_at": "opens_at: 明天\naudience: {ranks: [county]}\npaper: {items: []}\n",
    }
    for key, body in cases.items():
        path = tmp_path / "bad.yaml"
        head = "title: 坏考试\n"
        if not body.startswith("opens_at"):
            head += "opens_at: 2026-09-01 09:00\n"
        head += "closes_at: 2026-09-02 09:00\n"
        path.write_text(head + body, encoding="utf-8")
        result = run(app, path)
        assert result.exit_code == 1, (key, result.output)
        assert "bad.yaml" in result.output and key in result.output, result.output
    assert db.session.scalar(select(Exam.id)) is None
    path = tmp_path / "broken.yaml"
    path.write_text("title: [unclosed", encoding="utf-8")
    result = run(app, path)
    assert result.exit_code == 1 and "broken.yaml" in result.output


def test_the_documented_example_works_on_the_demo_data(app):
    load_demo()
    result = run(app, EXAMPLE)
    assert result.exit_code == 0, result.output
    title = "2026 年度县处级以下领导干部政治理论水平测试"
    exam = db.session.scalar(select(Exam).where(Exam.title == title))
    assert exam.status == "published" and exam.assembly == "rules"
    assert sum(r.count for r in exam.rules) == 30
    assert sum(r.count * r.points_each for r in exam.rules) == 100


def test_the_demo_has_an_open_level_test_and_a_closed_exam_with_results(app):
    context = load_demo()
    level, closed = context["level_test"], context["closed_exam"]
    assert level.kind == "level_test" and level.status == "published"
    assert level.duration_minutes == 30 and level.multiple_policy == "partial"
    assert sum(r.count for r in level.rules) == 20
    assert {r.type for r in level.rules} == {"single", "multiple", "judge", "blank"}
    assert (level.closes_at - level.opens_at).days == 30
    cadre = context["cadre"]
    states = {e.exam.title: e.state for e in my_exams.my_exams(cadre)}
    assert states[level.title] == "open" and states[closed.title] == "finished"
    sittings = db.session.scalars(select(Attempt).where(Attempt.exam_id == closed.id)).all()
    assert len(sittings) == len(context["members"]["示范省教育厅"]) + 2
    assert all(a.submitted and a.graded for a in sittings)
    mine = next(a for a in sittings if a.user_id == cadre.id)
    view = results.build_result(mine, cadre)
    assert view.score_visible and view.review_visible and len(view.items) == 10
    assert len({a.score for a in sittings}) > 1

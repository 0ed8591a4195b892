"""What a cadre reads about a finished sitting: 我的考试 says the score out of full marks and
pass/fail, the time to a far close in days; the review labels partial credit 部分正确 with
the points, filters to the missed questions, and hides each verdict while the score is."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine

from app.extensions import db
from tests.quiz.exams.factories import Api, by_type, make_exam, make_paper, right_responses

T0 = datetime(2026, 5, 10, 0, 0, 0)


def _sit(app, cadre, exam_team, *, types=None, **fields):
    """Everything right but the multiple choice (one of its two keys) and the blank."""
    paper = [q for q in make_paper() if types is None or q.type in types]
    exam = make_exam(
        questions=paper,
        teams=[exam_team],
        points="2",
        opens_at=T0 - timedelta(hours=1),
        closes_at=T0 + timedelta(days=30, hours=2),
        multiple_policy="partial",
        **{"pass_mark": "6", **fields},
    )
    db.session.commit()
    api = Api(app.test_client(), cadre)
    state = api.start(exam).json
    aid = state["attempt_id"]
    right = right_responses(state, paper)
    types = by_type(state)
    for qid, response in right.items():
        if qid == types.get("multiple", {}).get("id"):
            response = response[:1]
        elif qid == types.get("blank", {}).get("id"):
            response = ["上海"]
        api.save(aid, qid, response)
    return api, aid


def test_my_exams_counts_days_and_shows_score_out_of_full_marks(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False):
        make_exam(teams=[exam_team], title="远期考试", closes_at=T0 + timedelta(days=30, hours=5))
        api, aid = _sit(app, cadre, exam_team, score_policy="at_submit")
        page = api.client.get("/exams/").get_data(as_text=True)
        assert "距结束 30 天" in page and "小时" not in page
        api.submit(aid)
        page = api.client.get("/exams/").get_data(as_text=True)
        # single 2 + multiple 1 (half its keys) + judge 2; the essay waits for marking
        assert "5 / 10 分" in page and "待阅卷" in page


def test_my_exams_says_pass_or_fail_once_marked(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False):
        api, aid = _sit(app, cadre, exam_team, types=("single", "judge"), pass_mark="3")
        api.submit(aid)
        page = api.client.get("/exams/").get_data(as_text=True)
        assert "4 / 4 分" in page and "合格" in page and "不合格" not in page


def test_partial_credit_is_labelled_with_its_points_and_missed_filter(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False):
        api, aid = _sit(
            app, cadre, exam_team, score_policy="at_submit", review_policy="after_submit"
        )
        api.submit(aid)
        items = {i["type"]: i for i in api.result(aid).json["items"]}
        assert items["multiple"]["verdict"] == "partial" and items["multiple"]["score"] == 1.0
        assert items["blank"]["verdict"] == "wrong" and items["single"]["verdict"] == "correct"
        page = api.client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
        assert "部分正确" in page and "得分 1 / 2" in page
        assert "只看错题（2）" in page
        missed = api.client.get(f"/exams/attempts/{aid}/result?only=missed")
        text = missed.get_data(as_text=True)
        assert text.count('class="card mb-3 xk-review-item"') == 2
        assert 'data-verdict="correct"' not in text


def test_hidden_score_hides_each_verdict_but_not_the_key(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False):
        api, aid = _sit(app, cadre, exam_team, score_policy="never", review_policy="after_submit")
        api.submit(aid)
        items = api.result(aid).json["items"]
        assert {i["verdict"] for i in items} == {"hidden"}
        assert all(i["correct"] is None and "score" not in i for i in items)
        page = api.client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
        assert "正确答案" in page
        assert (
            "部分正确" not in page and "只看错题" not in page and "badge text-bg-danger" not in page
        )
        # the filter asked for by address changes nothing while the verdicts are hidden
        missed = api.client.get(f"/exams/attempts/{aid}/result?only=missed")
        assert missed.get_data(as_text=True).count('class="card mb-3 xk-review-item"') == 5

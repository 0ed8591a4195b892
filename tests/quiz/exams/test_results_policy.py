"""Results follow the exam's policy: nothing reveals an answer or an explanation before the
policy allows it — not the exam page, not the JSON, not the result page."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine

from app.extensions import db
from app.quiz.exams.services import results
from tests.openapi import assert_response_matches
from tests.quiz.exams.factories import (
    SECRET_EXPLANATION,
    Api,
    by_type,
    make_exam,
    make_paper,
    right_responses,
)

T0 = datetime(2026, 5, 10, 0, 0, 0)
RESULT = "/api/v1/attempts/{attempt_id}/result"
# Parts of the keys of ``make_paper``: the blank's alternative and the essay's reference.
KEY_TEXTS = ("北平", "参考答案", SECRET_EXPLANATION)


def assert_hides_answers(text: str) -> None:
    for secret in KEY_TEXTS:
        assert secret not in text, f"{secret!r} revealed"
    assert '"correct"' not in text and "正确答案" not in text


def _sit(app, cadre, exam_team, **policy):
    """Log in, start, answer everything right (one blank wrong), submit. (api, attempt id)."""
    paper = make_paper()
    exam = make_exam(
        questions=paper,
        teams=[exam_team],
        opens_at=T0 - timedelta(hours=1),
        closes_at=T0 + timedelta(hours=2),
        pass_mark="3",
        **policy,
    )
    db.session.commit()
    api = Api(app.test_client(), cadre)
    state = api.start(exam).json
    page = api.client.get(f"/exams/attempts/{state['attempt_id']}")
    assert page.status_code == 200
    assert_hides_answers(page.get_data(as_text=True))
    assert_hides_answers(api.state(state["attempt_id"]).get_data(as_text=True))
    right = right_responses(state, paper)
    for qid, response in right.items():
        if qid != by_type(state)["blank"]["id"]:
            api.save(state["attempt_id"], qid, response)
    api.save(state["attempt_id"], by_type(state)["blank"]["id"], ["上海"])
    return api, state["attempt_id"]


def test_score_at_submit_review_after_close(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False) as clock:
        api, aid = _sit(
            app, cadre, exam_team, score_policy="at_submit", review_policy="after_close"
        )
        submitted = api.submit(aid)
        assert submitted.json["score"] == 3.0
        result = api.result(aid)
        assert_response_matches(result, RESULT)
        body = result.json
        assert body["score"] == 3.0 and body["max_score"] == 5.0 and body["graded"] is False
        assert body["passed"] is None  # final only once the essay is marked
        assert body["review_visible"] is False and "items" not in body
        assert_hides_answers(result.get_data(as_text=True))
        page = api.client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
        assert "3 <span" in page or ">3<" in page
        assert_hides_answers(page)
        assert "答案与解析将在考试结束" in page
        # the state after submitting still holds no key
        assert_hides_answers(api.state(aid).get_data(as_text=True))

        clock.move_to(T0 + timedelta(hours=2))
        after = api.result(aid)
        assert_response_matches(after, RESULT)
        items = {i["type"]: i for i in after.json["items"]}
        assert SECRET_EXPLANATION in items["single"]["explanation_html"]
        assert items["blank"]["correct"] is False and "北平" in items["blank"]["answer_text"]
        assert items["single"]["correct"] is True
        assert any(o["correct"] and o["chosen"] for o in items["single"]["options"])
        page = api.client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
        assert SECRET_EXPLANATION in page and "北平" in page


def test_score_after_close_hides_the_score_until_then(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False) as clock:
        api, aid = _sit(
            app, cadre, exam_team, score_policy="after_close", review_policy="after_close"
        )
        assert api.submit(aid).json == {"status": "submitted"}
        body = api.result(aid).json
        assert body["score_visible"] is False and "score" not in body and "breakdown" not in body
        assert "成绩将在考试结束" in body["message"]
        page = api.client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
        assert 'id="breakdown"' not in page and "得分" not in page
        listing = api.get("/api/v1/exams")
        assert_response_matches(listing, "/api/v1/exams")
        assert listing.json["exams"][0]["score"] is None
        clock.move_to(T0 + timedelta(hours=3))
        body = api.result(aid).json
        assert body["score"] == 3.0 and body["breakdown"][0]["count"] == 5
        assert api.get("/api/v1/exams").json["exams"][0]["score"] == 3.0


def test_never_means_never(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False) as clock:
        api, aid = _sit(app, cadre, exam_team, score_policy="never", review_policy="never")
        api.submit(aid)
        clock.move_to(T0 + timedelta(hours=5))
        result = api.result(aid)
        assert result.status_code == 200
        assert_response_matches(result, RESULT)
        assert "score" not in result.json and "items" not in result.json
        assert_hides_answers(result.get_data(as_text=True))
        page = api.client.get(f"/exams/attempts/{aid}/result").get_data(as_text=True)
        assert_hides_answers(page)
        assert "本场考试不提供答案与解析" in page


def test_review_after_submit_shows_answers_at_once(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False):
        api, aid = _sit(app, cadre, exam_team, score_policy="never", review_policy="after_submit")
        api.submit(aid)
        body = api.result(aid).json
        assert body["review_visible"] is True and "score" not in body
        assert all("score" not in item for item in body["items"])
        assert SECRET_EXPLANATION in body["items"][0]["explanation_html"]


def test_an_unsubmitted_attempt_reveals_nothing(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False):
        api, aid = _sit(
            app, cadre, exam_team, score_policy="at_submit", review_policy="after_submit"
        )
        result = api.result(aid)
        assert result.status_code == 200
        assert_response_matches(result, RESULT)
        assert result.json["status"] == "in_progress" and "items" not in result.json
        assert_hides_answers(result.get_data(as_text=True))
        # the result page sends an unfinished attempt back to the exam page
        page = api.client.get(f"/exams/attempts/{aid}/result")
        assert page.status_code == 302 and page.location.endswith(f"/exams/attempts/{aid}")


def test_administrators_see_everything(app, cadre, exam_team, exam_admin):
    with time_machine.travel(T0, tick=False):
        api, aid = _sit(app, cadre, exam_team, score_policy="never", review_policy="never")
        api.submit(aid)
        from app.quiz.exams.models import Attempt

        view = results.build_result(db.session.get(Attempt, aid), exam_admin)
        assert view.score_visible and view.review_visible and len(view.items) == 5

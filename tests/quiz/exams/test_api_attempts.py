"""The attempt lifecycle through the JSON API: start/resume, state, save, submit."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from app.extensions import db
from app.quiz.exams.models import Attempt, AttemptAnswer
from tests.openapi import assert_response_matches
from tests.quiz.exams.factories import (
    SECRET_EXPLANATION,
    Api,
    by_type,
    make_exam,
    make_paper,
    right_responses,
)

T0 = datetime(2026, 3, 2, 1, 0, 0)  # 09:00 in Shanghai
START = "/api/v1/exams/{exam_id}/attempts"
STATE = "/api/v1/attempts/{attempt_id}"
SAVE = "/api/v1/attempts/{attempt_id}/answers/{question_id}"
SUBMIT = "/api/v1/attempts/{attempt_id}/submit"


def test_start_returns_the_paper_without_answers(app, api, exam_team):
    questions = make_paper()
    exam = make_exam(questions=questions, teams=[exam_team])
    db.session.commit()
    response = api.start(exam)
    assert response.status_code == 201
    assert_response_matches(response, START, "POST")
    body = response.json
    assert body["deadline"].endswith("Z") and body["server_time"].endswith("Z")
    assert {q["id"] for q in body["questions"]} == {q.id for q in questions}
    types = by_type(body)
    assert types["blank"]["blanks"] == 1 and types["single"]["blanks"] == 0
    ids = [o["id"] for o in types["single"]["options"]]
    assert len(set(ids)) == 4 and not set(ids) & {"0", "1", "2", "3", "A", "B", "C", "D"}
    text = response.get_data(as_text=True)
    assert SECRET_EXPLANATION not in text and "参考答案" not in text and "北平" not in text
    assert "answer" not in text.replace("answers", "")


def test_starting_again_resumes_the_same_attempt(app, api, exam_team):
    exam = make_exam(teams=[exam_team])
    db.session.commit()
    first = api.start(exam)
    api.client.environ_base["HTTP_USER_AGENT"] = "第二台设备"
    second = api.start(exam)
    assert second.status_code == 200
    assert_response_matches(second, START, "POST")
    assert second.json["attempt_id"] == first.json["attempt_id"]
    assert second.json["questions"] == first.json["questions"]
    attempt = db.session.get(Attempt, first.json["attempt_id"])
    kinds = [(e.kind, e.user_agent) for e in attempt.events]
    assert ("resumed", "第二台设备") in kinds


def test_save_then_state_shows_the_answer_in_option_ids(app, api, exam_team):
    questions = make_paper()
    exam = make_exam(questions=questions, teams=[exam_team])
    db.session.commit()
    state = api.start(exam).json
    attempt_id = state["attempt_id"]
    answers = right_responses(state, questions)
    for qid, response in answers.items():
        saved = api.save(attempt_id, qid, response, seq=1)
        assert saved.status_code == 200, saved.json
        assert_response_matches(saved, SAVE, "PUT")
        assert saved.json["applied"] is True
    got = api.state(attempt_id)
    assert_response_matches(got, STATE)
    assert got.json["status"] == "in_progress"
    assert got.json["answers"] == {str(k): v for k, v in answers.items()}
    assert got.json["seqs"] == {str(k): 1 for k in answers}
    single = by_type(state)["single"]
    stored = db.session.scalar(
        db.select(AttemptAnswer).where(AttemptAnswer.question_id == single["id"])
    )
    assert stored.response == 0  # the original index, whatever the display order


def test_null_clears_an_answer(app, api, exam_team):
    exam = make_exam(teams=[exam_team])
    db.session.commit()
    state = api.start(exam).json
    judge = by_type(state)["judge"]["id"]
    api.save(state["attempt_id"], judge, True, seq=1)
    assert api.save(state["attempt_id"], judge, None, seq=2).json["applied"] is True
    got = api.state(state["attempt_id"])
    assert_response_matches(got, STATE)
    assert got.json["answers"][str(judge)] is None


def test_an_older_seq_is_acknowledged_but_not_applied(app, api, exam_team):
    exam = make_exam(teams=[exam_team])
    db.session.commit()
    state = api.start(exam).json
    essay = by_type(state)["essay"]["id"]
    assert api.save(state["attempt_id"], essay, "第二稿", seq=2).json["applied"] is True
    late = api.save(state["attempt_id"], essay, "第一稿", seq=1)
    assert late.status_code == 200 and late.json["applied"] is False
    assert api.state(state["attempt_id"]).json["answers"][str(essay)] == "第二稿"
    # the same seq again (a retry) is applied; no seq at all is applied too
    assert api.save(state["attempt_id"], essay, "第二稿修订", seq=2).json["applied"] is True
    assert api.save(state["attempt_id"], essay, "无序号").json["applied"] is True
    got = api.state(state["attempt_id"]).json
    assert got["answers"][str(essay)] == "无序号" and got["seqs"][str(essay)] == 2


def test_malformed_responses_are_422_and_change_nothing(app, api, exam_team):
    exam = make_exam(teams=[exam_team])
    db.session.commit()
    state = api.start(exam).json
    aid, types = state["attempt_id"], by_type(state)
    bad = [
        (types["single"]["id"], "no-such-option"),
        (types["single"]["id"], 0),
        (types["multiple"]["id"], types["multiple"]["options"][0]["id"]),
        (types["multiple"]["id"], ["nope"]),
        (types["judge"]["id"], "正确"),
        (types["blank"]["id"], "北京"),
        (types["blank"]["id"], [1]),
        (types["essay"]["id"], ["文字"]),
    ]
    for qid, response in bad:
        result = api.save(aid, qid, response, seq=1)
        assert result.status_code == 422, (qid, response)
        assert_response_matches(result, SAVE, "PUT")
    no_body = api.put(f"/api/v1/attempts/{aid}/answers/{types['essay']['id']}", {"seq": 1})
    assert no_body.status_code == 422
    bad_seq = api.save(aid, types["essay"]["id"], "文字", seq=-1)
    assert bad_seq.status_code == 422
    assert api.state(aid).json["answers"] == {}


def test_another_persons_attempt_is_not_found(app, api, other_api, exam_team):
    exam = make_exam(teams=[exam_team])
    db.session.commit()
    state = api.start(exam).json
    aid, qid = state["attempt_id"], state["questions"][0]["id"]
    for response, path, method in [
        (other_api.state(aid), STATE, "GET"),
        (other_api.save(aid, qid, None), SAVE, "PUT"),
        (other_api.submit(aid), SUBMIT, "POST"),
        (other_api.result(aid), "/api/v1/attempts/{attempt_id}/result", "GET"),
        (other_api.event(aid, "focus_lost"), "/api/v1/attempts/{attempt_id}/events", "POST"),
    ]:
        assert response.status_code == 404
        assert_response_matches(response, path, method)
    assert db.session.get(Attempt, aid).status == "in_progress"


def test_a_question_not_in_the_attempt_is_not_found(app, api, exam_team):
    exam = make_exam(teams=[exam_team])
    stranger = make_paper()[0]
    db.session.commit()
    aid = api.start(exam).json["attempt_id"]
    response = api.save(aid, stranger.id, None)
    assert response.status_code == 404
    assert_response_matches(response, SAVE, "PUT")


def test_submit_is_idempotent_and_marks_objective_answers(app, api, exam_team):
    questions = make_paper()
    exam = make_exam(questions=questions, teams=[exam_team], score_policy="at_submit")
    db.session.commit()
    state = api.start(exam).json
    for qid, response in right_responses(state, questions).items():
        api.save(state["attempt_id"], qid, response)
    first = api.submit(state["attempt_id"])
    assert first.status_code == 200
    assert_response_matches(first, SUBMIT, "POST")
    assert first.json == {"status": "submitted", "score": 4.0, "max_score": 5.0, "graded": False}
    again = api.submit(state["attempt_id"])
    assert again.status_code == 200 and again.json == first.json
    attempt = db.session.get(Attempt, state["attempt_id"])
    assert [e.kind for e in attempt.events].count("submitted") == 1
    late_save = api.save(state["attempt_id"], state["questions"][0]["id"], None)
    assert late_save.status_code == 409
    assert_response_matches(late_save, SAVE, "PUT")


def test_submit_hides_the_score_when_the_policy_says_so(app, api, exam_team):
    exam = make_exam(teams=[exam_team], score_policy="after_close")
    db.session.commit()
    aid = api.start(exam).json["attempt_id"]
    response = api.submit(aid)
    assert response.json == {"status": "submitted"}


def test_saves_within_the_grace_count_and_after_it_are_409(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False) as clock:
        exam = make_exam(teams=[exam_team], duration_minutes=30, grace_seconds=30)
        db.session.commit()
        api = Api(app.test_client(), cadre)
        state = api.start(exam).json
        assert state["deadline"] == "2026-03-02T01:30:00.000Z"
        aid, essay = state["attempt_id"], by_type(state)["essay"]["id"]
        clock.move_to(T0 + timedelta(minutes=30, seconds=25))  # past the deadline, in grace
        assert api.save(aid, essay, "最后一句", seq=1).status_code == 200
        clock.move_to(T0 + timedelta(minutes=30, seconds=31))
        late = api.save(aid, essay, "太晚了", seq=2)
        assert late.status_code == 409
        assert_response_matches(late, SAVE, "PUT")
        assert "时间" in late.json["message"]
        attempt = db.session.get(Attempt, aid)
        assert attempt.status == "submitted" and attempt.auto_submitted
        assert attempt.submitted_at == T0 + timedelta(minutes=30)
        answer = db.session.scalar(
            db.select(AttemptAnswer).where(AttemptAnswer.question_id == essay)
        )
        assert answer.response == "最后一句"


def test_a_late_submit_is_409_but_the_attempt_is_submitted(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False) as clock:
        exam = make_exam(teams=[exam_team], duration_minutes=10)
        db.session.commit()
        api = Api(app.test_client(), cadre)
        aid = api.start(exam).json["attempt_id"]
        clock.move_to(T0 + timedelta(minutes=11))
        response = api.submit(aid)
        assert response.status_code == 409
        assert_response_matches(response, SUBMIT, "POST")
        assert response.json["attempt_status"] == "submitted"
        assert db.session.get(Attempt, aid).auto_submitted is True
        assert api.submit(aid).status_code == 200  # and later calls are harmless


@pytest.mark.parametrize(
    ("seconds", "timer", "auto"),
    [
        (-60, False, False),  # the cadre's own submit, a minute early
        (-60, True, False),  # "the timer ran out" a minute early is not believed
        (-5, True, True),  # the page's clock a little ahead of the server's
        (-5, False, False),
        (0, False, True),  # at the deadline
        (20, False, True),  # within the grace: only the timer submits then
    ],
)
def test_a_submit_when_the_time_runs_out_is_recorded_as_automatic(
    app, cadre, exam_team, seconds, timer, auto
):
    with time_machine.travel(T0, tick=False) as clock:
        exam = make_exam(teams=[exam_team], duration_minutes=10, grace_seconds=30)
        db.session.commit()
        api = Api(app.test_client(), cadre)
        aid = api.start(exam).json["attempt_id"]
        at = T0 + timedelta(minutes=10, seconds=seconds)
        clock.move_to(at)
        response = api.submit(aid, auto=timer)
        assert response.status_code == 200
        assert_response_matches(response, SUBMIT, "POST")
        attempt = db.session.get(Attempt, aid)
        assert attempt.auto_submitted is auto
        assert attempt.submitted_at == min(at, attempt.deadline)
        assert [e.kind for e in attempt.events][-1] == ("auto_submitted" if auto else "submitted")


def test_reading_an_overdue_attempt_submits_it(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False) as clock:
        exam = make_exam(teams=[exam_team], duration_minutes=10)
        db.session.commit()
        api = Api(app.test_client(), cadre)
        aid = api.start(exam).json["attempt_id"]
        clock.move_to(T0 + timedelta(minutes=12))
        state = api.state(aid)
        assert state.status_code == 200
        assert_response_matches(state, STATE)
        assert state.json["status"] == "submitted"
        attempt = db.session.get(Attempt, aid)
        assert attempt.auto_submitted and [e.kind for e in attempt.events][-1] == "auto_submitted"


def test_deadline_is_capped_by_the_close(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False):
        exam = make_exam(
            teams=[exam_team], duration_minutes=60, closes_at=T0 + timedelta(minutes=20)
        )
        db.session.commit()
        api = Api(app.test_client(), cadre)
        assert api.start(exam).json["deadline"] == "2026-03-02T01:20:00.000Z"


def test_csrf_token_of_an_open_exam_page_outlives_an_hour(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False) as clock:
        exam = make_exam(teams=[exam_team], duration_minutes=180)
        db.session.commit()
        api = Api(app.test_client(), cadre)
        state = api.start(exam).json
        clock.move_to(T0 + timedelta(hours=2, minutes=30))
        saved = api.save(state["attempt_id"], by_type(state)["judge"]["id"], False, seq=1)
        assert saved.status_code == 200, saved.get_data(as_text=True)
        assert api.submit(state["attempt_id"]).status_code == 200


def test_writes_without_the_csrf_token_are_refused(app, api, exam_team):
    exam = make_exam(teams=[exam_team])
    db.session.commit()
    response = api.client.post(f"/api/v1/exams/{exam.id}/attempts", json={})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 0

"""The practice JSON API: immediate feedback, nothing revealed before answering, other
people's sessions unreachable; and test answers reaching the mistake book end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine

from app.extensions import db
from app.quiz.bank.services import questions
from app.quiz.exams.services import attempts, regrade
from app.quiz.practice.services import daily, mistakes, practice
from tests.factories import PASSWORD, make_user
from tests.openapi import assert_response_matches
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.exams.factories import make_exam
from tests.quiz.practice.factories import right_response

STATE = "/api/v1/practice/{session_id}"
ANSWER = "/api/v1/practice/{session_id}/answers/{question_id}"
SECRET = "作答之前不可见的解析"


class Api:
    def __init__(self, client, user):
        self.client = client
        response = client.post(
            "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 200
        self.token = response.json["csrf_token"]

    def state(self, session_id):
        response = self.client.get(STATE.format(session_id=session_id))
        assert_response_matches(response, STATE)
        return response

    def answer(self, session_id, question_id, body, *, token=True, **kwargs):
        url = ANSWER.format(session_id=session_id, question_id=question_id)
        headers = {"X-CSRFToken": self.token} if token else {}
        if body is not None:
            kwargs["json"] = body
        response = self.client.post(url, headers=headers, **kwargs)
        assert_response_matches(response, ANSWER, "POST")
        return response


@pytest.fixture
def cadre(app):
    return make_user("cadre", username="acadre")


@pytest.fixture
def paper(app):
    bank = make_bank("接口题库")
    return bank, [
        make_question(bank, "single", explanation=f"{SECRET}一", source="第一部分"),
        make_question(bank, "multiple", explanation=f"{SECRET}二"),
        make_question(bank, "judge", explanation=f"{SECRET}三", answer=False),
        make_question(bank, "blank", explanation=f"{SECRET}四"),
    ]


@pytest.fixture
def run(cadre, paper):
    bank, _questions = paper
    return practice.start_practice(cadre, bank, [], 10)


@pytest.fixture
def api(client, cadre, run):
    db.session.commit()
    return Api(client, cadre)


def test_state_before_answering_reveals_nothing(api, run):
    response = api.state(run.id)
    body = response.json
    assert body["kind"] == "practice" and body["progress"]["answered"] == 0
    assert [q["id"] for q in body["questions"]] == run.question_ids
    assert all(q["feedback"] is None for q in body["questions"])
    raw = response.get_data(as_text=True)
    assert SECRET not in raw and "correct_answer" not in raw and "第一部分" not in raw
    blank = next(q for q in body["questions"] if q["type"] == "blank")
    assert blank["blanks"] == 1
    single = next(q for q in body["questions"] if q["type"] == "single")
    assert [o["id"] for o in single["options"]] == [0, 1, 2, 3]


def test_answering_gives_immediate_feedback(api, cadre, run, paper):
    _bank, (single, multiple, judge, blank) = paper
    right = api.answer(run.id, single.id, {"response": right_response(single)})
    assert right.status_code == 200
    body = right.json
    assert body["correct"] is True and body["score"] == 1 and body["correct_answer"] == [0]
    assert body["correct_answer_text"] == "A" and SECRET in body["explanation_html"]
    assert body["source"] == {"text": "第一部分", "url": None, "title": None}
    assert body["progress"] == {"total": 4, "answered": 1, "correct": 1, "finished": False}
    wrong = api.answer(run.id, judge.id, {"response": True}).json
    assert wrong["correct"] is False and wrong["correct_answer"] is False
    assert wrong["correct_answer_text"] == "错误"
    assert mistakes.entry_for(cadre, judge).misses == 1
    # only the answered questions carry feedback in the state
    state = api.state(run.id).json
    answered = {q["id"] for q in state["questions"] if q["feedback"]}
    assert answered == {single.id, judge.id}
    assert f"{SECRET}二" not in json.dumps(state, ensure_ascii=False)
    api.answer(run.id, multiple.id, {"response": right_response(multiple)})
    last = api.answer(run.id, blank.id, {"response": ["错的"]}).json
    assert last["progress"] == {"total": 4, "answered": 4, "correct": 2, "finished": True}


def test_answering_again_returns_the_first_answer(api, run, paper):
    _bank, (single, *_rest) = paper
    api.answer(run.id, single.id, {"response": 1})
    again = api.answer(run.id, single.id, {"response": 0}).json
    assert again["already_answered"] is True and again["correct"] is False
    assert again["response"] == 1 and again["progress"]["answered"] == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"response": "A"}, 422),
        ({"response": 9}, 422),
        ({"response": None}, 422),
        ({"response": True}, 422),
        ({}, 422),
    ],
)
def test_malformed_answers_are_refused(api, run, paper, body, status):
    _bank, (single, *_rest) = paper
    response = api.answer(run.id, single.id, body)
    assert response.status_code == status and response.json["message"]
    assert practice.progress(run).answered == 0


def test_empty_answers_are_refused(api, run, paper):
    _bank, (_single, multiple, _judge, blank) = paper
    for question, empty in ((multiple, []), (blank, ["  "])):
        response = api.answer(run.id, question.id, {"response": empty})
        assert response.status_code == 422 and response.json["message"] == "请先作答再提交"
    wrong_shape = api.answer(run.id, multiple.id, {"response": 1})
    assert "多选题的答案应为选项序号的列表" in wrong_shape.json["message"]
    assert practice.progress(run).answered == 0


def test_an_ended_run_takes_no_more_answers(api, run, paper):
    _bank, (single, *_rest) = paper
    practice.finish(run)
    db.session.commit()
    response = api.answer(run.id, single.id, {"response": 0})
    assert response.status_code == 409 and "已结束" in response.json["message"]


def test_not_json_is_refused(api, run, paper):
    _bank, (single, *_rest) = paper
    response = api.answer(run.id, single.id, None, data="response=1")
    assert response.status_code == 415


def test_writes_need_the_csrf_token(api, run, paper):
    _bank, (single, *_rest) = paper
    assert api.answer(run.id, single.id, {"response": 0}, token=False).status_code == 400


def test_a_question_outside_the_session_is_not_found(api, run):
    stranger = make_question(make_bank(), "judge")
    db.session.commit()
    assert api.answer(run.id, stranger.id, {"response": True}).status_code == 404


def test_another_persons_session_is_unreachable(app, paper, run):
    _bank, (single, *_rest) = paper
    other = make_user("cadre", username="aother")
    db.session.commit()
    api = Api(app.test_client(), other)
    assert api.state(run.id).status_code == 404
    response = api.answer(run.id, single.id, {"response": 0})
    assert response.status_code == 404 and SECRET not in response.get_data(as_text=True)
    assert practice.progress(run).answered == 0
    assert api.state(999999).status_code == 404


def test_anonymous_and_non_cadres_are_refused(app, client, run, paper):
    _bank, (single, *_rest) = paper
    db.session.commit()
    anon = client.get(STATE.format(session_id=run.id))
    assert anon.status_code == 401
    assert_response_matches(anon, STATE)
    admin = make_user("admin", username="aadmin")
    db.session.commit()
    api = Api(app.test_client(), admin)
    assert api.state(run.id).status_code == 403
    assert api.answer(run.id, single.id, {"response": 0}).status_code == 403


def test_yesterdays_daily_quiz_is_closed(client, cadre, paper):
    with time_machine.travel(datetime(2024, 5, 1, 15, 0, tzinfo=UTC), tick=False):
        quiz = daily.today(cadre)
        db.session.commit()
    with time_machine.travel(datetime(2024, 5, 1, 16, 1, tzinfo=UTC), tick=False):
        api = Api(client, cadre)
        first = quiz.session.question_ids[0]
        response = api.answer(quiz.session_id, first, {"response": True})
        assert response.status_code == 409 and "已结束" in response.json["message"]


def test_the_daily_quiz_is_answered_through_the_same_api(client, cadre, paper):
    quiz = daily.today(cadre)
    db.session.commit()
    api = Api(client, cadre)
    assert api.state(quiz.session_id).json["kind"] == "daily"
    for qid in quiz.session.question_ids:
        q = db.session.get(practice.Question, qid)
        body = api.answer(quiz.session_id, qid, {"response": right_response(q)}).json
    assert body["progress"]["finished"] is True
    db.session.refresh(quiz)
    assert quiz.completed and daily.current_streak(cadre) == 1


# ------------------------------------------------------------------ tests → mistake book


def test_a_submitted_exam_fills_the_mistake_book(app, client, cadre):
    bank = make_bank("考试题库")
    single = make_question(bank, "single", answer=[1])
    judge = make_question(bank, "judge", answer=True)
    essay = make_question(bank, "essay")
    exam = make_exam(questions=[single, judge, essay], users=[cadre], review_policy="after_submit")
    db.session.commit()
    login = client.post(
        "/api/v1/auth/login", json={"username": cadre.username, "password": PASSWORD}
    )
    headers = {"X-CSRFToken": login.json["csrf_token"]}
    started = client.post(f"/api/v1/exams/{exam.id}/attempts", headers=headers).json
    by_id = {q["id"]: q for q in started["questions"]}
    wrong_option = by_id[single.id]["options"][0]["id"]  # option ids are opaque; A is wrong
    attempt_id = started["attempt_id"]
    client.put(
        f"/api/v1/attempts/{attempt_id}/answers/{single.id}",
        json={"response": wrong_option},
        headers=headers,
    )
    client.put(
        f"/api/v1/attempts/{attempt_id}/answers/{judge.id}",
        json={"response": True},
        headers=headers,
    )
    submitted = client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers)
    assert submitted.status_code == 200
    db.session.expire_all()
    entry = mistakes.entry_for(cadre, single)
    assert (entry.misses, entry.last_source) == (1, "exam")
    assert mistakes.entry_for(cadre, judge) is None  # answered right
    assert mistakes.entry_for(cadre, essay) is None  # essays are scored by a person
    page = client.get("/mistakes/").get_data(as_text=True)
    assert single.stem[:8] in page and "考试" in page


def test_a_regrade_takes_back_a_miss(cadre, in_use):
    bank = make_bank()
    q = make_question(bank, "judge", answer=True)
    exam = make_exam(questions=[q], users=[cadre], review_policy="after_submit")
    attempt, _created = attempts.start_attempt(cadre, exam)
    attempts.save_answer(cadre, attempt.id, q.id, False)
    attempts.submit_attempt(attempt)
    assert mistakes.entry_for(cadre, q).misses == 1
    # the key was wrong: correcting it makes version 2 and the regrade marks the answer right
    fields = questions.to_parsed(q).__dict__ | {"answer": False}
    fields.pop("category")
    latest = questions.update_question(None, q, **fields)
    assert latest.id != q.id
    regrade.regrade_question(None, latest)
    assert mistakes.entry_for(cadre, q) is None


def test_regrade_to_wrong_adds_a_miss(cadre):
    q = make_question(make_bank(), "single")
    mistakes.on_exam_answers_graded(cadre, [(q, False)], "regrade")
    assert mistakes.entry_for(cadre, q).misses == 1
    mistakes.on_exam_answers_graded(cadre, [(q, False)], "exam")
    mistakes.on_exam_answers_graded(cadre, [(q, True)], "regrade")
    assert mistakes.entry_for(cadre, q).misses == 1


def test_the_recorder_is_registered_with_the_attempts_service():
    from app.quiz.exams import hooks as listeners

    assert mistakes.on_exam_answers_graded in listeners._listeners

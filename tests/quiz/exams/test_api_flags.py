"""Flags (标记待查) live with the attempt: set on one device, seen on another."""

from __future__ import annotations

from app.extensions import db
from tests.openapi import assert_response_matches
from tests.quiz.exams.factories import Api, make_exam

FLAG = "/api/v1/attempts/{attempt_id}/flags/{question_id}"
STATE = "/api/v1/attempts/{attempt_id}"


def _flag(api, attempt_id, question_id, flagged):
    return api.put(f"/api/v1/attempts/{attempt_id}/flags/{question_id}", {"flagged": flagged})


def test_a_flag_set_on_one_device_is_in_the_state_on_another(app, api, cadre, exam_team):
    exam = make_exam(teams=[exam_team])
    db.session.commit()
    state = api.start(exam).json
    aid = state["attempt_id"]
    first, second = state["questions"][0]["id"], state["questions"][2]["id"]
    assert state["flags"] == []
    for qid in (second, first):
        response = _flag(api, aid, qid, True)
        assert response.status_code == 200
        assert_response_matches(response, FLAG, "PUT")
        assert response.json == {"question_id": qid, "flagged": True}
    phone = Api(app.test_client(), cadre)
    got = phone.state(aid)
    assert_response_matches(got, STATE)
    assert got.json["flags"] == [first, second]  # paper order
    assert _flag(phone, aid, first, False).json["flagged"] is False
    assert api.state(aid).json["flags"] == [second]


def test_bad_flags_are_refused_and_change_nothing(app, api, other_api, exam_team):
    exam = make_exam(teams=[exam_team])
    db.session.commit()
    state = api.start(exam).json
    aid, qid = state["attempt_id"], state["questions"][0]["id"]
    for body in ({}, {"flagged": "yes"}):
        response = api.put(f"/api/v1/attempts/{aid}/flags/{qid}", body)
        assert response.status_code == 422
        assert_response_matches(response, FLAG, "PUT")
    assert _flag(other_api, aid, qid, True).status_code == 404
    assert _flag(api, aid, 999999, True).status_code == 404
    assert api.state(aid).json["flags"] == []
    api.submit(aid)
    late = _flag(api, aid, qid, True)
    assert late.status_code == 409
    assert_response_matches(late, FLAG, "PUT")

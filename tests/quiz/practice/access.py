"""练习, 每日答题 and 错题本: cadres only (secretaries are cadres too); a session is its
owner's alone."""

from app.quiz.practice.services import practice
from tests.access import LOGIN, Route
from tests.quiz.bank.factories import make_bank, make_question

CADRES = {"anon": LOGIN, "cadre": 200, "other_sec": 200, "sec": 200, "admin": 403}
OWNER = {"anon": LOGIN, "cadre": 200, "other_sec": 404, "sec": 404, "admin": 403}
API_CADRES = {**CADRES, "anon": 401}
API_OWNER = {**OWNER, "anon": 401}


def with_owner_status(base: dict[str, int], status: int) -> dict[str, int]:
    return {**base, "cadre": status}


def setup_world(users) -> dict:
    bank = make_bank("练习矩阵题库")
    question = make_question(bank, "judge", answer=True)
    session = practice.start_practice(users["cadre"], bank, [], 5)
    return {"practice_session_id": session.id, "practice_question_id": question.id}


S = "/practice/{practice_session_id}"
ROUTES = [
    Route("practice.start", "/practice/", expect=CADRES),
    # an empty form: re-rendered with its errors
    Route(
        "practice.start",
        "/practice/",
        "POST",
        data={},
        expect={**CADRES, "cadre": 422, "other_sec": 422, "sec": 422},
    ),
    Route("practice.session", S, expect=OWNER),
    Route("practice.summary", S + "/summary", expect=OWNER),
    Route("practice.finish", S + "/finish", "POST", data={}, expect=with_owner_status(OWNER, 302)),
    Route("practice.daily", "/daily/", expect=CADRES),
    Route("practice.mistakes", "/mistakes/", expect=CADRES),
    Route(
        "practice.practise_mistakes",
        "/mistakes/practice",
        "POST",
        data={},
        expect={**CADRES, "cadre": 302, "other_sec": 302, "sec": 302},
    ),
    Route("practice_api.practice_state", "/api/v1" + S, expect=API_OWNER),
    Route(
        "practice_api.answer_question",
        "/api/v1" + S + "/answers/{practice_question_id}",
        "POST",
        json={"response": True},
        expect=API_OWNER,
    ),
]

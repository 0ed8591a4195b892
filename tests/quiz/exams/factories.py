"""Factories for the exam and attempt tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.common.timeutil import utcnow
from app.quiz.exams.models import Exam
from app.quiz.exams.services import assembly, audience, exams
from tests.factories import PASSWORD
from tests.quiz.bank.factories import make_bank, make_question

# Stems and explanations the policy tests search responses for.
SECRET_EXPLANATION = "解析秘文甲乙丙"


def make_paper(bank=None) -> list:
    """One question of each type; the explanations carry ``SECRET_EXPLANATION``."""
    bank = bank or make_bank()
    return [
        make_question(bank, "single", explanation=f"{SECRET_EXPLANATION}单选"),
        make_question(bank, "multiple", explanation=f"{SECRET_EXPLANATION}多选"),
        make_question(bank, "judge", explanation=f"{SECRET_EXPLANATION}判断"),
        make_question(bank, "blank", explanation=f"{SECRET_EXPLANATION}填空"),
        make_question(bank, "essay", explanation=f"{SECRET_EXPLANATION}简答"),
    ]


def make_exam(
    *,
    questions=None,
    teams=(),
    ranks=(),
    users=(),
    points=None,
    publish: bool = True,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    actor=None,
    **fields,
) -> Exam:
    """A fixed-paper exam open from an hour ago for a day (unless told otherwise)."""
    now = utcnow().replace(microsecond=0)
    fields.setdefault("title", "测试考试")
    fields.setdefault("duration_minutes", 30)
    exam = exams.create_exam(
        actor,
        opens_at=opens_at or now - timedelta(hours=1),
        closes_at=closes_at or now + timedelta(days=1),
        **fields,
    )
    audience.set_audience(actor, exam, teams=teams, ranks=ranks, users=users)
    if questions is None:
        questions = make_paper()
    if questions:
        assembly.add_items(actor, exam, questions, points)
    if publish:
        exams.publish_exam(actor, exam)
    return exam


class Api:
    """A logged-in JSON client: sends the CSRF token on writes."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        response = client.post(
            "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.json
        self.token = response.json["csrf_token"]

    def get(self, url):
        return self.client.get(url)

    def post(self, url, json=None):
        return self.client.post(url, json=json or {}, headers={"X-CSRFToken": self.token})

    def put(self, url, json=None):
        return self.client.put(url, json=json, headers={"X-CSRFToken": self.token})

    def start(self, exam):
        return self.post(f"/api/v1/exams/{exam.id}/attempts")

    def save(self, attempt_id, question_id, response, seq=None):
        body = {"response": response}
        if seq is not None:
            body["seq"] = seq
        return self.put(f"/api/v1/attempts/{attempt_id}/answers/{question_id}", body)

    def submit(self, attempt_id, auto=False):
        return self.post(f"/api/v1/attempts/{attempt_id}/submit", {"auto": True} if auto else None)

    def state(self, attempt_id):
        return self.get(f"/api/v1/attempts/{attempt_id}")

    def result(self, attempt_id):
        return self.get(f"/api/v1/attempts/{attempt_id}/result")

    def event(self, attempt_id, kind):
        return self.post(f"/api/v1/attempts/{attempt_id}/events", {"kind": kind})


def by_type(state: dict) -> dict[str, dict]:
    """The questions of an attempt state by type (papers hold one of each)."""
    return {q["type"]: q for q in state["questions"]}


def right_responses(state: dict, questions) -> dict[int, object]:
    """Fully correct API responses for a paper made by ``make_paper``."""
    keys = {q.id: q for q in questions}
    out = {}
    for q in state["questions"]:
        question = keys[q["id"]]
        if q["type"] == "single":
            out[q["id"]] = _option_id(q, question, question.answer[0])
        elif q["type"] == "multiple":
            out[q["id"]] = [_option_id(q, question, i) for i in question.answer]
        elif q["type"] == "judge":
            out[q["id"]] = question.answer
        elif q["type"] == "blank":
            out[q["id"]] = [alts[0] for alts in question.answer]
        else:
            out[q["id"]] = "我的作答"
    return out


def _option_id(q: dict, question, index: int) -> str:
    """The attempt's id of the question's original option ``index`` (matched by text)."""
    text = question.options[index]
    return next(o["id"] for o in q["options"] if o["html"] == text)

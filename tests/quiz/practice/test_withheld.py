"""Issue 10, part 1: the answer key of an exam must not leak through practice.

The attack, through every route a cadre has: a cadre in the audience of a level test
(fixed paper or drawn by rules; review ``after_close`` or ``never``; upcoming, open or
closed) starts practice on the exam's bank with 30 questions again and again, answers a
question of the exam drawn into a run (and a daily set) before the exam was published,
reads the feedback already given, practises the mistake book and reads the review of
another exam that held the same question. While the exam withholds its questions none of
these shows one of them, its key or its explanation; once the exam lets go (closed with
``after_close``) they come back — so the test can tell.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from app.extensions import db
from app.quiz.bank.services import categories
from app.quiz.exams.services import assembly, attempts, exams, results
from app.quiz.practice.models import PracticeSession
from app.quiz.practice.services import daily, practice
from tests.openapi import assert_response_matches
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.exams.factories import Api, make_exam
from tests.quiz.practice.factories import wrong_response

T0 = datetime(2026, 3, 2, 2, 0)  # 10:00 in Shanghai; every step stays on that day
HOUR = timedelta(hours=1)
SECRET = "考试题目的秘密解析"
FREE = "练习题目的公开解析"
TYPES = ("single", "multiple", "judge", "blank")
# (opens, closes, the moment the cadre attacks)
PHASES = {
    "upcoming": (T0 + 24 * HOUR, T0 + 48 * HOUR, T0),
    "open": (T0 - HOUR, T0 + 24 * HOUR, T0),
    "closed": (T0 - HOUR, T0 + HOUR, T0 + 2 * HOUR),
}
ANSWER = "/api/v1/practice/{sid}/answers/{qid}"


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


class Stage:
    """Everything the attack needs, built with the clock pinned."""

    def __init__(self, app, cadre, clock, monkeypatch, *, paper: str, policy: str, phase: str):
        opens, closes, attack = PHASES[phase]
        self.bank = make_bank("水平测试题库")
        exam_part = categories.create_category(None, self.bank, name="测试考点")
        free_part = categories.create_category(None, self.bank, name="日常学习")
        self.exam_questions = [
            make_question(self.bank, TYPES[i % 4], category=exam_part, explanation=f"{SECRET}{i}")
            for i in range(8)
        ]
        self.free_questions = [
            make_question(self.bank, TYPES[i % 4], category=free_part, explanation=f"{FREE}{i}")
            for i in range(8)
        ]
        self.target = self.exam_questions[0]
        # another exam that held the target, sat and closed before: its review is out
        other = make_exam(
            questions=[self.target, self.free_questions[0]],
            users=[cadre],
            title="上月专题测验",
            review_policy="after_close",
            opens_at=T0 - 3 * HOUR,
            closes_at=T0 - HOUR,
        )
        attempt, _created = attempts.start_attempt(cadre, other)
        attempts.submit_attempt(attempt)
        self.other_attempt = attempt
        clock.move_to(utc(T0))
        # the level test, still a draft: nothing is withheld yet
        self.exam = make_exam(
            questions=self.exam_questions if paper == "fixed" else [],
            users=[cadre],
            kind="level_test",
            title="水平测试",
            assembly=paper,
            review_policy=policy,
            opens_at=opens,
            closes_at=closes,
            publish=False,
        )
        if paper == "rules":
            assembly.set_rules(
                None,
                self.exam,
                [
                    {
                        "bank": self.bank,
                        "category": exam_part,
                        "type": t,
                        "count": 1,
                        "points_each": 5,
                    }
                    for t in TYPES
                ],
            )
        # drawn before the publication: a run, a wrong answer each side, and the day's set
        self.run = practice.start_practice(cadre, self.bank, [], 30)
        assert len(self.run.question_ids) == 16
        self.answered = self.exam_questions[1]
        for question in (self.answered, self.free_questions[1]):
            practice.answer(cadre, self.run, question.id, wrong_response(question))
        monkeypatch.setitem(app.config, "DAILY_QUIZ_SIZE", 50)
        self.daily = daily.today(cadre)
        assert len(self.daily.session.question_ids) == 16
        exams.publish_exam(None, self.exam)
        clock.move_to(utc(attack))
        db.session.commit()
        self.withheld = phase != "closed" or policy == "never"

    @property
    def exam_ids(self) -> set[int]:
        return {q.id for q in self.exam_questions}


@pytest.fixture
def clock():
    with time_machine.travel(utc(T0 - 2 * HOUR), tick=False) as traveller:
        yield traveller


CASES = [
    (paper, policy, phase)
    for paper in ("fixed", "rules")
    for policy in ("after_close", "never")
    for phase in ("upcoming", "open", "closed")
]


@pytest.fixture(params=CASES, ids=["-".join(case) for case in CASES])
def stage(request, app, cadre, clock, monkeypatch):
    paper, policy, phase = request.param
    return Stage(app, cadre, clock, monkeypatch, paper=paper, policy=policy, phase=phase)


@pytest.fixture
def cadre_api(client, cadre, stage):
    db.session.commit()
    return Api(client, cadre)


def practice_session_ids(client, bank, times: int) -> set[int]:
    """Start practice on ``bank`` with 30 questions ``times`` times; every id drawn."""
    drawn: set[int] = set()
    for _ in range(times):
        response = client.post_form("/practice/", {"bank": str(bank.id), "count": "30"})
        assert response.status_code == 302, response.data
        sid = int(re.search(r"/practice/(\d+)", response.headers["Location"]).group(1))
        drawn |= set(db.session.get(PracticeSession, sid).question_ids)
        page = client.get(f"/practice/{sid}")
        assert page.status_code == 200
    return drawn


def test_practice_runs_on_the_exams_bank_never_draw_a_withheld_question(cadre_api, stage):
    drawn = practice_session_ids(cadre_api.client, stage.bank, 6)
    free = {q.id for q in stage.free_questions}
    if stage.withheld:
        assert drawn == free
        start = cadre_api.client.get(f"/practice/?bank={stage.bank.id}")
        assert "（8 题）" in start.get_data(as_text=True)  # the bank counts what is left
    else:
        assert drawn == free | stage.exam_ids


def test_answering_a_withheld_question_is_refused_without_the_key(cadre_api, stage):
    question = stage.exam_questions[2]
    url = ANSWER.format(sid=stage.run.id, qid=question.id)
    response = cadre_api.post(url, {"response": wrong_response(question)})
    assert_response_matches(response, "/api/v1/practice/{session_id}/answers/{question_id}", "POST")
    text = response.get_data(as_text=True)
    if stage.withheld:
        assert response.status_code == 409 and response.json["error"] == "withheld"
        assert SECRET not in text and "correct_answer" not in text
        # answered before the exam: asking again gives no key either
        again = cadre_api.post(
            ANSWER.format(sid=stage.run.id, qid=stage.answered.id),
            {"response": wrong_response(stage.answered)},
        )
        assert again.status_code == 409 and SECRET not in again.get_data(as_text=True)
    else:
        assert response.status_code == 200 and SECRET in response.json["explanation_html"]


def test_feedback_already_given_hides_the_key_on_every_page(cadre_api, stage):
    state = cadre_api.get(f"/api/v1/practice/{stage.run.id}")
    assert_response_matches(state, "/api/v1/practice/{session_id}")
    feedback = {q["id"]: q["feedback"] for q in state.json["questions"]}
    given = feedback[stage.answered.id]
    free = feedback[stage.free_questions[1].id]
    assert FREE in free["explanation_html"] and free["withheld"] is False
    pages = [
        cadre_api.get(f"/practice/{stage.run.id}").get_data(as_text=True),
        cadre_api.get(f"/practice/{stage.run.id}/summary").get_data(as_text=True),
    ]
    if stage.withheld:
        assert given["withheld"] is True
        assert given["correct_answer"] is None and given["correct"] is None
        assert given["correct_answer_text"] == "" and given["explanation_html"] == ""
        assert SECRET not in json.dumps(state.json, ensure_ascii=False)
        for page in pages:
            assert SECRET not in page and FREE in page
    else:
        assert given["withheld"] is False and SECRET in given["explanation_html"]
        for page in pages:
            assert SECRET in page


def test_the_daily_quiz_drawn_before_the_exam_does_not_leak(cadre_api, stage):
    session = stage.daily.session
    question = next(q for q in stage.exam_questions if q.id in session.question_ids)
    response = cadre_api.post(
        ANSWER.format(sid=session.id, qid=question.id), {"response": wrong_response(question)}
    )
    page = cadre_api.get("/daily/")
    assert page.status_code == 200
    shown = {int(i) for i in re.findall(r'data-question-id="(\d+)"', page.get_data(as_text=True))}
    if stage.withheld:
        assert response.status_code == 409 and SECRET not in response.get_data(as_text=True)
        # the page swapped the withheld questions out, so the day can still be completed
        assert not shown & stage.exam_ids
        assert shown == {q.id for q in stage.free_questions}
    else:
        assert response.status_code == 200
        assert stage.exam_ids <= shown


def test_a_new_daily_set_leaves_withheld_questions_out(cadre, stage, clock):
    clock.move_to(utc(T0 + 24 * HOUR - 2 * HOUR))  # the next day in Shanghai
    ids = set(daily.today(cadre).session.question_ids)
    if stage.withheld:  # the upcoming and the open exam have not closed by then either
        assert not ids & stage.exam_ids
    else:
        assert ids & stage.exam_ids


def test_practising_the_mistake_book_leaves_withheld_questions_out(cadre_api, stage):
    response = cadre_api.client.post_form("/mistakes/practice", {"count": "10"})
    assert response.status_code == 302
    session = db.session.scalars(
        db.select(PracticeSession)
        .where(PracticeSession.kind == "mistakes")
        .order_by(PracticeSession.id.desc())
    ).first()
    drawn = set(session.question_ids)
    # the other exam's misses (its unanswered items) joined the book when it closed
    assert stage.free_questions[1].id in drawn
    if stage.withheld:
        assert not drawn & stage.exam_ids
    else:
        assert stage.answered.id in drawn


def test_another_exams_review_hides_the_withheld_item(cadre_api, stage):
    attempt = stage.other_attempt
    page = cadre_api.get(f"/exams/attempts/{attempt.id}/result").get_data(as_text=True)
    result = cadre_api.result(attempt.id)
    assert_response_matches(result, "/api/v1/attempts/{attempt_id}/result")
    items = {item["question_id"]: item for item in result.json["items"]}
    item, free = items[stage.target.id], items[stage.free_questions[0].id]
    assert free["withheld"] is False and FREE in free["explanation_html"] and FREE in page
    if stage.withheld:
        assert item["withheld"] is True and item["answer_text"] == ""
        assert item["explanation_html"] == "" and item["correct"] is None
        assert not any(option["correct"] for option in item["options"])
        assert SECRET not in page and SECRET not in result.get_data(as_text=True)
    else:
        assert item["withheld"] is False and SECRET in item["explanation_html"]
        assert SECRET in page


def test_an_administrator_sees_the_review_whole(stage, exam_admin):
    view = results.build_result(stage.other_attempt, exam_admin)
    assert all(not item.withheld for item in view.items)
    assert any(SECRET in str(item.explanation_html) for item in view.items)


def test_a_cadre_reaches_no_question_preview_or_export(client, cadre, clock):
    bank = make_bank("预览题库")
    question = make_question(bank, "single", explanation=SECRET)
    exam = make_exam(questions=[question], users=[cadre])
    db.session.commit()
    client.login(cadre.username)
    for url in (
        f"/admin/questions/question/{question.id}",
        f"/admin/questions/banks/{bank.id}",
        f"/admin/questions/banks/{bank.id}/export/xlsx",
        f"/admin/questions/banks/{bank.id}/export/native",
        f"/admin/exams/{exam.id}/preview",
        f"/admin/exams/{exam.id}/paper",
        f"/admin/exams/{exam.id}/analysis",
        f"/admin/exams/{exam.id}/analysis.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert SECRET not in response.get_data(as_text=True)

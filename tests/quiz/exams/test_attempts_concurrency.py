"""Races on a real database (committed data, threads, one connection each): two tabs saving
the same attempt at once, and a submit racing saves, the deadline and the scheduler.

These run outside the rolled-back test transaction, on their own SQLite file or scratch
PostgreSQL database, because a race needs two real connections.
"""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.exams.models import Attempt, AttemptAnswer, AttemptEvent
from app.quiz.exams.services import attempts
from tests.factories import make_team, make_user
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.exams.factories import Api, make_exam
from tests.races import live_app_fixture, together

live_app = live_app_fixture("xuekao_race")


class User:
    """A detached stand-in Api needs: the login name."""

    def __init__(self, username: str):
        self.username = username


def _world(app, *, questions: int = 12, **exam_fields) -> dict:
    with app.app_context():
        team = make_team("并发测试班子")
        make_user("cadre", team, username="race-cadre")
        bank = make_bank("并发题库")
        paper = [make_question(bank, "judge") for _ in range(questions // 2)]
        paper += [make_question(bank, "essay") for _ in range(questions - questions // 2)]
        exam = make_exam(questions=paper, teams=[team], **exam_fields)
        db.session.commit()
        world = {
            "exam_id": exam.id,
            "judges": [q.id for q in paper if q.type == "judge"],
            "essays": [q.id for q in paper if q.type == "essay"],
        }
    tab_a = Api(app.test_client(), User("race-cadre"))
    tab_b = Api(app.test_client(), User("race-cadre"))
    started = tab_a.post(f"/api/v1/exams/{world['exam_id']}/attempts")
    assert started.status_code == 201, started.json
    resumed = tab_b.post(f"/api/v1/exams/{world['exam_id']}/attempts")
    assert resumed.status_code == 200 and resumed.json["attempt_id"] == started.json["attempt_id"]
    world.update(attempt_id=started.json["attempt_id"], tabs=(tab_a, tab_b))
    return world


def test_two_tabs_saving_the_same_answers_at_once_lose_nothing(live_app):
    world = _world(live_app)
    aid, (tab_a, tab_b) = world["attempt_id"], world["tabs"]
    # the first save of every essay arrives from both tabs at once: one inserts, one updates
    for qid in world["essays"]:
        first, second = together(
            lambda q=qid: tab_a.save(aid, q, "甲标签页", seq=1),
            lambda q=qid: tab_b.save(aid, q, "乙标签页", seq=2),
        )
        assert (first.status_code, second.status_code) == (200, 200), (first.json, second.json)
        assert second.json["applied"] is True
    # then rounds of saves of one judge question from both tabs, seqs interleaved
    judge = world["judges"][0]
    for seq in range(1, 21, 2):
        a, b = together(
            lambda s=seq: tab_a.save(aid, judge, True, seq=s),
            lambda s=seq: tab_b.save(aid, judge, False, seq=s + 1),
        )
        assert a.status_code == b.status_code == 200
        assert b.json["applied"] is True
    # and every other judge saved by alternating tabs at the same time
    others = world["judges"][1:]
    results = together(
        *[
            (lambda q=q, tab=(tab_a, tab_b)[i % 2]: tab.save(aid, q, True, seq=1))
            for i, q in enumerate(others)
        ]
    )
    assert all(r.status_code == 200 for r in results)
    state = tab_a.state(aid).json
    for qid in world["essays"]:
        assert state["answers"][str(qid)] == "乙标签页" and state["seqs"][str(qid)] == 2
    assert state["answers"][str(judge)] is False and state["seqs"][str(judge)] == 20
    assert all(state["answers"][str(q)] is True for q in others)
    with live_app.app_context():
        count = len(db.session.scalars(select(AttemptAnswer.id)).all())
        assert count == len(world["essays"]) + len(world["judges"])


def test_a_submit_racing_saves_never_grades_a_stale_answer(live_app):
    world = _world(live_app, questions=4)
    aid, (tab_a, tab_b) = world["attempt_id"], world["tabs"]
    judge = world["judges"][0]
    acknowledged = {}

    def saves():
        for seq in range(1, 31):
            response = tab_b.save(aid, judge, seq % 2 == 0, seq=seq)
            assert response.status_code in (200, 409), response.json
            if response.status_code == 200:
                acknowledged[seq] = seq % 2 == 0
            else:
                break

    submitted, _ = together(lambda: tab_a.submit(aid), saves)
    assert submitted.status_code == 200
    with live_app.app_context():
        answer = db.session.scalar(
            select(AttemptAnswer).where(
                AttemptAnswer.attempt_id == aid, AttemptAnswer.question_id == judge
            )
        )
        if acknowledged:
            last = max(acknowledged)
            assert answer.seq == last and answer.response is acknowledged[last]
            # the mark is of the answer as stored: no save slipped in after grading
            assert answer.correct is (answer.response is True)
        kinds = db.session.scalars(
            select(AttemptEvent.kind).where(AttemptEvent.attempt_id == aid)
        ).all()
        assert kinds.count("submitted") == 1


def test_submit_scheduler_and_reader_racing_past_the_deadline_submit_once(live_app):
    world = _world(live_app, questions=4, duration_minutes=5)
    aid, (tab_a, tab_b) = world["attempt_id"], world["tabs"]
    assert tab_a.save(aid, world["judges"][0], True, seq=1).status_code == 200

    def sweep():
        with live_app.app_context():
            return attempts.auto_submit_overdue()

    with time_machine.travel(utcnow() + timedelta(minutes=6), tick=False):
        submit, swept, read = together(lambda: tab_a.submit(aid), sweep, lambda: tab_b.state(aid))
    assert submit.status_code in (200, 409)
    assert read.status_code == 200 and read.json["status"] == "submitted"
    with live_app.app_context():
        attempt = db.session.get(Attempt, aid)
        assert attempt.status == "submitted" and attempt.auto_submitted
        kinds = db.session.scalars(
            select(AttemptEvent.kind).where(AttemptEvent.attempt_id == aid)
        ).all()
        assert kinds.count("auto_submitted") + kinds.count("submitted") == 1
        assert attempt.score == 1  # the answer saved in time counts


def test_two_tabs_starting_at_once_share_one_attempt(live_app):
    with live_app.app_context():
        team = make_team("同时开始班子")
        make_user("cadre", team, username="race-start")
        exam = make_exam(teams=[team])
        db.session.commit()
        exam_id = exam.id
    tabs = [Api(live_app.test_client(), User("race-start")) for _ in range(2)]
    first, second = together(
        *[(lambda tab=tab: tab.post(f"/api/v1/exams/{exam_id}/attempts")) for tab in tabs]
    )
    assert sorted([first.status_code, second.status_code]) == [200, 201], (first.json, second.json)
    assert first.json["attempt_id"] == second.json["attempt_id"]
    with live_app.app_context():
        assert len(db.session.scalars(select(Attempt.id)).all()) == 1

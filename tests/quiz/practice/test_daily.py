"""每日答题: a fixed set per cadre and Asia/Shanghai day, the streak, the page and the to-do."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from app.common.errors import DomainError
from app.common.todo import todo_for
from app.extensions import db
from app.quiz.practice.models import DailyQuiz
from app.quiz.practice.services import daily, daily_record, mistakes, practice
from app.quiz.practice.services.pool import AnswerRefused
from tests.factories import make_user
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.practice.factories import right_response, wrong_response

# 2024-05-01 23:59 in Shanghai is 15:59 UTC; midnight there is 16:00 UTC.
BEFORE_MIDNIGHT = datetime(2024, 5, 1, 15, 59, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2024, 5, 1, 16, 0, tzinfo=UTC)


@pytest.fixture
def cadre(app):
    return make_user("cadre", username="dcadre")


@pytest.fixture
def pool(app):
    bank = make_bank("每日题库")
    types = ("single", "multiple", "judge", "blank")
    return [make_question(bank, types[i % 4]) for i in range(30)]


def complete(user, quiz: DailyQuiz, *, wrong: int | None = None) -> None:
    for index, qid in enumerate(quiz.session.question_ids):
        q = db.session.get(practice.Question, qid)
        response = wrong_response(q) if index == wrong else right_response(q)
        practice.answer(user, quiz.session, qid, response)


def test_the_day_is_the_shanghai_day():
    assert daily_record.local_day(BEFORE_MIDNIGHT.replace(tzinfo=None)) == date(2024, 5, 1)
    assert daily_record.local_day(AFTER_MIDNIGHT.replace(tzinfo=None)) == date(2024, 5, 2)


def test_the_set_is_fixed_for_the_day_and_changes_the_next(cadre, pool):
    with time_machine.travel(datetime(2024, 5, 1, 1, 0, tzinfo=UTC), tick=False):
        first = daily.today(cadre)
        ids = list(first.session.question_ids)
        assert len(ids) == 5
        assert daily.today(cadre) is first
    with time_machine.travel(BEFORE_MIDNIGHT, tick=False):
        assert daily.today(cadre) is first  # 23:59 in Shanghai: still the same day
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        tomorrow = daily.today(cadre)
        assert tomorrow is not first and tomorrow.day == date(2024, 5, 2)
        assert tomorrow.session.question_ids != ids
    assert first.day == date(2024, 5, 1)


def test_the_draw_is_deterministic_per_user_and_day(cadre, pool):
    ids = [q.id for q in pool]
    day = date(2024, 5, 1)
    assert daily.draw(cadre.id, day, ids, 5) == daily.draw(cadre.id, day, list(reversed(ids)), 5)
    assert daily.draw(cadre.id, day, ids, 5) != daily.draw(cadre.id + 1, day, ids, 5)
    assert daily.draw(cadre.id, day, ids, 5) != daily.draw(cadre.id, day + timedelta(1), ids, 5)
    # the stored quiz is exactly the draw
    quiz = daily.quiz_for(cadre, day)
    assert quiz.session.question_ids == daily.draw(cadre.id, day, ids, 5)


def test_size_and_banks_come_from_the_config(app, cadre, pool, monkeypatch):
    other = make_bank("别的题库")
    outsider = make_question(other, "judge")
    monkeypatch.setitem(app.config, "DAILY_QUIZ_SIZE", 3)
    monkeypatch.setitem(app.config, "DAILY_QUIZ_BANKS", "别的题库")
    quiz = daily.quiz_for(cadre, date(2024, 5, 1))
    assert quiz.session.question_ids == [outsider.id]
    monkeypatch.setitem(app.config, "DAILY_QUIZ_BANKS", [])
    assert len(daily.quiz_for(cadre, date(2024, 5, 2)).session.question_ids) == 3


def test_no_questions_no_quiz(cadre):
    make_question(make_bank(), "essay")
    with pytest.raises(DomainError):
        daily.quiz_for(cadre, date(2024, 5, 1))


def test_completing_counts_the_day_and_builds_a_streak(cadre, pool):
    for offset in range(3):
        moment = datetime(2024, 5, 1 + offset, 2, 0, tzinfo=UTC)
        with time_machine.travel(moment, tick=False):
            quiz = daily.today(cadre)
            assert daily.current_streak(cadre) == offset  # yesterday's run still counts
            complete(cadre, quiz, wrong=0)
            assert quiz.completed and quiz.streak == offset + 1
            assert daily.current_streak(cadre) == offset + 1 and daily.done_today(cadre)
    # 5-04 not done: the streak holds during that day, and is gone on 5-05
    with time_machine.travel(datetime(2024, 5, 4, 15, 59, tzinfo=UTC), tick=False):
        assert daily.current_streak(cadre) == 3 and not daily.done_today(cadre)
    with time_machine.travel(datetime(2024, 5, 4, 16, 0, tzinfo=UTC), tick=False):
        assert daily.current_streak(cadre) == 0
        quiz = daily.today(cadre)
        complete(cadre, quiz)
        assert quiz.streak == 1 and daily.current_streak(cadre) == 1
        marks = daily.recent_days(cadre)
    assert [m.completed for m in marks] == [False, False, True, True, True, False, True]
    assert marks[-1].day == date(2024, 5, 5)


def test_wrong_daily_answers_go_into_the_book(cadre, pool):
    quiz = daily.quiz_for(cadre, daily_record.local_day())
    q = db.session.get(practice.Question, quiz.session.question_ids[0])
    practice.answer(cadre, quiz.session, q.id, wrong_response(q))
    assert mistakes.entry_for(cadre, q).last_source == "daily"


def test_a_partly_answered_day_does_not_count(cadre, pool):
    with time_machine.travel(datetime(2024, 5, 1, 2, 0, tzinfo=UTC), tick=False):
        quiz = daily.today(cadre)
        q = db.session.get(practice.Question, quiz.session.question_ids[0])
        practice.answer(cadre, quiz.session, q.id, right_response(q))
        assert not quiz.completed and daily.current_streak(cadre) == 0
        with pytest.raises(DomainError):
            practice.finish(quiz.session)  # a daily quiz is not ended early


def test_yesterdays_quiz_closes_at_midnight(cadre, pool):
    with time_machine.travel(BEFORE_MIDNIGHT, tick=False):
        quiz = daily.today(cadre)
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        with pytest.raises(AnswerRefused) as caught:
            practice.answer(cadre, quiz.session, quiz.session.question_ids[0], True)
        assert caught.value.reason == "closed"
        assert not quiz.completed


def test_each_cadre_has_their_own_quiz(cadre, pool):
    other = make_user("cadre", username="dother")
    day = date(2024, 5, 1)
    assert daily.quiz_for(cadre, day) is not daily.quiz_for(other, day)
    assert db.session.query(DailyQuiz).count() == 2


# ------------------------------------------------------------------ page and to-do


@pytest.fixture
def logged_in(client, cadre):
    db.session.commit()
    assert client.login(cadre.username).status_code == 302
    return client


def test_the_page_creates_todays_set_and_shows_the_streak(client, cadre, pool):
    db.session.commit()
    with time_machine.travel(datetime(2024, 5, 1, 2, 0, tzinfo=UTC), tick=False):
        complete(cadre, daily.today(cadre))
        db.session.commit()
    with time_machine.travel(datetime(2024, 5, 2, 2, 0, tzinfo=UTC), tick=False):
        client.login(cadre.username)  # (a cookie signed in the future would not be accepted)
        page = client.get("/daily/").get_data(as_text=True)
        quiz = daily_record.find(cadre, date(2024, 5, 2))
        assert quiz is not None and not quiz.completed
        assert "data-streak>1<" in page and "每天 5 题" in page
        assert page.count('class="card mb-3 xk-pq"') == 5
        again = client.get("/daily/").get_data(as_text=True)
        assert db.session.query(DailyQuiz).count() == 2 and "xk-pq" in again
        complete(cadre, quiz)
        db.session.commit()
        done = client.get("/daily/").get_data(as_text=True)
        assert "今日答题已完成" in done and "data-streak>2<" in done
        # the session's own URL leads back to the daily page
        response = client.get(f"/practice/{quiz.session_id}")
        assert response.headers["Location"].endswith("/daily/")


def test_the_page_without_questions_explains(logged_in):
    response = logged_in.get("/daily/")
    assert response.status_code == 200
    assert "题库中还没有可用于每日答题的题目" in response.get_data(as_text=True)


def test_the_todo_until_the_day_is_done(app, cadre, pool):
    with app.test_request_context():
        titles = [item.title for item in todo_for(cadre)]
        assert "今日每日答题未完成" in titles
        complete(cadre, daily.today(cadre))
        assert "今日每日答题未完成" not in [item.title for item in todo_for(cadre)]
        admin = make_user("admin", username="dadmin")
        assert "今日每日答题未完成" not in [item.title for item in todo_for(admin)]


def test_the_todo_on_the_home_page(logged_in, pool):
    db.session.commit()
    page = logged_in.get("/").get_data(as_text=True)
    assert "今日每日答题未完成" in page and 'href="/daily/"' in page

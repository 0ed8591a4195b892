"""The cadre's pages: my exams, the home to-do list, an exam's page, starting, the exam
page and the result with its source-lesson links."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from app.courses.services.content import create_course, create_lesson
from app.extensions import db
from app.quiz.exams.models import Attempt
from app.quiz.exams.services import attempts
from tests.factories import make_team
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.exams.factories import make_exam

T0 = datetime(2026, 8, 3, 1, 0, 0)


@pytest.fixture
def browser(app, cadre):
    db.session.commit()
    client = app.test_client()
    assert client.login(cadre.username).status_code == 302
    return client


def test_my_exams_groups_and_the_home_page(app, cadre, exam_team):
    with time_machine.travel(T0, tick=False):
        make_exam(teams=[exam_team], title="正在开放的考试", closes_at=T0 + timedelta(hours=5))
        make_exam(
            teams=[exam_team],
            title="下周的考试",
            opens_at=T0 + timedelta(days=7),
            closes_at=T0 + timedelta(days=8),
        )
        done = make_exam(teams=[exam_team], title="考完的考试", score_policy="at_submit")
        attempt, _ = attempts.start_attempt(cadre, done)
        attempts.submit_attempt(attempt)
        make_exam(teams=[make_team("别的单位")], title="别人的考试")
        db.session.commit()
        client = app.test_client()
        client.login(cadre.username)
        page = client.get("/exams/").get_data(as_text=True)
        assert "别人的考试" not in page
        open_at = page.index('id="exams-open"')
        upcoming_at = page.index('id="exams-upcoming"')
        finished_at = page.index('id="exams-finished"')
        assert open_at < page.index("正在开放的考试") < upcoming_at
        assert upcoming_at < page.index("下周的考试") < finished_at
        assert page.index("考完的考试") > finished_at
        assert "距结束 5 小时 00 分" in page
        home = client.get("/").get_data(as_text=True)
        assert "参加考试《正在开放的考试》" in home and "下周的考试" not in home


def test_start_from_the_exam_page_and_resume(app, browser, exam_team):
    exam = make_exam(teams=[exam_team], instructions="**请独立完成**")
    db.session.commit()
    page = browser.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert "<strong>请独立完成</strong>" in page and "开始考试" in page
    started = browser.post_form(f"/exams/{exam.id}/start")
    attempt = db.session.scalar(db.select(Attempt))
    assert started.status_code == 302 and started.location.endswith(f"/exams/attempts/{attempt.id}")
    taking = browser.get(f"/exams/attempts/{attempt.id}")
    assert taking.status_code == 200 and 'id="exam"' in taking.get_data(as_text=True)
    again = browser.post_form(f"/exams/{exam.id}/start")
    assert again.location.endswith(f"/exams/attempts/{attempt.id}")
    home = browser.get("/").get_data(as_text=True)
    assert "继续作答" in home


def test_a_refused_start_says_why(app, browser, exam_team):
    exam = make_exam(teams=[exam_team], attempts_allowed=1)
    db.session.commit()
    browser.post_form(f"/exams/{exam.id}/start")
    attempt = db.session.scalar(db.select(Attempt))
    browser.post(
        f"/api/v1/attempts/{attempt.id}/submit", headers={"X-CSRFToken": browser.csrf_token()}
    )
    response = browser.post_form(f"/exams/{exam.id}/start", follow_redirects=True)
    assert "您已用完全部 1 次作答机会" in response.get_data(as_text=True)


def test_the_course_gate_links_the_course(app, browser, exam_team):
    course = create_course(None, slug="exam-gate", title="先修课程", published=True)
    exam = make_exam(teams=[exam_team], required_course=course)
    db.session.commit()
    page = browser.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert "请先完成课程《先修课程》的学习" in page and 'href="/courses/exam-gate/"' in page
    assert "开始考试" not in page


def test_a_submitted_attempt_goes_to_its_result(app, browser, cadre, exam_team):
    exam = make_exam(teams=[exam_team])
    attempt, _ = attempts.start_attempt(cadre, exam)
    attempts.submit_attempt(attempt)
    db.session.commit()
    response = browser.get(f"/exams/attempts/{attempt.id}")
    assert response.status_code == 302
    assert response.location.endswith(f"/exams/attempts/{attempt.id}/result")


def test_the_result_page_reviews_with_source_links(app, browser, cadre, exam_team):
    course = create_course(None, slug="study", title="理论学习", published=True, open_to_all=True)
    create_lesson(
        None, course, slug="centre-group", title="中心组学习", body="## 计划备案 {#plan}\n正文"
    )
    bank = make_bank("出处题库")
    question = make_question(
        bank,
        "judge",
        stem="中心组学习计划要备案",
        explanation="见计划备案一节",
        source="第一部分",
        source_lesson="study/centre-group#plan",
    )
    exam = make_exam(
        teams=[exam_team], questions=[question], review_policy="after_submit", pass_mark="1"
    )
    attempt, _ = attempts.start_attempt(cadre, exam)
    attempts.save_answer(cadre, attempt.id, question.id, False)
    attempts.submit_attempt(attempt)
    db.session.commit()
    page = browser.get(f"/exams/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "不合格" in page and 'id="breakdown"' in page
    assert "见计划备案一节" in page and "正确答案：正确" in page and "你的答案：错误" in page
    assert 'href="/courses/study/centre-group#plan"' in page


def test_another_persons_pages_are_not_found(app, browser, exam_team, other_cadre):
    exam = make_exam(teams=[exam_team])
    attempt, _ = attempts.start_attempt(other_cadre, exam)
    db.session.commit()
    assert browser.get(f"/exams/attempts/{attempt.id}").status_code == 404
    assert browser.get(f"/exams/attempts/{attempt.id}/result").status_code == 404

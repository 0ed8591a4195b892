"""The exam administration pages: create and edit, the paper, publish, watch, mark,
regrade, analyse."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.quiz.bank.services import questions as question_service
from app.quiz.exams.models import Exam
from app.quiz.exams.services import attempts, marking
from tests.factories import make_user
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.exams.factories import make_exam, make_paper

A = "/admin/exams"


@pytest.fixture
def admin_client(app, exam_admin):
    db.session.commit()
    client = app.test_client()
    assert client.login(exam_admin.username).status_code == 302
    return client


def exam_form(**changes) -> dict:
    data = {
        "title": "表单考试",
        "kind": "level_test",
        "instructions": "**认真作答**",
        "opens_at": "2026-07-01T09:00",
        "closes_at": "2026-07-08T18:00",
        "duration_minutes": "45",
        "attempts_allowed": "2",
        "pass_mark": "60",
        "grace_seconds": "20",
        "shuffle_options": "y",
        "assembly": "fixed",
        "multiple_policy": "partial",
        "score_policy": "after_close",
        "review_policy": "never",
        "required_course": "",
        "focus_loss_limit": "3",
        "audience_ranks": ["township"],
        "audience_users": "",
    }
    data.update(changes)
    return data


def test_nav_entries_by_role(app, admin_client, cadre):
    assert "考试管理" in admin_client.get("/").get_data(as_text=True)
    db.session.commit()
    client = app.test_client()
    client.login(cadre.username)
    page = client.get("/").get_data(as_text=True)
    assert "我的考试" in page and "考试管理" not in page


def test_create_an_exam_with_every_field(app, admin_client, exam_team, cadre):
    response = admin_client.post_form(
        f"{A}/new",
        exam_form(audience_teams=[str(exam_team.id)], audience_users=f"{cadre.username}"),
    )
    assert response.status_code == 302
    exam = db.session.scalar(select(Exam).where(Exam.title == "表单考试"))
    assert exam.opens_at == datetime(2026, 7, 1, 1, 0)  # 09:00 Beijing time
    assert exam.closes_at == datetime(2026, 7, 8, 10, 0)
    assert (exam.duration_minutes, exam.attempts_allowed, exam.grace_seconds) == (45, 2, 20)
    assert exam.shuffle_options and not exam.shuffle_questions
    assert (exam.multiple_policy, exam.score_policy, exam.review_policy) == (
        "partial",
        "after_close",
        "never",
    )
    assert exam.focus_loss_limit == 3 and exam.pass_mark == 60
    kinds = sorted((a.kind, a.team_id or a.rank or a.user_id) for a in exam.audience)
    assert kinds == sorted([("team", exam_team.id), ("rank", "township"), ("user", cadre.id)])
    page = admin_client.get(f"{A}/{exam.id}").get_data(as_text=True)
    assert "乡科级" in page and exam_team.full_name in page
    edit = admin_client.get(f"{A}/{exam.id}/edit").get_data(as_text=True)
    assert 'value="2026-07-01T09:00"' in edit


def test_form_errors_change_nothing(app, admin_client):
    response = admin_client.post_form(f"{A}/new", exam_form(audience_users="nobody-here"))
    assert response.status_code == 200
    assert "nobody-here" in response.get_data(as_text=True)
    response = admin_client.post_form(f"{A}/new", exam_form(closes_at="2026-06-01T09:00"))
    assert "结束时间应晚于开始时间" in response.get_data(as_text=True)
    assert db.session.scalar(select(Exam.id)) is None


def test_exam_list_pages_by_the_configured_size(app, admin_client, monkeypatch):
    for n in range(3):
        make_exam(title=f"分页考试{n}", publish=False)
    db.session.commit()
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    first = admin_client.get(f"{A}/").get_data(as_text=True)
    second = admin_client.get(f"{A}/?page=2").get_data(as_text=True)
    assert first.count("分页考试") == 2 and second.count("分页考试") == 1
    assert "page=2" in first


def test_choose_questions_publish_and_preview(app, admin_client, exam_team):
    bank = make_bank("选题题库")
    first = make_question(bank, "single", stem="第一道可选题")
    second = make_question(bank, "judge", stem="第二道可选题")
    exam = make_exam(teams=[exam_team], questions=[], publish=False)
    db.session.commit()
    listing = admin_client.get(f"{A}/{exam.id}/paper?bank={bank.id}").get_data(as_text=True)
    assert "第一道可选题" in listing and "第二道可选题" in listing
    added = admin_client.post_form(
        f"{A}/{exam.id}/paper",
        {"action": "add", "add_ids": [str(first.id), str(second.id)], "add_points": "5"},
    )
    assert added.status_code == 302
    assert [i.question_id for i in exam.items] == [first.id, second.id]
    items = {i.question_id: i for i in exam.items}
    saved = admin_client.post_form(
        f"{A}/{exam.id}/paper",
        {
            "action": "save",
            f"points_{items[first.id].id}": "7.5",
            f"points_{items[second.id].id}": "5",
            "remove": [str(items[second.id].id)],
        },
    )
    assert saved.status_code == 302
    assert [(i.question_id, str(i.points)) for i in exam.items] == [(first.id, "7.50")]
    assert admin_client.post_form(f"{A}/{exam.id}/publish").status_code == 302
    assert exam.status == "published"
    preview = admin_client.get(f"{A}/{exam.id}/preview").get_data(as_text=True)
    assert "第一道可选题" in preview and "正确答案" in preview
    refused = admin_client.post_form(
        f"{A}/{exam.id}/paper", {"action": "add"}, follow_redirects=True
    )
    assert "考试已发布" in refused.get_data(as_text=True)


def test_rules_page_names_an_unsatisfiable_rule(app, admin_client):
    bank = make_bank("规则页题库")
    make_question(bank, "judge")
    exam = make_exam(questions=[], publish=False, assembly="rules")
    db.session.commit()
    response = admin_client.post_form(
        f"{A}/{exam.id}/paper",
        {
            "rows": "2",
            "rule-0-bank": str(bank.id),
            "rule-0-type": "judge",
            "rule-0-count": "2",
            "rule-0-points_each": "1",
            "rule-1-bank": "",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "规则 1" in page and "只有 1 道可用题目" in page
    assert exam.rules == []
    ok = admin_client.post_form(
        f"{A}/{exam.id}/paper",
        {
            "rows": "1",
            "rule-0-bank": str(bank.id),
            "rule-0-type": "judge",
            "rule-0-count": "1",
            "rule-0-points_each": "2",
        },
    )
    assert ok.status_code == 302 and len(exam.rules) == 1


def test_rules_added_and_removed_on_the_page_are_all_read(app, admin_client):
    """Rows numbered as the page's script left them (gaps where rows were removed)."""
    bank = make_bank("加减行题库")
    for _ in range(3):
        make_question(bank, "judge")
        make_question(bank, "single")
    exam = make_exam(questions=[], publish=False, assembly="rules")
    db.session.commit()
    page = admin_client.get(f"{A}/{exam.id}/paper").get_data(as_text=True)
    assert 'id="rule-template"' in page and 'name="rule-__i__-bank"' in page
    assert page.count("data-rule-row") == 2  # the one blank row, and the template's
    form = {
        "rule-0-bank": str(bank.id),
        "rule-0-type": "judge",
        "rule-0-count": "2",
        "rule-0-points_each": "1",
        "rule-7-bank": str(bank.id),
        "rule-7-type": "single",
        "rule-7-count": "3",
        "rule-7-points_each": "2",
        "rule-12-bank": "",
    }
    assert admin_client.post_form(f"{A}/{exam.id}/paper", form).status_code == 302
    assert [(r.type, r.count) for r in exam.rules] == [("judge", 2), ("single", 3)]
    page = admin_client.get(f"{A}/{exam.id}/paper").get_data(as_text=True)
    assert page.count("data-rule-row") == 4  # two rules, a blank row, the template


def test_attempts_page_shows_focus_losses_and_extends_time(app, admin_client, exam_team, cadre):
    exam = make_exam(teams=[exam_team], focus_loss_limit=5)
    attempt, _ = attempts.start_attempt(cadre, exam)
    for _ in range(3):
        attempts.focus_event(cadre, attempt.id, "focus_lost")
    db.session.commit()
    page = admin_client.get(f"{A}/{exam.id}/attempts").get_data(as_text=True)
    assert cadre.name in page and re.search(r"text-bg-warning\">3<", page)
    before = attempt.deadline
    response = admin_client.post_form(f"{A}/attempts/{attempt.id}/extend", {"minutes": "15"})
    assert response.status_code == 302
    db.session.refresh(attempt)
    assert (attempt.deadline - before).total_seconds() == 15 * 60
    detail = admin_client.get(f"{A}/attempts/{attempt.id}").get_data(as_text=True)
    assert "离开考试页面" in detail and "延长时间" in detail


def test_admin_home_lists_essays_to_mark_and_closed_exams_waiting_on_them(
    app, admin_client, exam_team, cadre
):
    assert "待阅卷" not in admin_client.get("/").get_data(as_text=True)
    exam = make_exam(teams=[exam_team], title="待阅卷的考试")
    attempt, _ = attempts.start_attempt(cadre, exam)
    essay = next(i for i in attempt.items if i.question.type == "essay")
    attempts.save_answer(cadre, attempt.id, essay.question_id, "论述")
    attempts.submit_attempt(attempt)
    db.session.commit()
    home = admin_client.get("/").get_data(as_text=True)
    assert "1 道简答题待阅卷" in home and f"{A}/grading" in home
    assert "《待阅卷的考试》已结束" not in home  # still open
    exam.status = "closed"
    db.session.commit()
    home = admin_client.get("/").get_data(as_text=True)
    assert "《待阅卷的考试》已结束，成绩待阅卷后公布" in home
    assert f"{A}/grading?exam_id={exam.id}" in home


def test_grading_queue_and_form(app, admin_client, exam_team, cadre):
    exam = make_exam(teams=[exam_team], points="10")
    attempt, _ = attempts.start_attempt(cadre, exam)
    essay = next(i for i in attempt.items if i.question.type == "essay")
    attempts.save_answer(cadre, attempt.id, essay.question_id, "我的<b>论述</b>")
    attempts.submit_attempt(attempt)
    db.session.commit()
    queue = admin_client.get(f"{A}/grading").get_data(as_text=True)
    answer = next(a for a in attempt.answers if a.question_id == essay.question_id)
    assert f"/answers/{answer.id}/grade" in queue
    form = admin_client.get(f"{A}/answers/{answer.id}/grade").get_data(as_text=True)
    assert "&lt;b&gt;论述" in form  # the cadre's text is escaped
    too_much = admin_client.post_form(f"{A}/answers/{answer.id}/grade", {"score": "11"})
    assert too_much.status_code == 200 and "不能超过" in too_much.get_data(as_text=True)
    graded = admin_client.post_form(
        f"{A}/answers/{answer.id}/grade", {"score": "8", "comment": "较好"}
    )
    assert graded.status_code == 302
    assert answer.score == 8 and attempt.graded and marking.pending_essay_count() == 0


def test_question_page_offers_a_regrade(app, admin_client, exam_team, cadre):
    paper = make_paper()
    exam = make_exam(teams=[exam_team], questions=paper)
    attempt, _ = attempts.start_attempt(cadre, exam)
    single = next(i for i in attempt.items if i.question.type == "single")
    attempts.save_answer(cadre, attempt.id, single.question_id, single.option_ids[1])
    attempts.submit_attempt(attempt)
    question = paper[0]
    corrected = question_service.update_question(
        None, question, type="single", stem=question.stem, options=question.options, answer=[1]
    )
    db.session.commit()
    page = admin_client.get(f"/admin/questions/question/{corrected.id}").get_data(as_text=True)
    assert 'id="regrade-offer"' in page
    overview = admin_client.get(f"{A}/{exam.id}").get_data(as_text=True)
    assert f"/regrade/{corrected.id}" in overview
    response = admin_client.post_form(f"{A}/regrade/{corrected.id}")
    assert response.status_code == 302
    db.session.refresh(attempt)
    assert attempt.score == 1
    page = admin_client.get(f"/admin/questions/question/{corrected.id}").get_data(as_text=True)
    assert 'id="regrade-offer"' not in page


def test_analysis_page_and_export(app, admin_client, exam_team):
    bank = make_bank("分析题库")
    paper = [make_question(bank, "judge", stem=f"分析题{n}") for n in range(3)]
    exam = make_exam(teams=[exam_team], questions=paper, pass_mark="2")
    for number, answers in enumerate([(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 0)]):
        user = make_user("cadre", exam_team, name=f"分析考生{number}")
        attempt, _ = attempts.start_attempt(user, exam)
        for item, right in zip(attempt.items, answers, strict=True):
            attempts.save_answer(user, attempt.id, item.question_id, bool(right))
        attempts.submit_attempt(attempt)
    db.session.commit()
    page = admin_client.get(f"{A}/{exam.id}/analysis").get_data(as_text=True)
    assert 'id="histogram"' in page and page.count('class="xk-bar"') == 10
    assert "style=" not in page.split('id="histogram"')[1].split("</svg>")[0]
    assert "1.50" in page  # the mean of 3, 2, 1, 0
    assert ">50.0<" in page  # pass rate: 2 of 4 reach 2 points
    assert "分析题0" in page and "得分率高于 90%" not in page
    export = admin_client.get(f"{A}/{exam.id}/analysis.xlsx")
    assert export.status_code == 200
    workbook = load_workbook(io.BytesIO(export.data))
    assert workbook.sheetnames == ["成绩", "试卷统计", "试题分析"]
    names = [row[0] for row in workbook["成绩"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == [f"分析考生{n}" for n in range(4)]


def test_the_form_offers_the_kinds_that_mean_something_and_explains_grading(app, admin_client):
    page = admin_client.get(f"{A}/new").get_data(as_text=True)
    assert 'value="level_test"' in page and 'value="exam"' in page
    assert 'value="practice"' not in page and 'value="daily"' not in page
    assert "平时练习和每日答题不必建考试" in page
    assert 'id="grading-rules"' in page and "每空平分本题分值" in page
    old = make_exam(questions=[], publish=False, kind="daily", title="旧的每日答题考试")
    db.session.commit()
    edit = admin_client.get(f"{A}/{old.id}/edit").get_data(as_text=True)
    assert re.search(r"<option selected value=\"daily\">|value=\"daily\" selected", edit)  # kept

"""The question-bank pages: banks, knowledge points, questions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.common.audit import AuditLog
from app.extensions import db
from app.quiz.bank.models import Category, Question
from app.quiz.bank.services import banks, categories
from tests.factories import make_user
from tests.quiz.bank.factories import make_bank, make_question

P = "/admin/questions"


@pytest.fixture
def admin_client(client, admin):
    db.session.commit()
    assert client.login(admin.username).status_code == 302
    return client


def form_for(question_type="single", **fields) -> dict:
    data = {f"option_{c}": "" for c in "abcdefgh"}
    data.update(
        type=question_type,
        title="",
        stem="新题目的**题干**（ ）",
        answer="",
        explanation="",
        difficulty="3",
        points="",
        category="",
        source="",
        source_lesson="",
        tags="",
    )
    data.update(fields)
    return data


def test_nav_entry_only_for_admins(app, client, admin):
    cadre = make_user("cadre", username="qcadre")
    db.session.commit()
    client.login(cadre.username)
    assert "题库管理" not in client.get("/").get_data(as_text=True)
    other = app.test_client()
    other.login(admin.username)
    assert "题库管理" in other.get("/").get_data(as_text=True)


def test_bank_list_shows_counts(app, admin_client, bank):
    make_question(bank, "single")
    make_question(bank, "judge")
    page = admin_client.get(f"{P}/").get_data(as_text=True)
    assert bank.name in page and "单选题" in page


def test_create_bank_from_the_list(app, admin_client):
    response = admin_client.post_form(f"{P}/banks", {"name": "新建的题库", "description": ""})
    bank = banks.find_bank("新建的题库")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/banks/{bank.id}"
    )
    again = admin_client.post_form(f"{P}/banks", {"name": "新建的题库"})
    assert again.status_code == 200 and "已有名为“新建的题库”的题库" in again.get_data(as_text=True)


def test_rename_bank(app, admin_client, bank):
    response = admin_client.post_form(f"{P}/banks/{bank.id}/edit", {"name": "改名的题库"})
    assert response.status_code == 302 and bank.name == "改名的题库"


def test_bank_page_searches_and_filters(app, admin_client, bank):
    top = categories.create_category(None, bank, name="一级")
    sub = categories.create_category(None, bank, name="二级", parent=top)
    make_question(bank, "judge", stem="民主生活会要开出辣味", category=sub)
    make_question(bank, "judge", stem="中心组学习计划要备案")
    make_question(bank, "single", stem="民主集中制是根本组织原则（ ）")
    db.session.commit()
    url = f"{P}/banks/{bank.id}"
    page = admin_client.get(url, query_string={"q": "民主"}).get_data(as_text=True)
    assert (
        "民主生活会要开出辣味" in page
        and "民主集中制是根本" in page
        and "中心组学习计划" not in page
    )
    page = admin_client.get(url, query_string={"q": "民主", "type": "judge"}).get_data(as_text=True)
    assert "民主生活会要开出辣味" in page and "民主集中制是根本" not in page
    page = admin_client.get(url, query_string={"category": top.id}).get_data(as_text=True)
    assert "民主生活会要开出辣味" in page and "中心组学习计划" not in page
    # nonsense in a hand-edited URL is ignored, not an error
    response = admin_client.get(url, query_string={"type": "x", "difficulty": "9", "page": "x"})
    assert response.status_code == 200 and "中心组学习计划" in response.get_data(as_text=True)


def test_bank_page_pages(app, admin_client, bank):
    for n in range(25):
        make_question(bank, "judge", stem=f"分页判断题{n:02d}")
    db.session.commit()
    first = admin_client.get(f"{P}/banks/{bank.id}").get_data(as_text=True)
    assert "分页判断题24" in first and "分页判断题04" not in first
    assert f"/banks/{bank.id}?page=2" in first
    second = admin_client.get(f"{P}/banks/{bank.id}?page=2").get_data(as_text=True)
    assert "分页判断题04" in second


def test_category_tree_editing(app, admin_client, bank):
    url = f"{P}/banks/{bank.id}/categories"
    assert admin_client.post_form(url, {"name": "理论学习", "parent": ""}).status_code == 302
    top = db.session.scalar(select(Category).where(Category.name == "理论学习"))
    admin_client.post_form(url, {"name": "中心组", "parent": str(top.id)})
    child = db.session.scalar(select(Category).where(Category.name == "中心组"))
    assert child.parent is top
    page = admin_client.get(url).get_data(as_text=True)
    assert "理论学习" in page and "中心组" in page

    admin_client.post_form(f"{P}/categories/{child.id}/rename", {"name": "中心组学习"})
    assert child.name == "中心组学习"
    admin_client.post_form(f"{url}/move", {"category": str(child.id), "parent": ""})
    assert child.parent_id is None and child.path == f"/{child.id}/"
    # moving a category under itself is refused with a message
    response = admin_client.post_form(
        f"{url}/move", {"category": str(child.id), "parent": str(child.id)}, follow_redirects=True
    )
    assert "不能把知识点移到它自己或它的下级之下" in response.get_data(as_text=True)

    make_question(bank, category=top)
    db.session.commit()
    response = admin_client.post_form(f"{P}/categories/{top.id}/delete", follow_redirects=True)
    assert "下还有 1 道题目" in response.get_data(as_text=True)
    admin_client.post_form(f"{P}/categories/{child.id}/delete")
    assert db.session.get(Category, child.id) is None


def test_category_errors_show_on_the_form(app, admin_client, bank):
    response = admin_client.post_form(f"{P}/banks/{bank.id}/categories", {"name": "", "parent": ""})
    assert response.status_code == 200
    assert "知识点名称不能为空" in response.get_data(as_text=True)


def test_create_a_question(app, admin_client, bank):
    category = categories.create_category(None, bank, name="一级")
    db.session.commit()
    data = form_for(
        "multiple",
        option_a="政治意识",
        option_b="大局意识",
        option_c="忧患意识",
        answer="a、b",
        difficulty="4",
        points="2",
        category=str(category.id),
        tags="四个意识，政治意识",
    )
    response = admin_client.post_form(f"{P}/banks/{bank.id}/questions/new", data)
    assert response.status_code == 302
    question = db.session.scalar(select(Question))
    assert response.headers["Location"].endswith(f"/question/{question.id}")
    assert (question.type, question.options, question.answer) == (
        "multiple",
        ["政治意识", "大局意识", "忧患意识"],
        [0, 1],
    )
    assert question.category is category and question.tags == ["四个意识", "政治意识"]
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>题干</strong>" in page and "暂无作答记录" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"option_a": "甲", "option_b": "乙", "answer": "E"}, "答案“E”不在选项中"),
        ({"option_a": "甲", "option_c": "丙", "answer": "A"}, "选项须从 A 起依次填写"),
        ({"option_a": "甲", "option_b": "乙", "answer": "A", "stem": ""}, "题干为空"),
        ({"option_a": "甲", "option_b": "乙", "answer": "A", "points": "-1"}, "分值"),
    ],
)
def test_question_form_errors_are_shown_and_nothing_saved(app, admin_client, bank, fields, message):
    response = admin_client.post_form(f"{P}/banks/{bank.id}/questions/new", form_for(**fields))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Question)) is None


def test_preview_renders_markdown_and_saves_nothing(app, admin_client, bank):
    data = form_for(option_a="甲", option_b="乙", answer="B", explanation="*解析*", preview="预览")
    response = admin_client.post_form(f"{P}/banks/{bank.id}/questions/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>题干</strong>" in page and "<em>解析</em>" in page
    assert "B. 乙" in page
    assert db.session.scalar(select(Question)) is None


def test_preview_escapes_scripts(app, admin_client, bank):
    data = form_for("judge", stem="<script>alert(1)</script>题干", answer="对", preview="预览")
    page = admin_client.post_form(f"{P}/banks/{bank.id}/questions/new", data).get_data(as_text=True)
    assert "<script>alert(1)" not in page


def test_edit_a_question_in_place_and_as_a_new_version(app, admin_client, bank, in_use):
    question = make_question(bank, "judge", stem="原题干", answer=True)
    db.session.commit()
    url = f"{P}/question/{question.id}/edit"
    form = admin_client.get(url).get_data(as_text=True)
    assert "原题干" in form and "正确" in form
    response = admin_client.post_form(url, form_for("judge", stem="改一次", answer="对"))
    assert response.headers["Location"].endswith(f"/question/{question.id}")
    assert question.stem == "改一次" and question.version == 1

    assert "已被作答过" not in admin_client.get(url).get_data(as_text=True)
    in_use.add(question.id)
    assert "已被作答过" in admin_client.get(url).get_data(as_text=True)
    response = admin_client.post_form(url, form_for("judge", stem="改两次", answer="错"))
    new = db.session.scalar(select(Question).where(Question.is_latest.is_(True)))
    assert new.id != question.id and new.version == 2
    assert response.headers["Location"].endswith(f"/question/{new.id}")
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已保存为第 2 版" in page
    old = admin_client.get(f"{P}/question/{question.id}").get_data(as_text=True)
    assert "历史版本" in old and "改一次" in old
    # the old version's edit page leads to the latest
    assert admin_client.get(url).headers["Location"].endswith(f"/question/{new.id}/edit")


def test_retire_and_restore(app, admin_client, bank):
    question = make_question(bank)
    db.session.commit()
    response = admin_client.post_form(f"{P}/question/{question.id}/retire")
    assert response.status_code == 302 and question.status == "retired"
    page = admin_client.get(f"{P}/question/{question.id}").get_data(as_text=True)
    assert "已停用" in page and "data-confirm" in page
    admin_client.post_form(
        f"{P}/question/{question.id}/restore", {"next": f"{P}/banks/{bank.id}?page=1"}
    )
    assert question.status == "active"
    entries = db.session.scalars(
        select(AuditLog.action).where(AuditLog.object_id == str(question.id))
    )
    assert {"question.retire", "question.restore"} <= set(entries)


def test_a_foreign_next_is_ignored(app, admin_client, bank):
    question = make_question(bank)
    db.session.commit()
    response = admin_client.post_form(
        f"{P}/question/{question.id}/retire", {"next": "https://evil.example/"}
    )
    assert response.headers["Location"].endswith(f"/question/{question.id}")


def test_question_page_shows_usage(app, admin_client, bank, attempts):
    question = make_question(bank)
    attempts[question.id] = (8, 6)
    db.session.commit()
    page = admin_client.get(f"{P}/question/{question.id}").get_data(as_text=True)
    assert "共 8 次作答，正确率 75.0%" in page


def test_missing_objects_are_404(app, admin_client):
    for url in (f"{P}/banks/999", f"{P}/question/999", f"{P}/imports/999"):
        assert admin_client.get(url).status_code == 404
    assert admin_client.get(f"{P}/banks/999/export/xlsx").status_code == 404


def test_export_download(app, admin_client, bank):
    make_question(bank, stem="导出的题目（ ）")
    db.session.commit()
    response = admin_client.get(f"{P}/banks/{bank.id}/export/xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"PK")
    native = admin_client.get(f"{P}/banks/{bank.id}/export/native")
    assert "导出的题目" in native.data.decode()
    assert admin_client.get(f"{P}/banks/{bank.id}/export/pdf").status_code == 404
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "questions.export"))


def test_pages_carry_no_inline_script_or_style(app, admin_client, bank):
    question = make_question(bank)
    db.session.commit()
    for url in (
        f"{P}/",
        f"{P}/banks/{bank.id}",
        f"{P}/banks/{bank.id}/categories",
        f"{P}/question/{question.id}",
        f"{P}/question/{question.id}/edit",
        f"{P}/import",
        f"{P}/imports",
    ):
        page = admin_client.get(url).get_data(as_text=True)
        assert " style=" not in page and "<script>" not in page, url


def test_another_bank_category_cannot_be_chosen(app, admin_client, bank):
    elsewhere = categories.create_category(None, make_bank(), name="别处")
    db.session.commit()
    data = form_for("judge", answer="对", category=str(elsewhere.id))
    response = admin_client.post_form(f"{P}/banks/{bank.id}/questions/new", data)
    assert response.status_code == 200 and db.session.scalar(select(Question)) is None

"""Questions: validation, versioning, retire/restore, search, usage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.common.audit import AuditLog
from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.models import Question
from app.quiz.bank.services import categories, questions, usage
from tests.quiz.bank.factories import make_bank, make_question


def test_create_stores_normalised_values(app, bank, admin):
    category = categories.create_category(admin, bank, name="理论学习")
    question = questions.create_question(
        admin,
        bank,
        type="multiple",
        stem="  下列属于“四个意识”的有（ ）。\n",
        options=[" 政治意识 ", "大局意识", "忧患意识"],
        answer=[0, 1],
        explanation="解析",
        difficulty="4",
        points="2.5",
        category=category,
        source="第一部分",
        source_lesson="political-building/theory-study#overview",
        tags="四个意识、政治意识，四个意识",
    )
    assert question.stem == "下列属于“四个意识”的有（ ）。"
    assert question.options == ["政治意识", "大局意识", "忧患意识"]
    assert question.difficulty == 4 and question.points == Decimal("2.5")
    assert question.tags == ["四个意识", "政治意识"]
    assert question.lineage_id == question.id and question.version == 1
    assert question.is_latest and question.status == "active"
    assert question.fingerprint == questions.fingerprint(
        "multiple", question.stem, question.options
    )
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "question.create"))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"stem": "  "}, "stem", "题干为空"),
        ({"options": ["甲"], "answer": [0]}, "options", "至少需要 2 个选项"),
        ({"options": [f"选项{i}" for i in range(9)]}, "options", "最多 8 个选项"),
        ({"answer": [5]}, "answer", "不在选项中"),
        ({"answer": [0, 1]}, "answer", "恰好有一个"),
        ({"type": "multiple", "answer": [0]}, "answer", "至少两个"),
        ({"type": "judge", "options": [], "answer": "对"}, "answer", "判断题答案"),
        ({"type": "blank", "options": [], "answer": []}, "answer", "填空题答案为空"),
        ({"type": "选择"}, "type", "未知题型"),
        ({"difficulty": 6}, "difficulty", "难度"),
        ({"points": "0"}, "points", "大于 0"),
        ({"points": "1.255"}, "points", "两位小数"),
        ({"points": "abc"}, "points", "数字"),
        ({"title": "题" * 201}, "title", "标题"),
        ({"tags": ["签" * 51]}, "tags", "标签"),
    ],
)
def test_create_refuses_invalid_questions(app, bank, fields, field, message):
    values = {"type": "single", "stem": "题干（ ）", "options": ["甲", "乙"], "answer": [0]}
    values.update(fields)
    with pytest.raises(DomainError, match=message) as info:
        questions.create_question(None, bank, **values)
    assert info.value.field == field


def test_category_must_belong_to_the_bank(app, bank):
    elsewhere = categories.create_category(None, make_bank(), name="别处")
    with pytest.raises(DomainError, match="不属于") as info:
        make_question(bank, category=elsewhere)
    assert info.value.field == "category"


@pytest.mark.parametrize(
    ("qtype", "text", "count", "expected"),
    [
        ("single", "b", 4, [1]),
        ("multiple", "Ａ、Ｃ、D", 4, [0, 2, 3]),
        ("multiple", "A,B", 2, [0, 1]),
        ("judge", "√", 0, True),
        ("judge", "错", 0, False),
        ("blank", "党委/党组|三", 0, [["党委", "党组"], ["三"]]),
        ("blank", "甲；乙", 0, [["甲"], ["乙"]]),
        ("essay", "  参考答案  ", 0, "参考答案"),
    ],
)
def test_answer_from_text_follows_the_import_conventions(qtype, text, count, expected):
    assert questions.answer_from_text(qtype, text, count) == expected


@pytest.mark.parametrize(
    ("qtype", "text", "count"), [("single", "E", 4), ("single", "", 4), ("judge", "也许", 0)]
)
def test_answer_from_text_names_the_answer_field(qtype, text, count):
    with pytest.raises(DomainError) as info:
        questions.answer_from_text(qtype, text, count)
    assert info.value.field == "answer"


def test_answer_to_text_round_trips(app, bank):
    for qtype, text in (("multiple", "AC"), ("judge", "正确"), ("blank", "北京/北平")):
        question = make_question(bank, qtype)
        assert questions.answer_to_text(question) == text


def test_duplicates_are_refused_within_a_bank(app, bank):
    make_question(bank, stem="下列说法正确的是（ ）", options=["甲", "乙"])
    with pytest.raises(DomainError, match="已有相同的题目"):
        # width, punctuation and option order do not make a different question
        make_question(bank, stem="下列说法正确的是（　　）。", options=["乙", "甲"])
    # different options: a different question with the same wording
    make_question(bank, stem="下列说法正确的是（ ）", options=["丙", "丁"])
    # the same stem in another bank is fine
    make_question(make_bank(), stem="下列说法正确的是（ ）", options=["甲", "乙"])


def _fields(question: Question, **changes) -> dict:
    values = {
        "type": question.type,
        "stem": question.stem,
        "options": list(question.options),
        "answer": question.answer,
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "category": question.category,
    }
    values.update(changes)
    return values


def test_an_unused_question_is_edited_in_place(app, bank, admin):
    question = make_question(bank)
    saved = questions.update_question(admin, question, **_fields(question, explanation="新解析"))
    assert saved is question
    assert question.version == 1 and question.explanation == "新解析"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "question.update"))
    assert entry.details["fields"] == ["explanation"]


def test_a_used_question_gets_a_new_version(app, bank, admin, in_use):
    question = make_question(bank, stem="原来的题干（ ）")
    in_use.add(question.id)
    new = questions.update_question(admin, question, **_fields(question, stem="修改后的题干（ ）"))
    assert new is not question and new.id != question.id
    assert (new.version, new.lineage_id, new.previous_version_id) == (2, question.id, question.id)
    assert new.is_latest and not question.is_latest
    assert question.stem == "原来的题干（ ）"  # what the attempt saw stays as it was
    assert new.stem == "修改后的题干（ ）"
    assert [v.version for v in questions.versions_of(question)] == [2, 1]
    listed = db.session.scalars(questions.question_query(bank)).all()
    assert listed == [new]
    with pytest.raises(DomainError, match="历史版本"):
        questions.update_question(admin, question, **_fields(question, stem="再改"))
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "question.new_version"))


def test_a_new_version_keeps_its_lineage_out_of_duplicate_checks(app, bank, in_use):
    question = make_question(bank, stem="题干甲（ ）")
    in_use.add(question.id)
    new = questions.update_question(None, question, **_fields(question, explanation="改解析"))
    # editing the new version again: the old version has the same stem, which is no duplicate
    in_use.add(new.id)
    third = questions.update_question(None, new, **_fields(new, difficulty=5))
    assert third.version == 3


def test_an_edit_that_changes_nothing_changes_nothing(app, bank, in_use):
    question = make_question(bank)
    in_use.add(question.id)
    assert questions.update_question(None, question, **_fields(question)) is question
    assert question.version == 1


def test_an_edit_cannot_make_a_duplicate(app, bank):
    make_question(bank, stem="已有题目（ ）")
    other = make_question(bank, stem="另一道题（ ）")
    with pytest.raises(DomainError, match="已有相同的题目"):
        questions.update_question(None, other, **_fields(other, stem="已有题目（ ）"))


def test_retire_and_restore(app, bank, admin):
    question = make_question(bank)
    questions.retire_question(admin, question)
    assert question.status == "retired"
    assert db.session.scalars(questions.question_query(bank, status="active")).all() == []
    assert db.session.scalars(questions.question_query(bank, status="retired")).all() == [question]
    questions.restore_question(admin, question)
    assert question.status == "active"
    actions = list(
        db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "question"))
    )
    assert "question.retire" in actions and "question.restore" in actions


def test_a_retired_question_keeps_its_status_in_a_new_version(app, bank, in_use):
    question = make_question(bank)
    questions.retire_question(None, question)
    in_use.add(question.id)
    new = questions.update_question(None, question, **_fields(question, explanation="改"))
    assert new.status == "retired"


def _stems(bank, **filters) -> list[str]:
    return sorted(q.stem for q in db.session.scalars(questions.question_query(bank, **filters)))


def test_search_finds_a_chinese_substring(app, bank):
    make_question(bank, stem="领导班子民主生活会每年召开一次（ ）")
    make_question(bank, stem="理论学习中心组的学习计划要备案（ ）")
    assert _stems(bank, text="民主生活") == ["领导班子民主生活会每年召开一次（ ）"]
    assert _stems(bank, text="  中心组 ") == ["理论学习中心组的学习计划要备案（ ）"]
    assert _stems(bank, text="不存在的词") == []


def test_search_takes_like_wildcards_literally(app, bank):
    make_question(bank, stem="完成率达到100%的单位（ ）")
    make_question(bank, stem="完成率达到1000的单位（ ）")
    make_question(bank, stem="填写____处的内容（ ）")
    make_question(bank, stem="填写甲乙处的内容（ ）")
    make_question(bank, stem="路径 a\\b 的写法（ ）")
    make_question(bank, stem="路径 ab 的写法（ ）")
    assert _stems(bank, text="100%的") == ["完成率达到100%的单位（ ）"]
    assert _stems(bank, text="写__") == ["填写____处的内容（ ）"]
    assert _stems(bank, text="%") == ["完成率达到100%的单位（ ）"]
    assert _stems(bank, text="a\\b") == ["路径 a\\b 的写法（ ）"]


def test_search_ignores_case_of_latin_letters(app, bank):
    make_question(bank, stem="GDP 与高质量发展（ ）")
    assert _stems(bank, text="gdp") == ["GDP 与高质量发展（ ）"]


def test_search_filters(app, bank):
    top = categories.create_category(None, bank, name="一级")
    sub = categories.create_category(None, bank, name="二级", parent=top)
    other = categories.create_category(None, bank, name="别的")
    make_question(bank, "single", stem="甲（ ）", category=top, difficulty=1)
    make_question(bank, "judge", stem="乙", category=sub, difficulty=2)
    make_question(bank, "essay", stem="丙", category=other, difficulty=2)
    assert _stems(bank, qtype="judge") == ["乙"]
    assert _stems(bank, difficulty=2) == ["丙", "乙"]
    assert _stems(bank, category=top) == ["乙", "甲（ ）"]  # the subtree counts
    assert _stems(bank, category=sub) == ["乙"]
    assert _stems(bank, category=top, difficulty=1) == ["甲（ ）"]
    with pytest.raises(DomainError):
        questions.question_query(bank, qtype="选择")


def test_search_stays_within_the_bank_and_pages(app, bank):
    for n in range(25):
        make_question(bank, "judge", stem=f"测试判断题{n:02d}")
    make_question(make_bank(), "judge", stem="别的题库的测试判断题")
    first = questions.search_questions(bank, text="测试判断题", page=1, per_page=10)
    last = questions.search_questions(bank, text="测试判断题", page=3, per_page=10)
    assert first.total == 25 and len(first.items) == 10 and len(last.items) == 5
    assert first.items[0].stem == "测试判断题24"  # newest first
    beyond = questions.search_questions(bank, page=9, per_page=10)
    assert beyond.items == []


def test_usage_is_zero_until_something_reports_it(app, bank):
    question = make_question(bank)
    found = usage.usage_for([question.id])[question.id]
    assert (found.attempts, found.correct, found.correct_rate) == (0, 0, None)
    assert not usage.question_in_use(question)


def test_usage_adds_up_the_versions(app, bank, in_use, attempts):
    question = make_question(bank)
    in_use.add(question.id)
    new = questions.update_question(None, question, **_fields(question, explanation="改"))
    attempts[question.id] = (10, 6)
    attempts[new.id] = (10, 9)
    assert usage.usage_for([new.id])[new.id] == usage.QuestionUsage(10, 9)
    total = usage.lineage_usage(new)
    assert (total.attempts, total.correct, total.correct_rate) == (20, 15, 0.75)

"""Importing files into a bank: counts, all-or-nothing, duplicates, batches."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.common.audit import AuditLog
from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.models import Category, ImportBatch, Question, QuestionBank
from app.quiz.bank.services import banks, categories, importing
from tests.quiz.bank.factories import make_question

GOOD = """\
bank: 文件里的题库
questions:
  - type: single
    stem: 党的政治建设是党的（ ）建设。
    options: [根本性, 基础性, 长期性]
    answer: A
    explanation: 根本性建设。
    category: 理论学习/总体要求
  - type: multiple
    stem: 下列属于“四个意识”的有（ ）。
    options: [政治意识, 大局意识, 忧患意识]
    answer: AB
    category: 理论学习/总体要求
  - type: judge
    stem: 中心组学习以集体学习研讨为主要形式。
    answer: 正确
    category: 理论学习
  - type: blank
    stem: 中心组学习计划要____。
    answer: [[备案, 报备]]
  - type: essay
    stem: 简述如何提高中心组学习质量。
    answer: 要点略
"""

BAD = """\
questions:
  - type: single
    stem: 第一题（ ）
    options: [甲, 乙]
    answer: C
  - type: judge
    stem: 第二题
    answer: 正确
"""


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def run(actor, text: str, filename: str = "bank.yaml", **kwargs) -> importing.ImportOutcome:
    return importing.import_file(actor, text.encode(), filename, **kwargs)


def test_import_creates_the_bank_categories_and_questions(app, admin):
    outcome = run(admin, GOOD)
    assert outcome.accepted and outcome.outcome == "accepted"
    assert outcome.format == "native" and outcome.bank_name == "文件里的题库"
    assert outcome.created == 5 and outcome.updated == outcome.skipped == 0
    assert outcome.by_type == {"single": 1, "multiple": 1, "judge": 1, "blank": 1, "essay": 1}
    assert outcome.by_category == {"理论学习/总体要求": 2, "理论学习": 1, "": 2}
    bank = banks.find_bank("文件里的题库")
    assert outcome.bank is bank
    leaf = categories.find_path(bank, ["理论学习", "总体要求"])
    stems = db.session.scalars(select(Question.stem).where(Question.category_id == leaf.id))
    assert sorted(stems) == ["下列属于“四个意识”的有（ ）。", "党的政治建设是党的（ ）建设。"]
    stored = db.session.scalars(select(Question).order_by(Question.id)).all()
    assert all(q.lineage_id == q.id and q.version == 1 and q.is_latest for q in stored)
    assert all(q.created_by_id == admin.id for q in stored)
    assert stored[3].answer == [["备案", "报备"]] and stored[2].answer is True

    batch = outcome.batch
    assert (batch.outcome, batch.total, batch.created_count, batch.error_count) == (
        "accepted",
        5,
        5,
        0,
    )
    assert batch.bank is bank and batch.actor_id == admin.id and batch.filename == "bank.yaml"
    assert batch.counts["by_type"]["single"] == 1
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "questions.import"))
    assert entry.object_id == str(batch.id) and entry.details["outcome"] == "accepted"


def test_a_preview_is_not_logged_as_an_import(app, admin):
    run(admin, GOOD, dry_run=True)
    logged = select(AuditLog).where(AuditLog.action == "questions.import")
    assert db.session.scalar(logged) is None
    assert db.session.scalar(select(ImportBatch)).outcome == "dry_run"  # the history keeps it
    run(admin, GOOD)
    assert db.session.scalar(logged).details["outcome"] == "accepted"


def test_the_bank_argument_wins_over_the_file(app, bank):
    outcome = run(None, GOOD, bank_name=bank.name)
    assert outcome.bank is bank and banks.find_bank("文件里的题库") is None


def test_any_error_means_nothing_is_written(app, admin):
    outcome = run(admin, BAD, bank_name="新题库")
    assert not outcome.accepted and outcome.outcome == "rejected"
    assert [(e.location, e.field) for e in outcome.errors] == [("第 5 行", "答案")]
    assert "不在选项中" in outcome.errors[0].message
    # the good question was not written, nor the bank created
    assert count(Question) == 0 and count(QuestionBank) == 0 and count(Category) == 0
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.outcome, batch.error_count, batch.created_count, batch.bank_id) == (
        "rejected",
        1,
        0,
        None,
    )
    assert batch.bank_name == "新题库"
    assert batch.error_summary[0]["location"] == "第 5 行"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "questions.import"))


IN_FILE_DUPLICATE = (
    GOOD
    + """\
  - type: single
    stem: 党的政治建设是党的（　）建设
    options: [长期性, 根本性, 基础性]
    answer: B
"""
)


def test_duplicates_within_the_file_refused_naming_both_places(app, bank):
    outcome = run(None, IN_FILE_DUPLICATE, bank_name=bank.name, on_duplicate="refuse")
    assert not outcome.accepted
    (error,) = outcome.errors
    assert error.location == "第 24 行" and "第 3 行" in error.message and "重复" in error.message
    assert count(Question) == 0


def test_duplicates_within_the_file_keep_the_first_and_are_reported(app, bank):
    outcome = run(None, IN_FILE_DUPLICATE, bank_name=bank.name)
    assert outcome.accepted and outcome.created == 5
    (issue,) = outcome.skipped_issues
    assert issue.location == "第 24 行" and "第 3 行" in issue.message
    assert outcome.batch.skipped_report[0]["location"] == "第 24 行"
    assert count(Question) == 5 and len(outcome.questions) == outcome.batch.total == 5


def test_refuse_also_refuses_a_duplicate_of_the_bank(app, bank):
    run(None, GOOD, bank_name=bank.name)
    again = run(None, GOOD, bank_name=bank.name, on_duplicate="refuse")
    assert not again.accepted and len(again.errors) == 5
    assert all("题库中已有相同的题目" in e.message for e in again.errors)


def test_duplicates_against_the_bank_are_skipped(app, bank):
    first = run(None, GOOD, bank_name=bank.name)
    assert first.created == 5
    again = run(None, GOOD, bank_name=bank.name)
    assert again.accepted and (again.created, again.updated, again.skipped) == (0, 0, 5)
    assert {d.action for d in again.duplicates} == {"skip"}
    assert count(Question) == 5
    assert again.batch.skipped_count == 5


def test_duplicates_against_the_bank_are_updated_when_asked(app, bank):
    run(None, GOOD, bank_name=bank.name)
    changed = GOOD.replace("explanation: 根本性建设。", "explanation: 新的解析。")
    outcome = run(None, changed, bank_name=bank.name, on_duplicate="update")
    assert (outcome.created, outcome.updated, outcome.skipped) == (0, 1, 4)
    actions = sorted(d.action for d in outcome.duplicates)
    assert actions == ["unchanged"] * 4 + ["update"]
    updated = db.session.scalar(select(Question).where(Question.explanation == "新的解析。"))
    assert updated.version == 1 and count(Question) == 5


def test_an_update_of_a_used_question_makes_a_new_version(app, bank, in_use):
    run(None, GOOD, bank_name=bank.name)
    used = db.session.scalar(select(Question).where(Question.type == "single"))
    in_use.add(used.id)
    changed = GOOD.replace("explanation: 根本性建设。", "explanation: 新的解析。")
    outcome = run(None, changed, bank_name=bank.name, on_duplicate="update")
    assert outcome.updated == 1
    assert count(Question) == 6
    assert used.explanation == "根本性建设。" and not used.is_latest
    new = db.session.scalar(select(Question).where(Question.explanation == "新的解析。"))
    assert (new.version, new.lineage_id) == (2, used.id)


def test_matching_is_by_fingerprint_within_the_bank_only(app, bank):
    make_question(
        bank,
        stem="党的政治建设是党的（　　）建设",
        options=["基础性", "根本性", "长期性"],
        answer=[1],
    )
    outcome = run(None, GOOD, bank_name=bank.name)
    assert (outcome.created, outcome.skipped) == (4, 1)
    elsewhere = run(None, GOOD, bank_name="另一个题库")
    assert elsewhere.created == 5


def test_dry_run_writes_only_the_batch(app, admin):
    outcome = run(admin, GOOD, dry_run=True)
    assert outcome.accepted and outcome.outcome == "dry_run"
    assert outcome.created == 5  # what would happen
    assert count(Question) == 0 and count(QuestionBank) == 0
    assert db.session.scalar(select(ImportBatch.outcome)) == "dry_run"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.txt", "文件为空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.xls", ".xlsx"),
        (b"%PDF-1.4\n", "bank.pdf", ""),
        (b"x" * (20 * 1024 * 1024 + 1), "huge.txt", "20 MB"),
    ],
)
def test_unreadable_files_are_rejected_with_a_reason(app, bank, data, filename, message):
    outcome = importing.import_file(None, data, filename, bank_name=bank.name)
    assert not outcome.accepted and count(Question) == 0
    (error,) = outcome.errors
    assert error.location == filename and message in error.message and error.message
    assert outcome.batch.outcome == "rejected"


def test_a_bank_name_is_needed(app):
    text = GOOD.replace("bank: 文件里的题库\n", "")
    outcome = run(None, text)
    assert not outcome.accepted and "没有指定题库" in outcome.errors[0].message


def test_files_naming_different_banks_need_a_choice(app):
    files = [
        ("a.yaml", GOOD.encode()),
        (
            "b.yaml",
            BAD.replace("questions:", "bank: 乙\nquestions:")
            .replace("answer: C", "answer: A")
            .encode(),
        ),
    ]
    outcome = importing.import_files(None, files)
    assert any("不一致" in e.message for e in outcome.errors)
    fixed = importing.import_files(None, files, bank_name="合并题库")
    assert fixed.accepted and fixed.created == 7


def test_errors_in_several_files_name_the_file(app, bank):
    files = [("a.yaml", GOOD.encode()), ("b.yaml", BAD.encode())]
    outcome = importing.import_files(None, files, bank_name=bank.name, label="目录")
    assert [e.location for e in outcome.errors] == ["b.yaml 第 5 行"]
    assert outcome.batch.filename == "目录" and count(Question) == 0


def test_a_category_path_too_deep_is_an_error(app, bank):
    deep = "/".join(f"第{n}级" for n in range(10))
    text = f"questions:\n  - type: judge\n    stem: 深\n    answer: 对\n    category: {deep}\n"
    outcome = run(None, text, bank_name=bank.name)
    assert not outcome.accepted and outcome.errors[0].field == "知识点"


def test_bad_options_are_refused_before_anything(app, bank):
    with pytest.raises(DomainError):
        run(None, GOOD, on_duplicate="replace")
    with pytest.raises(DomainError):
        run(None, GOOD, fmt="pdf")


def test_progress_is_reported_while_writing(app, bank):
    steps = []
    run(None, GOOD, bank_name=bank.name, progress=lambda step, total: steps.append((step, total)))
    assert sum(step for step, _ in steps) == 5 and {total for _, total in steps} == {5}

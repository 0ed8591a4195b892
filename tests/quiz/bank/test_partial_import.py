"""Partial imports (issue 11 §1): all or nothing by default, every valid question with
``skip_invalid``, and a skipped report in the file's own coordinates."""

from __future__ import annotations

import io
import shutil

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.quiz.bank.models import ImportBatch, Question
from app.quiz.bank.services import importing
from tests.quiz.bank.importers.corpus import FIXTURES, read

GIFT = "gift_with_matching.gift"


def questions_count() -> int:
    return db.session.scalar(select(func.count(Question.id)))


def test_default_refuses_with_every_reason_at_once(app):
    outcome = importing.import_file(None, read(GIFT), GIFT, bank_name="配对题库")
    assert not outcome.accepted and len(outcome.errors) == 11
    assert outcome.skippable and len(outcome.questions) == 32
    assert questions_count() == 0


def test_skip_invalid_imports_every_valid_question_and_reports_the_rest(app):
    outcome = importing.import_file(None, read(GIFT), GIFT, bank_name="配对题库", skip_invalid=True)
    assert outcome.accepted and outcome.created == 32 and questions_count() == 32
    batch = outcome.batch
    assert batch.skip_invalid and len(batch.skipped_report) == 11
    assert batch.skipped_report[0] == {
        "location": "第 7 行",
        "field": "题型",
        "message": "GIFT 匹配题不受支持",
    }
    rows = list(
        load_workbook(io.BytesIO(importing.skipped_report_xlsx(batch))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0] == ("位置", "字段", "原因") and rows[1] == (
        "第 7 行",
        "题型",
        "GIFT 匹配题不受支持",
    )
    assert len(rows) == 12


def test_skip_invalid_still_refuses_a_file_that_cannot_be_read(app):
    outcome = importing.import_file(
        None, b"%PDF-1.4 ...", "bank.pdf", bank_name="x", skip_invalid=True
    )
    assert not outcome.accepted and not outcome.skippable
    assert "PDF" in outcome.errors[0].message


def test_skip_invalid_with_no_valid_question_is_refused(app):
    outcome = importing.import_file(
        None, read("cloze_text.txt"), "cloze_text.txt", bank_name="x", skip_invalid=True
    )
    assert not outcome.accepted and questions_count() == 0
    assert "没有一道有效的题目" in outcome.errors[-1].message
    assert len(outcome.skipped_issues) == 2


def test_notes_are_kept_on_the_batch(app):
    name = "xlsx_other_system_synonyms.xlsx"
    outcome = importing.import_file(None, read(name), name, bank_name="别家模板")
    assert outcome.accepted and outcome.created == 7
    assert outcome.batch.notes[0]["message"].startswith("表头在这一行")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_cli_skip_invalid_and_report(app, runner, tmp_path):
    path = tmp_path / GIFT
    shutil.copy(FIXTURES / GIFT, path)
    refused = runner.invoke(args=["questions", "import", str(path), "--bank", "配对题库"])
    assert refused.exit_code == 1
    assert "共 11 处错误" in refused.output and "加上 --skip-invalid" in refused.output
    report = tmp_path / "skipped.xlsx"
    result = runner.invoke(
        args=[
            "questions",
            "import",
            str(path),
            "--bank",
            "配对题库",
            "--skip-invalid",
            "--report",
            str(report),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "跳过报告：11 处问题" in result.output and "新增 32" in result.output
    assert "第 7 行，题型：GIFT 匹配题不受支持" in result.output
    sheet = load_workbook(report).active
    assert sheet.max_row == 12 and sheet["A2"].value == "第 7 行"
    assert (
        db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first().skip_invalid
    )


def test_cli_on_duplicate_refuse(app, runner, tmp_path):
    path = tmp_path / "dups.txt"
    shutil.copy(FIXTURES / "txt_in_file_duplicates.txt", path)
    kept = runner.invoke(args=["questions", "import", str(path), "--bank", "重复"])
    assert kept.exit_code == 0, kept.output
    assert "第 11 行，题干：与第 2 行的题目重复，已跳过" in kept.output
    assert "新增 3" in kept.output
    refused = runner.invoke(
        args=["questions", "import", str(path), "--bank", "重复2", "--on-duplicate", "refuse"]
    )
    assert refused.exit_code == 1 and "第 11 行，题干：与第 2 行的题目重复" in refused.output

"""``flask questions import|export``."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from app.extensions import db
from app.quiz.bank.demo import BANK_DIR
from app.quiz.bank.models import ImportBatch, Question
from app.quiz.bank.services import banks
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.bank.test_importing import BAD, GOOD


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def questions_count() -> int:
    return db.session.scalar(select(func.count(Question.id)))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_prints_counts_by_type(app, runner, tmp_path):
    path = write(tmp_path, "bank.yaml", GOOD)
    result = runner.invoke(args=["questions", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "题库：文件里的题库" in result.output
    assert "共 5 道题目：单选题 1，多选题 1，判断题 1，填空题 1，简答题 1" in result.output
    assert "新增 5，更新 0，跳过 0" in result.output
    assert questions_count() == 5


def test_a_rejected_file_exits_1_with_every_error(app, runner, tmp_path):
    path = write(tmp_path, "bad.yaml", BAD)
    result = runner.invoke(args=["questions", "import", str(path), "--bank", "题库"])
    assert result.exit_code == 1
    assert "bad.yaml 被拒绝：共 1 处错误" in result.output
    assert "第 5 行，答案：答案“C”不在选项中" in result.output
    assert questions_count() == 0
    assert db.session.scalar(select(ImportBatch.outcome)) == "rejected"


def test_csv_errors_name_row_and_column(app, runner, tmp_path):
    path = tmp_path / "bank.csv"
    path.write_bytes(
        "题型,题干,选项A,选项B,答案\n单选,甲（ ）,对,错,E\n选择,乙,a,b,A\n".encode("gbk")
    )
    result = runner.invoke(args=["questions", "import", str(path), "--bank", "题库"])
    assert result.exit_code == 1
    assert "第 2 行，答案" in result.output and "第 3 行，题型" in result.output


def test_import_errors_speak_the_default_language(app, runner, tmp_path, monkeypatch):
    """No session in the CLI: messages and locations follow the configured default locale,
    Chinese, even though the importers translate them."""
    path = write(tmp_path, "bank.txt", "一、单选题\n1. 甲（ ）\nA. 对\nB. 错\n答案：E\n")
    result = runner.invoke(args=["questions", "import", str(path), "--bank", "题库"])
    assert result.exit_code == 1
    assert "  第 5 行，答案：答案“E”不在选项中" in result.output
    assert "Line" not in result.output

    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    refresh()  # the test's application context holds the locale it worked out
    result = runner.invoke(args=["questions", "import", str(path), "--bank", "题库"])
    assert "  Line 5, Answer: The answer “E” is not one of the options" in result.output
    refresh()


def test_dry_run_writes_no_questions(app, runner, tmp_path):
    path = write(tmp_path, "bank.yaml", GOOD)
    result = runner.invoke(args=["questions", "import", str(path), "--dry-run"])
    assert result.exit_code == 0
    assert "试运行（未写入）：将新增 5" in result.output
    assert questions_count() == 0 and banks.find_bank("文件里的题库") is None


def test_on_duplicate_update(app, runner, tmp_path):
    path = write(tmp_path, "bank.yaml", GOOD)
    runner.invoke(args=["questions", "import", str(path)])
    skipped = runner.invoke(args=["questions", "import", str(path)])
    assert "新增 0，更新 0，跳过 5" in skipped.output
    write(tmp_path, "bank.yaml", GOOD.replace("根本性建设。", "改过的解析"))
    updated = runner.invoke(args=["questions", "import", str(path), "--on-duplicate", "update"])
    assert "新增 0，更新 1，跳过 4" in updated.output


def test_a_format_given_wrongly_is_reported(app, runner, tmp_path):
    path = write(tmp_path, "bank.yaml", GOOD)
    result = runner.invoke(args=["questions", "import", str(path), "--format", "xlsx"])
    assert result.exit_code == 1 and "bank.yaml" in result.output
    assert questions_count() == 0


def test_import_a_directory_of_native_files(app, runner):
    result = runner.invoke(args=["questions", "import", str(BANK_DIR)])
    assert result.exit_code == 0, result.output
    assert "题库：领导班子政治建设题库" in result.output
    assert questions_count() >= 150


def test_a_progress_bar_on_big_files(app, runner, tmp_path):
    items = "".join(
        f"  - type: judge\n    stem: 第{n}道判断题\n    answer: 对\n" for n in range(1001)
    )
    path = write(tmp_path, "big.yaml", "bank: 大题库\nquestions:\n" + items)
    result = runner.invoke(args=["questions", "import", str(path)])
    assert result.exit_code == 0 and "写入题目" in result.output
    small = write(tmp_path, "small.yaml", GOOD)
    assert "写入题目" not in runner.invoke(args=["questions", "import", str(small)]).output


def test_export_takes_the_format_from_the_extension(app, runner, tmp_path):
    bank = make_bank("导出题库")
    make_question(bank)
    for name, start in (("out.xlsx", b"PK"), ("out.xml", b"<?xml"), ("out.yaml", b"bank:")):
        path = tmp_path / name
        result = runner.invoke(args=["questions", "export", str(path)])
        assert result.exit_code == 0, result.output
        assert path.read_bytes().startswith(start)
    result = runner.invoke(
        args=["questions", "export", str(tmp_path / "x.bin"), "--format", "gift"]
    )
    assert result.exit_code == 0 and (tmp_path / "x.bin").read_bytes()


def test_export_needs_a_bank_when_there_are_several(app, runner, tmp_path):
    make_bank("甲题库")
    make_bank("乙题库")
    out = str(tmp_path / "out.yaml")
    result = runner.invoke(args=["questions", "export", out])
    assert result.exit_code != 0 and "--bank" in result.output and "甲题库" in result.output
    assert runner.invoke(args=["questions", "export", out, "--bank", "甲题库"]).exit_code == 0
    missing = runner.invoke(args=["questions", "export", out, "--bank", "丙题库"])
    assert missing.exit_code != 0 and "丙题库" in missing.output


def test_export_refuses_an_unknown_extension(app, runner, tmp_path):
    make_bank()
    result = runner.invoke(args=["questions", "export", str(tmp_path / "out.pdf")])
    assert result.exit_code != 0 and "--format" in result.output

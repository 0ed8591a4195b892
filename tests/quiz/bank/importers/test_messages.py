"""Messages and locations speak the language of the moment they are made: the request's
(the header's language switch), the default Chinese in the CLI, and the Chinese source text
when an importer runs with no application context at all."""

from __future__ import annotations

import io
from contextlib import contextmanager

import docx
import pytest
from flask import session
from flask_babel import refresh
from openpyxl import Workbook

from app.quiz.bank.importers import parse
from app.quiz.bank.importers.base import ImportRejected
from app.quiz.bank.importers.detect import OLE_SIGNATURE

TEXT = "一、单选题\n1. 党的政治建设是党的（ ）建设。\nA. 根本性\nB. 基础性\n答案：E\n"
ROWS = [["题型", "题干", "选项A", "选项B", "答案"], ["单选", "甲（ ）", "对", "错", "A"]]
BAD_ROW = ["单选", "乙（ ）", "对", "错", "E"]
NATIVE = "questions:\n  - type: single\n    stem: 甲（ ）\n    options: [对, 错]\n    answer: E\n"


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    for row in [*ROWS, BAD_ROW]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes(table: bool = False) -> bytes:
    document = docx.Document()
    if table:
        rows = [*ROWS, BAD_ROW]
        grid = document.add_table(rows=len(rows), cols=len(rows[0]))
        for cells, values in zip(grid.rows, rows, strict=True):
            for cell, value in zip(cells.cells, values, strict=True):
                cell.text = value
    else:
        for line in TEXT.splitlines():
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


MOODLE = (
    '<?xml version="1.0"?><quiz><question type="matching">'
    "<name><text>配对</text></name></question></quiz>"
)
GIFT = "::甲:: 一加一等于 {#2}\n"
AIKEN = "一加一等于几？\nA. 1\nB. 2\nANSWER: E\n"

# (file bytes, file name, its first issue in Chinese, in English)
CASES = [
    (
        xlsx_bytes,
        "a.xlsx",
        ("工作表“Sheet1”第 3 行", "答案", "答案“E”不在选项中"),
        ("Sheet “Sheet1”, row 3", "答案", "The answer “E” is not one of the options"),
    ),
    (
        lambda: ("\n".join(",".join(row) for row in [*ROWS, BAD_ROW]) + "\n").encode(),
        "a.csv",
        ("第 3 行", "答案", "答案“E”不在选项中"),
        ("Row 3", "答案", "The answer “E” is not one of the options"),
    ),
    (
        lambda: TEXT.encode(),
        "a.txt",
        ("第 5 行", "答案", "答案“E”不在选项中"),
        ("Line 5", "Answer", "The answer “E” is not one of the options"),
    ),
    (
        docx_bytes,
        "a.docx",
        ("第 5 段", "答案", "答案“E”不在选项中"),
        ("Paragraph 5", "Answer", "The answer “E” is not one of the options"),
    ),
    (
        lambda: docx_bytes(table=True),
        "a.docx",
        ("第 1 个表格第 3 行", "答案", "答案“E”不在选项中"),
        ("Table 1, row 3", "答案", "The answer “E” is not one of the options"),
    ),
    (
        lambda: AIKEN.encode(),
        "a.txt",
        ("第 4 行", "答案", "答案“E”不在选项中"),
        ("Line 4", "Answer", "The answer “E” is not one of the options"),
    ),
    (
        lambda: GIFT.encode(),
        "a.gift",
        ("第 1 行", "题型", "GIFT 数值题不受支持"),
        ("Line 1", "Question type", "GIFT numerical questions are not supported"),
    ),
    (
        lambda: MOODLE.encode(),
        "a.xml",
        ("第 1 题（配对）", "题型", "Moodle 匹配题（matching）不受支持"),
        (
            "Question 1 (配对)",
            "Question type",
            "Moodle matching questions (matching) are not supported",
        ),
    ),
    (
        lambda: NATIVE.encode(),
        "a.yaml",
        ("第 5 行", "答案", "答案“E”不在选项中"),
        ("Line 5", "Answer", "The answer “E” is not one of the options"),
    ),
]
IDS = ["xlsx", "csv", "txt", "docx", "docx-table", "aiken", "gift", "moodle-xml", "native"]


@contextmanager
def speaking(app, lang: str):
    """A request whose session chose ``lang`` (as the header's language switch does)."""
    with app.test_request_context():
        session["lang"] = lang
        refresh()  # the test's application context may already hold a locale
        try:
            yield
        finally:
            refresh()


def first_issue(data: bytes, filename: str) -> tuple[str, str, str]:
    issue = parse(data, filename).errors[0]
    return issue.location, issue.field, issue.message


@pytest.mark.parametrize(("make", "filename", "chinese", "english"), CASES, ids=IDS)
def test_issues_in_english_in_an_english_request(app, make, filename, chinese, english):
    with speaking(app, "en"):
        assert first_issue(make(), filename) == english


@pytest.mark.parametrize(("make", "filename", "chinese", "english"), CASES, ids=IDS)
def test_issues_in_chinese_in_a_chinese_request_and_outside_any_app(
    app, make, filename, chinese, english
):
    with speaking(app, "zh_CN"):
        assert first_issue(make(), filename) == chinese
    # the CLI: an application context without a request, default locale
    assert first_issue(make(), filename) == chinese


def test_no_application_context_gives_the_chinese_source_text():
    from flask import has_app_context

    assert not has_app_context()
    issue = parse(TEXT.encode(), "a.txt").errors[0]
    assert str(issue) == "第 5 行，答案：答案“E”不在选项中"
    with pytest.raises(ImportRejected) as caught:
        parse(OLE_SIGNATURE + b"\0" * 600 + "Workbook".encode("utf-16-le"), "a.xls")
    assert caught.value.message == "这是旧版 Excel .xls 文件，请在 Excel 中另存为 .xlsx 后再导入"


def test_issue_line_and_rejections_in_english(app):
    with speaking(app, "en"):
        issue = parse(TEXT.encode(), "a.txt").errors[0]
        assert str(issue) == "Line 5, Answer: The answer “E” is not one of the options"
        with pytest.raises(ImportRejected) as caught:
            parse(OLE_SIGNATURE + b"\0" * 600 + "Workbook".encode("utf-16-le"), "a.xls")
        assert caught.value.message.startswith("This is a legacy Excel .xls file")
        with pytest.raises(ImportRejected) as caught:
            parse(b"%PDF-1.4\n", "a.pdf")
        assert caught.value.message.startswith("PDF files cannot be imported directly")

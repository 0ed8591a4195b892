"""Import through the browser: upload → preview → confirm → result; history."""

from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.quiz.bank.models import ImportBatch, Question
from app.quiz.bank.services import banks
from tests.factories import make_user
from tests.quiz.bank.test_importing import BAD, GOOD

P = "/admin/questions"


@pytest.fixture
def admin_client(client, admin, uploads_dir):
    db.session.commit()
    client.login(admin.username)
    return client


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题库"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, filename: str, **fields):
    form = {"bank": "", "new_bank": "", "format": "auto", "on_duplicate": "skip"}
    form.update(fields)
    form["file"] = (io.BytesIO(data), filename)
    return client.post_form(f"{P}/import", form, content_type="multipart/form-data")


def count() -> int:
    return db.session.scalar(select(func.count(Question.id)))


def test_upload_preview_confirm(app, admin_client, uploads_dir):
    response = upload(admin_client, GOOD.encode(), "bank.yaml")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "文件里的题库" in page and "将新建" in page
    assert "单选题" in page and "理论学习/总体要求" in page
    assert "新增 5 道" in page
    assert "党的政治建设是党的（ ）建设。" in page and "A. 根本性" in page
    assert count() == 0  # a preview writes no questions
    token = re.search(r'/import/([A-Za-z0-9_-]{32})"', page).group(1)
    # until confirmed, the admin's to-do and the history say it waits
    assert "确认导入文件“bank.yaml”" in admin_client.get("/").get_data(as_text=True)
    history = admin_client.get(f"{P}/imports").get_data(as_text=True)
    assert 'id="pending"' in history and f"/import/{token}" in history
    assert len(list(uploads_dir.glob(f"{token}.*"))) == 2

    response = admin_client.post_form(f"{P}/import/{token}")
    batch = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/imports/{batch.id}")
    assert batch.outcome == "accepted" and batch.created_count == 5
    assert count() == 5 and banks.find_bank("文件里的题库") is not None
    assert list(uploads_dir.glob(f"{token}.*")) == []  # the kept file is gone
    result = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "导入完成：新增 5 道" in result and "已导入" in result
    # a token works once
    assert admin_client.post_form(f"{P}/import/{token}").status_code == 404
    history = admin_client.get(f"{P}/imports").get_data(as_text=True)
    assert "bank.yaml" in history and "预览" in history and "已导入" in history
    assert 'id="pending"' not in history
    assert "确认导入文件" not in admin_client.get("/").get_data(as_text=True)


def test_import_into_a_chosen_bank_updating_duplicates(app, admin_client, bank):
    db.session.commit()
    upload(admin_client, GOOD.encode(), "bank.yaml", bank=str(bank.id))
    assert count() == 0
    page = upload(
        admin_client,
        GOOD.replace("根本性建设。", "新解析").encode(),
        "bank.yaml",
        bank=str(bank.id),
        on_duplicate="update",
    ).get_data(as_text=True)
    assert bank.name in page and "将新建" not in page


MIXED = [
    ["题型", "题干", "选项A", "选项B", "答案"],
    ["单选", "第一题（ ）", "甲", "乙", "A"],
    ["单选", "第二题（ ）", "甲", "乙", "E"],
    ["选择", "第三题", "甲", "乙", "A"],
]


def test_errors_are_listed_with_row_and_column_and_nothing_is_written(
    app, admin_client, uploads_dir
):
    response = upload(admin_client, xlsx(MIXED), "bank.xlsx", new_bank="新题库")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "文件中有 2 处错误，整份文件不能导入" in page
    assert "第 3 行" in page and "答案“E”不在选项中" in page
    assert "第 4 行" in page and "未知题型" in page
    assert "确认导入" not in page
    # kept only for the skip-invalid checkbox the preview offers
    assert "只导入其余 1 道有效的题目" in page
    assert count() == 0
    batch = db.session.scalar(select(ImportBatch))
    assert batch.outcome == "rejected" and batch.error_count == 2
    detail = admin_client.get(f"{P}/imports/{batch.id}").get_data(as_text=True)
    assert "第 3 行" in detail and "被拒绝" in detail


def test_a_file_with_no_valid_question_is_not_kept(app, admin_client, uploads_dir):
    data = xlsx([MIXED[0], MIXED[2]])
    page = upload(admin_client, data, "bank.xlsx", new_bank="新题库").get_data(as_text=True)
    assert "整份文件不能导入" in page and "只导入其余" not in page
    assert list(uploads_dir.glob("*")) == [] and count() == 0


def test_preview_checkbox_imports_the_valid_questions_with_a_skipped_report(
    app, admin_client, uploads_dir
):
    page = upload(admin_client, xlsx(MIXED), "bank.xlsx", new_bank="新题库").get_data(as_text=True)
    token = re.search(r'/import/([A-Za-z0-9_-]{32})"', page).group(1)
    response = admin_client.post_form(f"{P}/import/{token}", {"skip_invalid": "1"})
    assert response.status_code == 302 and count() == 1
    batch = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    assert batch.outcome == "accepted" and batch.skip_invalid and batch.created_count == 1
    assert [r["location"] for r in batch.skipped_report] == [
        "工作表“题库”第 3 行",
        "工作表“题库”第 4 行",
    ]
    detail = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "跳过报告（2 处）" in detail and "下载跳过报告" in detail
    report = admin_client.get(f"{P}/imports/{batch.id}/skipped.xlsx")
    assert report.status_code == 200
    rows = list(load_workbook(io.BytesIO(report.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("位置", "字段", "原因")
    assert rows[1][0] == "工作表“题库”第 3 行" and "不在选项中" in rows[1][2]


def test_upload_checkbox_previews_the_skipped_report(app, admin_client, uploads_dir):
    page = upload(
        admin_client, xlsx(MIXED), "bank.xlsx", new_bank="新题库", skip_invalid="y"
    ).get_data(as_text=True)
    assert "整份文件不能导入" not in page and "确认导入" in page
    assert "跳过报告（2 处）" in page and "未知题型" in page and "新增 1 道" in page


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "bank.xls", "另存为 .xlsx"),
        (b"%PDF-1.4\n%...", "bank.pdf", "PDF 文件不能直接导入"),
        (b"", "empty.xlsx", "文件为空"),
        (b"PK\x03\x04not really a zip", "broken.xlsx", ""),
    ],
)
def test_bad_files_are_refused_with_a_message(app, admin_client, data, filename, message):
    response = upload(admin_client, data, filename, new_bank="新题库")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "整份文件不能导入" in page and message in page
    assert count() == 0


def test_files_over_20_mb_are_refused_before_parsing(app, admin_client, monkeypatch):
    from app.quiz.bank.services import importing

    def boom(*args, **kwargs):
        raise AssertionError("parsed a file that is too big")

    monkeypatch.setattr(importing, "import_file", boom)
    response = upload(admin_client, b"x" * (20 * 1024 * 1024 + 1), "big.txt", new_bank="新题库")
    assert response.status_code == 200
    assert "文件超过 20 MB" in response.get_data(as_text=True)


def test_upload_needs_a_file(app, admin_client):
    response = admin_client.post_form(f"{P}/import", {"format": "auto", "on_duplicate": "skip"})
    assert response.status_code == 200 and "请选择要导入的文件" in response.get_data(as_text=True)


def test_only_the_uploader_can_confirm(app, admin_client, uploads_dir):
    page = upload(admin_client, GOOD.encode(), "bank.yaml").get_data(as_text=True)
    token = re.search(r'/import/([A-Za-z0-9_-]{32})"', page).group(1)
    other = make_user("admin", username="qadmin2")
    db.session.commit()
    second = app.test_client()
    second.login(other.username)
    assert second.post_form(f"{P}/import/{token}").status_code == 404
    assert count() == 0


def test_confirmation_uses_the_options_chosen_at_upload(app, admin_client, bank):
    upload(admin_client, GOOD.encode(), "bank.yaml", bank=str(bank.id))
    token = re.search(
        r'/import/([A-Za-z0-9_-]{32})"',
        upload(admin_client, GOOD.encode(), "bank.yaml", bank=str(bank.id)).get_data(as_text=True),
    ).group(1)
    admin_client.post_form(f"{P}/import/{token}")
    changed = GOOD.replace("根本性建设。", "新解析").encode()
    page = upload(
        admin_client, changed, "bank.yaml", bank=str(bank.id), on_duplicate="update"
    ).get_data(as_text=True)
    assert "更新 1 道" in page
    token = re.search(r'/import/([A-Za-z0-9_-]{32})"', page).group(1)
    admin_client.post_form(f"{P}/import/{token}")
    assert db.session.scalar(select(Question).where(Question.explanation == "新解析"))
    assert banks.find_bank("文件里的题库") is None  # the chosen bank, not the file's


def test_bad_upload_errors_are_in_chinese(app, admin_client):
    response = upload(admin_client, BAD.encode(), "bad.yaml", new_bank="题库")
    assert "第 5 行" in response.get_data(as_text=True)


def test_kept_uploads_expire_after_a_day(app, uploads_dir):
    import os
    import time

    from app.quiz.bank import uploads

    assert uploads.load("x" * 32, 1) is None and not uploads_dir.exists()  # nothing created
    old = uploads.keep(b"old", {"user_id": 1})
    day_ago = time.time() - uploads.MAX_AGE_SECONDS - 60
    for path in uploads_dir.glob(f"{old}.*"):
        os.utime(path, (day_ago, day_ago))
    new = uploads.keep(b"new", {"user_id": 1})
    assert uploads.load(old, 1) is None
    assert uploads.load(new, 1) == (b"new", {"user_id": 1})
    assert uploads.load(new, 2) is None


def error_rows(page: str) -> list[tuple[str, str, str]]:
    """The preview's error table: (location, field, message) per row."""
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = re.findall(r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td>(.*?)</td></tr>", table)
    return [tuple(html.unescape(cell) for cell in row) for row in cells]


BAD_SHEET = [
    ["题型", "题干", "选项A", "选项B", "答案"],
    ["单选", "第一题（ ）", "甲", "乙", "A"],
    ["单选", "第二题（ ）", "甲", "乙", "E"],
    ["选择", "第三题", "甲", "乙", "A"],
]
BAD_TEXT = "一、单选题\n1. 党的政治建设是党的（ ）建设。\nA. 根本性\nB. 基础性\n答案：E\n"


@pytest.mark.parametrize(
    ("lang", "sheet_rows", "text_rows"),
    [
        (
            "en",
            [
                ("Sheet “题库”, row 3", "答案", "The answer “E” is not one of the options"),
                ("Sheet “题库”, row 4", "题型", "Unknown question type “选择”"),
            ],
            [("Line 5", "Answer", "The answer “E” is not one of the options")],
        ),
        (
            "zh_CN",
            [
                ("工作表“题库”第 3 行", "答案", "答案“E”不在选项中"),
                ("工作表“题库”第 4 行", "题型", "未知题型“选择”"),
            ],
            [("第 5 行", "答案", "答案“E”不在选项中")],
        ),
    ],
)
def test_upload_errors_speak_the_chosen_language(app, admin_client, lang, sheet_rows, text_rows):
    admin_client.get(f"/lang/{lang}")
    page = upload(admin_client, xlsx(BAD_SHEET), "bank.xlsx", new_bank="新题库").get_data(
        as_text=True
    )
    assert error_rows(page) == sheet_rows  # the field is the column header the file wrote
    batch = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    detail = admin_client.get(f"{P}/imports/{batch.id}").get_data(as_text=True)
    assert error_rows(detail) == sheet_rows
    page = upload(admin_client, BAD_TEXT.encode(), "bank.txt", new_bank="新题库").get_data(
        as_text=True
    )
    assert error_rows(page) == text_rows


def test_refused_files_are_explained_in_english(app, admin_client):
    admin_client.get("/lang/en")
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "Workbook".encode("utf-16-le")
    page = upload(admin_client, old_excel, "bank.xls", new_bank="新题库").get_data(as_text=True)
    assert error_rows(page) == [
        (
            "bank.xls",
            "",
            "This is a legacy Excel .xls file; save it as .xlsx in Excel and import it again",
        )
    ]
    page = upload(admin_client, b"%PDF-1.4\n", "bank.pdf", new_bank="新题库").get_data(as_text=True)
    assert "PDF files cannot be imported directly" in page and "PDF 文件" not in page


def test_preview_shows_the_importers_notes(app, admin_client, uploads_dir):
    rows = [["某单位题库"], ["题目类型", "问题内容", "选项1", "选项2", "正确选项", "难易度"]]
    rows.append(["单选题", "备注行之后的题（ ）", "A、甲", "B、乙", "B", "较难"])
    page = upload(admin_client, xlsx(rows), "other.xlsx", new_bank="别家").get_data(as_text=True)
    assert "导入时自动处理了以下情况" in page and "表头在这一行" in page
    assert "确认导入" in page and "新增 1 道" in page


def test_refuse_duplicates_from_the_upload_form(app, admin_client, uploads_dir):
    text = "一、判断题\n1. 说法甲\n答案：对\n2. 说法甲\n答案：对\n"
    page = upload(
        admin_client, text.encode(), "dups.txt", new_bank="重复", on_duplicate="refuse"
    ).get_data(as_text=True)
    assert "整份文件不能导入" in page and "与第 2 行的题目重复" in page
    kept = upload(admin_client, text.encode(), "dups.txt", new_bank="重复").get_data(as_text=True)
    assert "确认导入" in kept and "与文件中前面的题目重复，跳过" in kept


def test_the_import_page_offers_the_shipped_templates(admin_client):
    page = admin_client.get(f"{P}/import").get_data(as_text=True)
    assert 'id="import-templates"' in page
    for name in ("题库导入模板.xlsx", "题库导入示例.xlsx"):
        response = admin_client.get(f"{P}/import/templates/{name}")
        assert response.status_code == 200 and response.data[:2] == b"PK"
    # the sample imports as it is
    sample = admin_client.get(f"{P}/import/templates/题库导入示例.xlsx").data
    preview = upload(admin_client, sample, "题库导入示例.xlsx", new_bank="示例题库")
    assert "导入被拒绝" not in preview.get_data(as_text=True) and "新增 10 道" in preview.get_data(
        as_text=True
    )
    assert admin_client.get(f"{P}/import/templates/../../config.py").status_code == 404
    assert admin_client.get(f"{P}/import/templates/other.xlsx").status_code == 404

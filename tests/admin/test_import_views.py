"""The import page: errors table, success with the initial passwords, downloads."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from urllib.parse import quote

import openpyxl

from app.admin import user_import
from app.auth import services as accounts
from app.auth.demo import create_organisation
from app.extensions import db
from tests.admin.helpers import csv_bytes, read_xlsx, snapshot, xlsx_bytes

ROWS = [
    ["zhang01", "张三", "省委组织部/干部一处", "县处级", "学员", "", ""],
    ["li02", "李四", "省委组织部/干部二处", "厅局级", "中心组秘书", "", ""],
]


def upload(client, data: bytes, filename: str, **fields):
    form = {"file": (io.BytesIO(data), filename), **fields}
    return client.post_form("/admin/users/import", form, content_type="multipart/form-data")


def test_the_page_explains_the_format_and_offers_a_template(admin_client):
    page = admin_client.get("/admin/users/import").get_data(as_text=True)
    assert "不超过 10 MB" in page
    response = admin_client.get("/admin/users/import/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert read_xlsx(response.data)[0][:3] == ["登录名", "姓名", "单位"]


def test_a_gbk_csv_imports_and_shows_each_initial_password_once(admin_client, org):
    response = upload(admin_client, csv_bytes(ROWS, "gbk"), "名单.csv")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "导入完成：新建 2 人，更新 0 人。" in page
    assert "no-store" in response.headers["Cache-Control"]
    zhang = accounts.find_user("zhang01")
    shown = re.search(r"<td>zhang01</td><td>张三</td><td><code>([^<]+)</code>", page).group(1)
    assert accounts.check_password(zhang, unescape(shown))


def test_the_passwords_download_is_the_table_that_was_shown(admin_client, org):
    page = upload(admin_client, csv_bytes(ROWS), "名单.csv").get_data(as_text=True)
    posted = unescape(re.search(r'name="accounts" value="([^"]+)"', page).group(1))

    response = admin_client.post_form("/admin/users/import/passwords.xlsx", {"accounts": posted})
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_xlsx(response.data)
    assert rows[0] == ["登录名", "姓名", "初始密码"]
    passwords = {row[0]: row[2] for row in rows[1:]}
    assert set(passwords) == {"zhang01", "li02"}
    for username, password in passwords.items():
        assert accounts.check_password(accounts.find_user(username), password)
    assert json.loads(posted)[0][0] == "zhang01"


def test_a_password_that_looks_like_a_formula_stays_text_in_the_download(admin_client):
    data = json.dumps([["x1", '=HYPERLINK("http://evil")', "=1+1"]])
    response = admin_client.post_form("/admin/users/import/passwords.xlsx", {"accounts": data})
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet["C2"].value == "=1+1"
    assert sheet["C2"].data_type == "s"


def test_no_passwords_to_download_goes_back_to_the_import_page(admin_client):
    response = admin_client.post_form(
        "/admin/users/import/passwords.xlsx", {"accounts": "not json"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/users/import")


def test_errors_are_listed_by_row_and_column_and_nothing_is_imported(admin_client, org):
    rows = [ROWS[0], ["zhang01", "重复", "省委组织部/干部一处", "处级", "", "", ""]]
    before = snapshot()
    response = upload(admin_client, xlsx_bytes(rows), "名单.xlsx")

    page = response.get_data(as_text=True)
    assert "没有导入任何数据" in page
    assert "<th>行</th><th>列</th><th>原因</th>" in page
    assert "登录名“zhang01”与第 2 行重复" in page
    assert "职级“处级”无法识别" in page
    assert snapshot() == before


def test_a_file_of_the_wrong_kind_is_refused(admin_client, org):
    before = snapshot()
    page = upload(admin_client, b"%PDF-1.4", "名单.pdf").get_data(as_text=True)
    assert "只能导入 .xlsx 或 .csv 文件" in page
    assert snapshot() == before


def test_an_upload_over_the_limit_is_refused(admin_client, org, app, monkeypatch):
    monkeypatch.setitem(app.config, "USER_IMPORT_MAX_BYTES", 1024)
    before = snapshot()
    page = upload(admin_client, csv_bytes(ROWS * 40), "名单.csv").get_data(as_text=True)
    assert "文件超过 1 KB，请拆分后分批导入" in page
    assert snapshot() == before


def test_no_file_chosen_is_a_field_error(admin_client):
    page = admin_client.post_form("/admin/users/import", {}).get_data(as_text=True)
    assert "请选择要导入的 .xlsx 或 .csv 文件" in page


def test_dry_run_reports_counts_and_imports_nothing(admin_client, org):
    before = snapshot()
    page = upload(admin_client, csv_bytes(ROWS), "名单.csv", dry_run="y").get_data(as_text=True)
    assert "校验通过（未导入）：将新建 2 人，更新 0 人" in page
    assert snapshot() == before


def test_update_existing_from_the_page(admin_client, org):
    upload(admin_client, csv_bytes(ROWS), "名单.csv")
    changed = [["zhang01", "张三丰", "省委组织部/干部二处", "", "", "", ""]]

    refused = upload(admin_client, csv_bytes(changed), "名单.csv").get_data(as_text=True)
    assert "已存在" in refused
    page = upload(admin_client, csv_bytes(changed), "名单.csv", update_existing="y").get_data(
        as_text=True
    )
    assert "导入完成：新建 0 人，更新 1 人。" in page
    zhang = accounts.find_user("zhang01")
    assert (zhang.name, zhang.team) == ("张三丰", org["two"])


def test_the_template_has_a_chinese_name_and_imports_into_the_demo_unchanged(admin_client):
    create_organisation({})
    admin = accounts.find_user("admin")
    db.session.commit()
    response = admin_client.get("/admin/users/import/template.xlsx")
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" + quote("用户导入模板.xlsx") in disposition
    result = user_import.import_users(admin, response.data, "用户导入模板.xlsx", dry_run=True)
    assert result.ok, [issue.message for issue in result.issues]

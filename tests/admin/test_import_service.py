"""The user-import service: formats and encodings, every row checked first, all or nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from app.admin.user_import import import_users
from app.auth import services as accounts
from app.auth.models import User
from app.common.audit import AuditLog
from app.extensions import db
from tests.admin.helpers import HEADER, csv_bytes, snapshot, xlsx_bytes
from tests.factories import make_user

ROWS = [
    ["zhang01", "张三", "省委组织部/干部一处", "县处级", "学员", "zhang@example.cn", "13800000001"],
    ["li02", "李四", "省委组织部/干部一处/综合科", "乡科级", "学员、中心组秘书", "", ""],
    ["wang03", "王五", "省委组织部/干部二处", "", "", "", ""],
]


def user(username: str) -> User:
    return accounts.find_user(username)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_imports_in_every_encoding_excel_writes(app, org, encoding):
    result = import_users(org["admin"], csv_bytes(ROWS, encoding), "名单.csv")

    assert result.ok, result.errors
    assert (result.created, result.updated) == (3, 0)
    zhang = user("zhang01")
    assert zhang.name == "张三"
    assert zhang.team is org["one"]
    assert zhang.rank == "county"
    assert zhang.roles == {"cadre"}
    assert (zhang.email, zhang.phone) == ("zhang@example.cn", "13800000001")
    assert zhang.must_change_password
    li = user("li02")
    assert li.roles == {"cadre", "secretary"}
    assert li.secretary_teams == [org["office"]]  # a secretary oversees their own team
    wang = user("wang03")
    assert (wang.rank, wang.roles) == ("other", {"cadre"})  # the defaults


def test_each_new_account_gets_its_own_working_initial_password(app, org):
    result = import_users(org["admin"], csv_bytes(ROWS), "a.csv")

    passwords = {a.username: a.password for a in result.accounts}
    assert set(passwords) == {"zhang01", "li02", "wang03"}
    assert len(set(passwords.values())) == 3
    for username, password in passwords.items():
        assert accounts.check_password(user(username), password)


def test_password_precedence_row_then_given_then_generated(app, org):
    header = [*HEADER, "初始密码"]
    rows = [[*ROWS[0], "Row-pass-2024"], [*ROWS[1], ""]]
    result = import_users(
        org["admin"], csv_bytes(rows, header=header), "a.csv", password="Common-pass-99"
    )

    assert result.ok, result.errors
    assert accounts.check_password(user("zhang01"), "Row-pass-2024")
    assert accounts.check_password(user("li02"), "Common-pass-99")
    assert {a.username: a.password for a in result.accounts} == {
        "zhang01": "Row-pass-2024",
        "li02": "Common-pass-99",
    }


def test_xlsx_with_english_headers_a_title_row_and_numeric_phones(app, org):
    header = ["username", "name", "team", "rank", "roles", "email", "phone"]
    data = xlsx_bytes(
        [["chen04", "陈六", "省委组织部/干部二处", "bureau", "admin; cadre", None, 13912345678]],
        header=header,
        title_rows=[["2025 年干部名单"]],
    )
    result = import_users(org["admin"], data, "list.xlsx")

    assert result.ok, result.errors
    chen = user("chen04")
    assert (chen.rank, chen.roles, chen.phone) == ("bureau", {"admin", "cadre"}, "13912345678")


def test_a_successful_import_is_audited_with_its_counts(app, org):
    import_users(org["admin"], csv_bytes(ROWS), "名单.csv")

    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "users.import"))
    assert entry.actor_id == org["admin"].id
    assert entry.details["created"] == 3
    assert entry.details["updated"] == 0
    assert entry.details["filename"] == "名单.csv"
    assert "新建 3 人" in entry.summary


def test_dry_run_counts_and_writes_nothing(app, org):
    before = snapshot()
    result = import_users(org["admin"], csv_bytes(ROWS), "a.csv", dry_run=True)

    assert result.ok
    assert (result.created, result.updated) == (3, 0)
    assert snapshot() == before


def test_update_existing_changes_profile_and_roles_but_never_the_password(app, org):
    old = make_user(
        "cadre", org["two"], username="zhang01", name="旧名", rank="other", password="Old-pass-123"
    )
    old_hash = old.password_hash
    header = [*HEADER, "初始密码"]
    result = import_users(
        org["admin"],
        csv_bytes([[*ROWS[0][:4], "中心组秘书", "", "", "X-pass-999"]], header=header),
        "a.csv",
        update_existing=True,
    )

    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)
    assert result.accounts == []
    zhang = user("zhang01")
    assert (zhang.name, zhang.team, zhang.rank) == ("张三", org["one"], "county")
    assert zhang.roles == {"secretary"}
    assert zhang.secretary_teams == [org["one"]]
    assert zhang.password_hash == old_hash
    actions = set(
        db.session.scalars(
            select(AuditLog.action).where(
                AuditLog.object_type == "user", AuditLog.object_id == str(zhang.id)
            )
        )
    )
    assert {"user.update", "user.move", "user.roles"} <= actions


def test_a_moved_secretary_oversees_the_new_team_not_the_old(app, org):
    make_user(("secretary", "cadre"), org["two"], username="li02", scopes=[org["two"]])
    row = ["li02", "李四", "省委组织部/干部一处", "", "", "", ""]
    result = import_users(org["admin"], csv_bytes([row]), "a.csv", update_existing=True)

    assert result.ok, result.errors
    li = user("li02")
    assert li.roles == {"secretary", "cadre"}
    assert li.secretary_teams == [org["one"]]


def _issues(result):
    return [(issue.row, issue.column, issue.message) for issue in result.errors]


BAD_FILES = {
    "not a spreadsheet": (b"login,name\n", "名单.txt", "只能导入 .xlsx 或 .csv 文件"),
    "old excel": (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "名单.xls", "不支持旧版 Excel"),
    "xlsx that is not one": (b"this is not a zip", "名单.xlsx", "不是有效的 .xlsx 文件"),
    "encrypted or old xlsx": (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "名单.xlsx", "旧版 Excel"),
    "empty": (b"", "名单.csv", "文件为空"),
    "header only": (csv_bytes([]), "名单.csv", "没有用户数据"),
    "no header": ("张三,李四\n".encode(), "名单.csv", "没有找到表头"),
    "missing team column": ("登录名,姓名\nzhang01,张三\n".encode(), "名单.csv", "缺少必填列：单位"),
    "bad encoding": (
        b"\xe7\x99\xbb\xe5\xbd\x95\xe5\x90\x8d,name\n\x80\xff,x\n",
        "名单.csv",
        "无法识别文件编码",
    ),
    "utf-16 without bom": (
        "登录名,姓名,单位\n".encode("utf-16-le"),
        "名单.csv",
        "无法识别文件编码",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_file_that_cannot_be_read_is_refused_with_a_chinese_message(app, org, case):
    data, filename, message = BAD_FILES[case]
    before = snapshot()
    result = import_users(org["admin"], data, filename)

    assert not result.ok
    assert len(result.errors) == 1
    assert result.errors[0].row is None
    assert message in result.errors[0].message
    assert snapshot() == before


def test_a_file_over_the_configured_limit_is_refused(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "USER_IMPORT_MAX_BYTES", 100)
    before = snapshot()
    result = import_users(org["admin"], csv_bytes(ROWS), "a.csv")

    assert _issues(result) == [(None, "", "文件超过 100 字节，请拆分后分批导入")]
    assert snapshot() == before


def test_the_default_limit_is_ten_megabytes(app, org):
    result = import_users(org["admin"], b"x" * (10 * 1024 * 1024 + 1), "a.csv")
    assert result.errors[0].message == "文件超过 10 MB，请拆分后分批导入"


def test_every_bad_row_is_reported_and_nothing_is_imported(app, org):
    make_user("cadre", org["one"], username="taken")
    rows = [
        ROWS[0],
        ["zhang01", "张三二", "省委组织部/干部一处", "", "", "", ""],  # duplicate in the file
        ["taken", "已有", "省委组织部/干部一处", "", "", "", ""],  # exists already
        ["new05", "新人", "省委组织部/不存在的处", "", "", "", ""],  # unknown team
        ["new06", "新人", "省委组织部/干部一处", "副部级", "", "", ""],  # bad rank
        ["new07", "新人", "省委组织部/干部一处", "", "局长", "", ""],  # bad role
        ["new08", "", "", "", "", "bad-mail", "abc"],  # no name, no team, bad email, phone
        ["a b", "新人", "省委组织部/干部一处", "", "", "", ""],  # bad login name
    ]
    before = snapshot()
    result = import_users(org["admin"], csv_bytes(rows, "gbk"), "名单.csv")

    issues = _issues(result)
    assert (3, "登录名", "登录名“zhang01”与第 2 行重复") in issues
    assert (4, "登录名", "登录名“taken”已存在（如需更新已有账号，请选择“更新已有账号”）") in issues
    assert any(row == 5 and col == "单位" and "不存在的处" in msg for row, col, msg in issues)
    assert any(row == 6 and col == "职级" and "副部级" in msg for row, col, msg in issues)
    assert any(row == 7 and col == "角色" and "局长" in msg for row, col, msg in issues)
    assert (8, "姓名", "姓名不能为空") in issues
    assert (8, "单位", "单位不能为空") in issues
    assert any(row == 8 and col == "邮箱" for row, col, _m in issues)
    assert any(row == 8 and col == "电话" for row, col, _m in issues)
    assert any(row == 9 and col == "登录名" for row, col, _m in issues)
    assert not any(row == 2 for row, _c, _m in issues)  # the good row has no issue
    assert snapshot() == before


def test_xlsx_errors_name_the_excel_row_and_the_header_as_written(app, org):
    header = ["工号", "姓名（必填）", "单位", "职级"]
    data = xlsx_bytes(
        [["x1", "甲", "省委组织部/干部一处", "正处"]], header=header, title_rows=[["名单"], []]
    )
    result = import_users(org["admin"], data, "a.xlsx")

    assert [(i.row, i.column) for i in result.errors] == [(4, "职级")]
    assert str(result.errors[0]).startswith("第 4 行，“职级”列：职级“正处”无法识别")


def test_a_weak_common_password_is_refused_before_anything_is_written(app, org):
    before = snapshot()
    result = import_users(org["admin"], csv_bytes(ROWS), "a.csv", password="12345678")

    assert _issues(result)[0][:2] == (None, "统一初始密码")
    assert snapshot() == before


def test_a_weak_row_password_is_reported_on_its_row(app, org):
    header = [*HEADER, "初始密码"]
    result = import_users(
        org["admin"], csv_bytes([[*ROWS[0], "zhang01pass"]], header=header), "a.csv"
    )
    assert _issues(result) == [(2, "初始密码", "密码不能包含登录名")]


def test_an_inactive_team_is_refused(app, org):
    org["two"].active = False
    result = import_users(org["admin"], csv_bytes([ROWS[2]]), "a.csv")
    assert _issues(result) == [(2, "单位", "单位“省委组织部/干部二处”已停用")]


def test_a_csv_that_is_really_an_xlsx_says_so(app, org):
    result = import_users(org["admin"], xlsx_bytes([ROWS[0]]), "a.csv")
    assert "扩展名改为 .xlsx" in result.errors[0].message


def test_tab_separated_utf16_from_excel_unicode_text(app, org):
    lines = ["\t".join(HEADER)] + ["\t".join(row) for row in ROWS]
    data = "\r\n".join(lines).encode("utf-16")  # with BOM
    result = import_users(org["admin"], data, "a.csv")
    assert result.ok, result.errors
    assert result.created == 3


def test_xlsx_reads_the_first_sheet_with_a_header(app, org):
    workbook = openpyxl.Workbook()
    workbook.active.title = "填写说明"
    workbook.active.append(["请按第二张表填写"])
    data_sheet = workbook.create_sheet("名单")
    data_sheet.append(HEADER)
    data_sheet.append(ROWS[0])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_users(org["admin"], buffer.getvalue(), "a.xlsx")
    assert result.ok, result.errors
    assert (result.created, result.sheet) == (1, "名单")


def test_an_xlsx_without_a_header_anywhere_is_refused(app, org):
    result = import_users(org["admin"], xlsx_bytes([["a", "b"]], header=["甲", "乙"]), "a.xlsx")
    assert "没有找到表头" in result.errors[0].message


def test_a_column_given_twice_is_refused(app, org):
    data = csv_bytes([["x1", "甲", "乙", "省委组织部"]], header=["登录名", "姓名", "name", "单位"])
    result = import_users(org["admin"], data, "a.csv")
    assert result.errors[0].message == "表头中“姓名”和“name”是同一列，请只保留一个"


def test_an_xlsx_that_expands_too_far_is_refused(app, org, monkeypatch):
    monkeypatch.setattr("app.admin.import_table.MAX_UNZIPPED_BYTES", 1000)
    result = import_users(org["admin"], xlsx_bytes([ROWS[0]]), "a.xlsx")
    assert "解压后过大" in result.errors[0].message

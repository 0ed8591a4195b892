"""``flask users import`` and ``flask users create-admin``: output and exit codes."""

from __future__ import annotations

from app.auth import services as accounts
from tests.admin.helpers import csv_bytes, read_xlsx, snapshot, xlsx_bytes

ROWS = [
    ["zhang01", "张三", "省委组织部/干部一处", "县处级", "学员", "", ""],
    ["li02", "李四", "省委组织部/干部二处", "", "", "", ""],
]


def run(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=["users", *map(str, args)], **kwargs)


def test_import_prints_counts_and_passwords_and_exits_zero(app, org, tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(csv_bytes(ROWS, "gbk"))

    result = run(app, "import", path, "--password", "Start-2025-ok")

    assert result.exit_code == 0, result.output
    assert "导入完成，新建 2 人，更新 0 人" in result.output
    assert "zhang01\t张三\tStart-2025-ok" in result.output
    zhang = accounts.find_user("zhang01")
    assert zhang.must_change_password
    assert accounts.check_password(zhang, "Start-2025-ok")


def test_import_errors_name_file_row_and_column_and_exit_one(app, org, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx_bytes([ROWS[0], ["x", "无单位", "省委组织部/无此处", "", "", "", ""]]))
    before = snapshot()

    result = run(app, "import", path)

    assert result.exit_code == 1
    assert "没有导入任何数据" in result.output
    assert f"{path}：第 3 行，“登录名”列：登录名应为" in result.output
    assert f"{path}：第 3 行，“单位”列：单位“省委组织部/无此处”不存在" in result.output
    assert snapshot() == before


def test_import_of_an_unreadable_file_exits_one(app, org, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = run(app, "import", path)
    assert result.exit_code == 1
    assert f"{path}：文件为空" in result.output


def test_import_of_a_missing_file_is_a_usage_error(app, tmp_path):
    result = run(app, "import", tmp_path / "nope.csv")
    assert result.exit_code == 2


def test_dry_run_changes_nothing(app, org, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(ROWS))
    before = snapshot()
    result = run(app, "import", path, "--dry-run")
    assert result.exit_code == 0
    assert "校验通过（未导入），将新建 2 人，更新 0 人" in result.output
    assert snapshot() == before


def test_update_existing_and_passwords_out(app, org, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(ROWS))
    out = tmp_path / "passwords.xlsx"
    assert run(app, "import", path, "--passwords-out", out).exit_code == 0
    rows = read_xlsx(out.read_bytes())
    assert [r[0] for r in rows] == ["登录名", "zhang01", "li02"]
    assert accounts.check_password(accounts.find_user("li02"), rows[2][2])

    assert run(app, "import", path).exit_code == 1  # they exist now
    result = run(app, "import", path, "--update-existing")
    assert result.exit_code == 0
    assert "新建 0 人，更新 2 人" in result.output


def test_create_admin_prompts_for_the_password(app, org):
    result = run(
        app, "create-admin", "root2", "系统管理员", input="Admin-pass-2025\nAdmin-pass-2025\n"
    )

    assert result.exit_code == 0, result.output
    user = accounts.find_user("root2")
    assert user.roles == {"admin"}
    assert not user.must_change_password
    assert accounts.check_password(user, "Admin-pass-2025")


def test_create_admin_with_a_weak_password_or_taken_name_exits_one(app, org):
    result = run(app, "create-admin", "root3", "甲", "--password", "short")
    assert result.exit_code == 1
    assert "密码至少 8 位" in result.output
    assert accounts.find_user("root3") is None

    result = run(app, "create-admin", "boss", "甲", "--password", "Admin-pass-2025")
    assert result.exit_code == 1
    assert "已存在" in result.output


def test_create_admin_in_a_team(app, org):
    result = run(
        app,
        "create-admin",
        "root4",
        "乙",
        "--password",
        "Admin-pass-2025",
        "--team",
        "省委组织部/干部一处",
    )
    assert result.exit_code == 0
    assert accounts.find_user("root4").team is org["one"]
    result = run(
        app, "create-admin", "root5", "乙", "--password", "Admin-pass-2025", "--team", "无此单位"
    )
    assert result.exit_code == 1

"""The audit log page: admin actions are recorded, shown in Shanghai time, filtered, paged."""

from __future__ import annotations

import io
import re
from datetime import datetime

from sqlalchemy import select

from app.common import audit
from app.common.audit import AuditLog
from app.extensions import db
from tests.admin.helpers import csv_bytes
from tests.factories import make_user


def summaries(client, **params) -> list[str]:
    page = client.get("/admin/audit", query_string=params).get_data(as_text=True)
    body = page.split("<tbody>", 1)[1]
    return re.findall(r"</td>\s*<td>([^<]*)</td>\s*<td class=\"small\">", body)


def test_admin_actions_through_the_pages_are_recorded_with_the_actor(admin_client, org):
    cadre = make_user("cadre", org["one"], username="c1")
    db.session.commit()
    admin_client.post_form(f"/admin/users/{cadre.id}/deactivate", {})
    admin_client.post_form(
        "/admin/teams/new",
        {"name": "新处", "parent": str(org["root"].id), "kind": "team", "sort_order": "0"},
    )
    admin_client.post_form(
        "/admin/users/import",
        {
            "file": (
                io.BytesIO(csv_bytes([["n1", "新", "省委组织部/干部一处", "", "", "", ""]])),
                "a.csv",
            )
        },
        content_type="multipart/form-data",
    )
    entries = {
        e.action: e
        for e in db.session.scalars(select(AuditLog).where(AuditLog.actor_id == org["admin"].id))
    }
    assert {"user.deactivate", "team.create", "users.import", "user.create"} <= set(entries)
    assert entries["user.deactivate"].object_type == "user"
    assert entries["user.deactivate"].object_id == str(cadre.id)

    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "停用 c1" in page
    assert "管理员甲" in page
    assert f'href="/admin/users/{cadre.id}/edit">用户 #{cadre.id}</a>' in page
    # readable labels, not codes
    assert "停用用户" in page and "批量导入用户" in page and "<code>user.deactivate" not in page


def _entry(actor, action, summary, at, obj=None):
    entry = audit.record(actor, action, obj, summary, detail="值")
    entry.at = at
    return entry


def test_filters_by_actor_action_prefix_object_type_and_local_dates(admin_client, org):
    other = make_user("admin", org["root"], username="boss2")
    team = org["one"]
    _entry(org["admin"], "user.create", "甲建用户", datetime(2025, 3, 1, 2, 0))
    _entry(other, "user.roles", "乙调角色", datetime(2025, 3, 1, 17, 0))  # 3-02 01:00 Shanghai
    _entry(other, "team.update", "乙改单位", datetime(2025, 3, 3, 12, 0), obj=team)
    _entry(None, "users.import", "系统导入", datetime(2025, 3, 4, 12, 0))
    db.session.commit()

    def only(**params):
        found = [
            s
            for s in summaries(admin_client, **params)
            if s in {"甲建用户", "乙调角色", "乙改单位", "系统导入"}
        ]
        return found

    assert only() == ["系统导入", "乙改单位", "乙调角色", "甲建用户"]  # newest first
    assert only(actor="boss2") == ["乙改单位", "乙调角色"]
    assert only(action="user.") == ["乙调角色", "甲建用户"]
    assert only(action="users") == ["系统导入"]
    assert only(object_type="team") == ["乙改单位"]
    assert only(since="2025-03-02", until="2025-03-02") == ["乙调角色"]
    assert only(since="2025-03-01", until="2025-03-01") == ["甲建用户"]
    assert only(until="2025-03-01") == ["甲建用户"]


def test_an_unknown_actor_shows_nothing_and_says_why(admin_client, org):
    page = admin_client.get("/admin/audit?actor=nobody").get_data(as_text=True)
    assert "没有登录名为“nobody”的用户" in page
    assert "没有符合条件的记录" in page


def test_a_bad_date_is_a_field_error_not_a_crash(admin_client, org):
    response = admin_client.get("/admin/audit?since=2025-13-45")
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True)


def test_times_are_shown_in_shanghai_with_details(admin_client, org):
    _entry(org["admin"], "user.update", "时间测试", datetime(2025, 1, 1, 20, 30, 5))
    db.session.commit()
    page = admin_client.get("/admin/audit?action=user.update").get_data(as_text=True)
    assert "2025-01-02 04:30:05" in page
    assert 'detail</span>: <span class="xk-code">值</span>' in page


def test_one_objects_history_from_the_user_page(admin_client, org):
    cadre = make_user("cadre", org["one"], username="c9")
    db.session.commit()
    page = admin_client.get(f"/admin/users/{cadre.id}/edit").get_data(as_text=True)
    assert f"/admin/audit?object_type=user&amp;object_id={cadre.id}" in page
    admin_client.post_form(f"/admin/users/{cadre.id}/deactivate", {})
    found = summaries(admin_client, object_type="user", object_id=cadre.id)
    assert found == ["停用 c9", "创建用户 c9（" + cadre.name + "）"]


def test_the_log_pages(admin_client, org, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(5):
        _entry(org["admin"], "x.test", f"第{n}条", datetime(2025, 1, 1, 0, n))
    db.session.commit()
    assert summaries(admin_client, action="x.test") == ["第4条", "第3条"]
    assert summaries(admin_client, action="x.test", page=3) == ["第0条"]

"""User pages: list and filters, create, edit (roles, scopes, team), reset, deactivate."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from app.auth import services as accounts
from app.auth.models import User
from app.common.audit import AuditLog
from app.extensions import db
from tests.admin.helpers import snapshot
from tests.factories import PASSWORD, make_user


def edit_data(user: User, **changes) -> dict:
    data = {
        "name": user.name,
        "rank": user.rank,
        "team": str(user.team_id or ""),
        "email": user.email,
        "phone": user.phone,
        "roles": sorted(user.roles),
        "secretary_teams": [str(s.team_id) for s in user.scope_rows],
        "active": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def audit_actions(user: User) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditLog.action)
            .where(AuditLog.object_type == "user", AuditLog.object_id == str(user.id))
            .order_by(AuditLog.id)
        )
    )


# ------------------------------------------------------------------ list


def test_list_filters_by_text_team_subtree_role_rank_and_state(admin_client, org):
    make_user("cadre", org["one"], username="zhao", name="赵一", rank="county")
    make_user("cadre", org["office"], username="qian", name="钱二", rank="township")
    make_user(("secretary", "cadre"), org["two"], username="sun", name="孙三", scopes=[org["two"]])
    make_user("cadre", org["two"], username="li", name="李四", active=False)
    db.session.commit()

    def listed(**params) -> set[str]:
        page = admin_client.get("/admin/users", query_string=params).get_data(as_text=True)
        return set(re.findall(r'<td><a href="/admin/users/\d+/edit">([^<]+)</a></td>', page))

    assert listed() == {"boss", "zhao", "qian", "sun", "li"}
    assert listed(q="赵") == {"zhao"}
    assert listed(q="QIA") == {"qian"}
    assert listed(q="%") == set()  # a LIKE wildcard is searched for literally
    assert listed(team=org["one"].id) == {"zhao", "qian"}  # includes 综合科 under 干部一处
    assert listed(role="secretary") == {"sun"}
    assert listed(rank="township") == {"qian"}
    assert listed(active="0") == {"li"}
    assert listed(active="1", team=org["two"].id) == {"sun"}


def test_list_pages(admin_client, org, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(4):
        make_user("cadre", org["one"], username=f"p{n}")
    db.session.commit()
    first = admin_client.get("/admin/users").get_data(as_text=True)
    third = admin_client.get("/admin/users?page=3").get_data(as_text=True)
    assert "共 5 人" in first
    assert "page=3" in first
    assert ">p3</a>" in third and ">boss</a>" not in third


# ------------------------------------------------------------------ create


def test_create_with_a_chosen_password(admin_client, org):
    response = admin_client.post_form(
        "/admin/users/new",
        {
            "username": "new01",
            "name": "新人",
            "password": "First-pass-1",
            "rank": "county",
            "team": str(org["one"].id),
            "roles": ["cadre"],
        },
    )
    user = accounts.find_user("new01")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/users/{user.id}/edit")
    assert (user.team, user.rank, user.must_change_password) == (org["one"], "county", True)
    assert accounts.check_password(user, "First-pass-1")
    assert audit_actions(user) == ["user.create"]


def test_create_without_a_password_shows_a_generated_one_once(admin_client, org):
    response = admin_client.post_form(
        "/admin/users/new",
        {
            "username": "new02",
            "name": "新人",
            "rank": "other",
            "team": "",
            "roles": ["cadre"],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "密码只显示这一次" in page
    shown = unescape(re.search(r'id="shown-password">([^<]+)<', page).group(1))
    assert accounts.check_password(accounts.find_user("new02"), shown)


def test_create_errors_go_on_their_fields_and_create_nothing(admin_client, org):
    before = snapshot()
    page = admin_client.post_form(
        "/admin/users/new",
        {
            "username": "boss",
            "name": "重名",
            "rank": "other",
            "team": "",
            "roles": ["cadre"],
        },
    ).get_data(as_text=True)
    assert "登录名“boss”已存在" in page
    page = admin_client.post_form(
        "/admin/users/new",
        {
            "username": "new03",
            "name": "秘书",
            "rank": "other",
            "team": "",
            "roles": ["secretary"],
        },
    ).get_data(as_text=True)
    assert "中心组秘书须指定负责的单位" in page
    page = admin_client.post_form(
        "/admin/users/new",
        {
            "username": "new04",
            "name": "弱密码",
            "password": "password1",
            "rank": "other",
            "team": "",
            "roles": ["cadre"],
        },
    ).get_data(as_text=True)
    assert "密码过于常见" in page
    assert snapshot() == before


# ------------------------------------------------------------------ edit


def test_edit_moves_a_user_and_makes_them_a_secretary_with_scopes(admin_client, org):
    cadre = make_user("cadre", org["one"], username="c1")
    db.session.commit()
    response = admin_client.post_form(
        f"/admin/users/{cadre.id}/edit",
        edit_data(
            cadre,
            name="新名字",
            team=str(org["two"].id),
            roles=["cadre", "secretary"],
            secretary_teams=[str(org["two"].id), str(org["office"].id)],
        ),
    )
    assert response.status_code == 302
    db.session.refresh(cadre)
    assert (cadre.name, cadre.team) == ("新名字", org["two"])
    assert cadre.roles == {"cadre", "secretary"}
    assert {t.id for t in cadre.secretary_teams} == {org["two"].id, org["office"].id}
    assert audit_actions(cadre)[-3:] == ["user.move", "user.update", "user.roles"]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.roles"))
    assert entry.actor_id == org["admin"].id
    assert entry.details["after"]["roles"] == ["cadre", "secretary"]


def test_removing_the_secretary_role_drops_the_scopes(admin_client, org):
    sec = make_user(("secretary", "cadre"), org["one"], username="s1", scopes=[org["one"]])
    db.session.commit()
    admin_client.post_form(f"/admin/users/{sec.id}/edit", edit_data(sec, roles=["cadre"]))
    db.session.refresh(sec)
    assert sec.roles == {"cadre"}
    assert sec.scope_rows == []


def test_a_rejected_edit_changes_nothing_at_all(admin_client, org):
    cadre = make_user("cadre", org["one"], username="c2", name="原名")
    db.session.commit()
    before = snapshot()
    page = admin_client.post_form(
        f"/admin/users/{cadre.id}/edit",
        edit_data(
            cadre,
            name="改了名",
            team=str(org["two"].id),
            roles=["secretary"],
            secretary_teams=[],
        ),
    ).get_data(as_text=True)
    assert "中心组秘书须指定负责的单位" in page
    assert snapshot() == before  # the name and team were not saved either


def test_an_admin_cannot_drop_their_own_admin_role_or_deactivate_themselves(admin_client, org):
    me = org["admin"]
    page = admin_client.post_form(
        f"/admin/users/{me.id}/edit", edit_data(me, roles=["cadre"])
    ).get_data(as_text=True)
    assert "不能取消自己的管理员角色" in page
    page = admin_client.post_form(
        f"/admin/users/{me.id}/edit", edit_data(me, active=None)
    ).get_data(as_text=True)
    assert "不能停用自己的账号" in page
    response = admin_client.post_form(f"/admin/users/{me.id}/deactivate", {}, follow_redirects=True)
    assert "不能停用自己的账号" in response.get_data(as_text=True)
    db.session.refresh(me)
    assert me.active and me.is_admin


def test_edit_of_an_unknown_user_is_404(admin_client):
    assert admin_client.get("/admin/users/99999/edit").status_code == 404


# ------------------------------------------------------------------ password, active


def test_reset_to_a_chosen_password_forces_a_change(admin_client, org, app):
    cadre = make_user("cadre", org["one"], username="c3")
    db.session.commit()
    response = admin_client.post_form(
        f"/admin/users/{cadre.id}/password", {"password": "Reset-pass-77"}
    )
    assert response.status_code == 302
    db.session.refresh(cadre)
    assert cadre.must_change_password
    assert accounts.check_password(cadre, "Reset-pass-77")
    assert "user.reset_password" in audit_actions(cadre)
    fresh = app.test_client()
    assert fresh.login("c3", "Reset-pass-77").headers["Location"].endswith("/account/password")


def test_reset_with_a_generated_password_shows_it_once(admin_client, org):
    cadre = make_user("cadre", org["one"], username="c4")
    db.session.commit()
    page = admin_client.post_form(f"/admin/users/{cadre.id}/password", {"password": ""}).get_data(
        as_text=True
    )
    shown = unescape(re.search(r'id="shown-password">([^<]+)<', page).group(1))
    db.session.refresh(cadre)
    assert accounts.check_password(cadre, shown)
    assert not accounts.check_password(cadre, PASSWORD)


def test_a_weak_reset_password_is_refused(admin_client, org):
    cadre = make_user("cadre", org["one"], username="c5")
    db.session.commit()
    page = admin_client.post_form(
        f"/admin/users/{cadre.id}/password", {"password": "c5c5c5c5-x"}
    ).get_data(as_text=True)
    assert "密码不能包含登录名" in page
    db.session.refresh(cadre)
    assert accounts.check_password(cadre, PASSWORD)


def test_deactivate_then_activate(admin_client, org, app):
    cadre = make_user("cadre", org["one"], username="c6")
    db.session.commit()
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert 'data-confirm="确定停用 c6（' in page

    response = admin_client.post_form(
        f"/admin/users/{cadre.id}/deactivate", {"next": "/admin/users?q=c6"}
    )
    assert response.headers["Location"] == "/admin/users?q=c6"
    db.session.refresh(cadre)
    assert not cadre.active
    assert app.test_client().login("c6").status_code == 401

    admin_client.post_form(f"/admin/users/{cadre.id}/activate", {"next": "https://evil.example/"})
    db.session.refresh(cadre)
    assert cadre.active
    assert audit_actions(cadre)[-2:] == ["user.deactivate", "user.activate"]


def test_a_secretary_sees_no_admin_menu_and_is_refused(client, org):
    make_user(("secretary", "cadre"), org["one"], username="sec1", scopes=[org["one"]])
    db.session.commit()
    client.login("sec1")
    assert "用户管理" not in client.get("/").get_data(as_text=True)
    for url in ("/admin/users", "/admin/teams", "/admin/audit", "/admin/users/import"):
        assert client.get(url).status_code == 403
    response = client.post_form(f"/admin/users/{org['admin'].id}/deactivate", {})
    assert response.status_code == 403
    db.session.refresh(org["admin"])
    assert org["admin"].active

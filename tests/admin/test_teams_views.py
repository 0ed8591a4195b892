"""Team pages: the tree with counts, create, edit and move (the subtree follows), activate."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.auth.models import Team
from app.common.audit import AuditLog
from app.extensions import db
from tests.admin.helpers import snapshot
from tests.factories import make_team, make_user


def team_data(team: Team, **changes) -> dict:
    data = {
        "name": team.name,
        "parent": str(team.parent_id or ""),
        "kind": team.kind,
        "sort_order": str(team.sort_order),
    }
    data.update(changes)
    return data


def test_tree_is_indented_with_member_counts(admin_client, org):
    make_user("cadre", org["one"])
    make_user("cadre", org["office"])
    make_user("cadre", org["office"])
    make_user("cadre", org["office"], active=False)
    db.session.commit()
    page = admin_client.get("/admin/teams").get_data(as_text=True)

    rows = re.findall(
        r'<td class="xk-tree-indent-(\d)">.*?>([^<]+)</a>\s*</td>.*?'
        r'<td class="text-end">(\d+)</td>\s*<td class="text-end">(\d+)</td>',
        page,
        re.S,
    )
    assert rows == [
        ("0", "省委组织部", "1", "4"),  # the admin sits at the top
        ("1", "干部一处", "1", "3"),
        ("2", "综合科", "2", "2"),
        ("1", "干部二处", "0", "0"),
    ]


def test_create_a_team_under_a_parent(admin_client, org):
    page = admin_client.get(f"/admin/teams/new?parent={org['two'].id}").get_data(as_text=True)
    assert f'<option selected value="{org["two"].id}">' in page

    response = admin_client.post_form(
        "/admin/teams/new",
        {"name": "干部三处", "parent": str(org["two"].id), "kind": "unit", "sort_order": "3"},
    )
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.name == "干部三处"))
    assert team.parent is org["two"]
    assert team.path == f"{org['two'].path}{team.id}/"
    assert (team.kind, team.sort_order) == ("unit", 3)


def test_create_errors_are_on_the_name_and_change_nothing(admin_client, org):
    before = snapshot()
    for name, message in (
        ("干部一处", "同一上级下已有名为“干部一处”的单位"),
        ("甲/乙", "名称中不能有“/”"),
    ):
        page = admin_client.post_form(
            "/admin/teams/new",
            {
                "name": name,
                "parent": str(org["root"].id),
                "kind": "team",
                "sort_order": "0",
            },
        ).get_data(as_text=True)
        assert message in page
    assert snapshot() == before


def test_moving_a_team_moves_its_subtree(admin_client, org):
    deep = make_team("档案室", parent=org["office"])
    db.session.commit()
    response = admin_client.post_form(
        f"/admin/teams/{org['one'].id}/edit", team_data(org["one"], parent=str(org["two"].id))
    )
    assert response.status_code == 302
    for team in (org["one"], org["office"], deep):
        db.session.refresh(team)
    two = org["two"].path
    assert org["one"].path == f"{two}{org['one'].id}/"
    assert org["office"].path == f"{two}{org['one'].id}/{org['office'].id}/"
    assert deep.path == f"{org['office'].path}{deep.id}/"
    assert deep.full_name == "省委组织部/干部二处/干部一处/综合科/档案室"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "team.move"))
    assert entry.object_id == str(org["one"].id)


def test_a_team_cannot_move_under_itself(admin_client, org):
    page = admin_client.get(f"/admin/teams/{org['one'].id}/edit").get_data(as_text=True)
    assert f'value="{org["office"].id}"' not in page  # its subtree is not offered
    before = snapshot()
    page = admin_client.post_form(
        f"/admin/teams/{org['one'].id}/edit", team_data(org["one"], parent=str(org["office"].id))
    )
    assert snapshot() == before
    assert page.status_code == 200


def test_deactivate_refuses_a_team_with_active_members_then_works(admin_client, org):
    member = make_user("cadre", org["office"])
    db.session.commit()
    response = admin_client.post_form(
        f"/admin/teams/{org['one'].id}/deactivate", {}, follow_redirects=True
    )
    assert "还有 1 名在用人员" in response.get_data(as_text=True)
    db.session.refresh(org["one"])
    assert org["one"].active

    member.active = False
    db.session.commit()
    admin_client.post_form(f"/admin/teams/{org['one'].id}/deactivate", {})
    db.session.refresh(org["one"])
    assert not org["one"].active
    page = admin_client.get("/admin/teams").get_data(as_text=True)
    assert "确定启用单位“省委组织部/干部一处”吗？" in page
    admin_client.post_form(f"/admin/teams/{org['one'].id}/activate", {})
    db.session.refresh(org["one"])
    assert org["one"].active


def test_an_inactive_team_is_not_offered_for_new_members(admin_client, org):
    org["two"].active = False
    db.session.commit()
    page = admin_client.get("/admin/users/new").get_data(as_text=True)
    assert f'value="{org["two"].id}"' not in page
    assert f'value="{org["one"].id}"' in page

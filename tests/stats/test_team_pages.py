from tests.factories import make_team, make_user


def test_secretary_sees_the_subtree_roster_not_other_teams(app, client):
    unit = make_team("某单位", kind="unit")
    team = make_team("某单位领导班子", parent=unit)
    sub = make_team("下属班子", parent=team)
    other = make_team("别的单位", kind="unit")
    make_user("cadre", team, name="张三")
    make_user("cadre", sub, name="李四")
    make_user("cadre", other, name="王五")
    make_user("cadre", team, name="停用者", active=False)
    make_user(("secretary", "cadre"), team, username="sec1", scopes=[team])

    client.login("sec1")
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "张三" in page and "李四" in page
    assert "王五" not in page and "停用者" not in page
    assert client.get(f"/teams/{other.id}").status_code == 403
    assert client.get("/teams/999999").status_code == 404

    listing = client.get("/teams/").get_data(as_text=True)
    assert "下属班子" in listing and "别的单位" not in listing


def test_roster_shows_post_progress_and_links_to_the_member(app, client):
    from app.extensions import db
    from tests.stats.world import build_world

    world = build_world()
    world.users["甲一"].post = "办公室主任"
    db.session.commit()
    client.login("w-sec-a")
    page = client.get(f"/teams/{world.unit_a.id}").get_data(as_text=True)
    assert "办公室主任" in page and "xk-stack-table" in page
    assert f"/teams/{world.unit_a.id}/members/{world.users['甲一'].id}" in page
    detail = client.get(f"/teams/{world.unit_a.id}/members/{world.users['甲一'].id}")
    assert "理论水平测试" in detail.get_data(as_text=True)
    roster = client.get(f"/teams/{world.unit_a.id}.csv").data.decode("utf-8-sig")
    assert "办公室主任" in roster and "乙一" not in roster
    assert client.get(f"/teams/{world.unit_b.id}.csv").status_code == 403
    other = world.users["乙一"]
    assert client.get(f"/teams/{world.unit_a.id}/members/{other.id}").status_code == 404
    assert client.get(f"/teams/{world.unit_b.id}/members/{other.id}").status_code == 403

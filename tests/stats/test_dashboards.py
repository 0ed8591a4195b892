"""Dashboards: the secretary's scope, the admin's drill-down and rank filter, the cadre's own
figures, the reminder, the ranking setting, exports with formula-looking cells neutralised."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.common import figures as registry
from app.common.timeutil import to_local, utcnow
from app.extensions import db
from app.notify.models import Notification
from app.stats import dashboard
from app.stats.tables import Table, to_csv, to_xlsx
from tests.factories import make_user
from tests.stats.world import build_world


@pytest.fixture
def world(app):
    world = build_world()
    db.session.commit()
    return world


def _q(world):
    return f"start={world.period.start}&end={world.period.end}"


def test_secretary_dashboard_shows_only_their_teams(world, client):
    client.login("w-sec-a")
    text = client.get(f"/stats/?{_q(world)}").get_data(as_text=True)
    assert "甲单位" in text and "乙单位" not in text
    assert "考试参与率" in text and "必修课程完成率" in text
    assert "甲三" in text and "有考试尚未参加" in text  # who needs a reminder
    assert "乙一" not in text
    assert client.get(f"/stats/?team={world.unit_b.id}").status_code == 403
    assert client.get(f"/stats/dashboard.xlsx?team={world.unit_b.id}").status_code == 403
    book = load_workbook(io.BytesIO(client.get(f"/stats/dashboard.xlsx?{_q(world)}").data))
    cells = {c.value for sheet in book for row in sheet.iter_rows() for c in row}
    assert "甲三" in cells and "乙一" not in cells


def test_bad_period_is_a_message_not_an_error(world, client):
    client.login("w-sec-a")
    response = client.get("/stats/?start=2026-13-01&end=x")
    assert response.status_code == 200
    assert "不是有效日期" in response.get_data(as_text=True)


def test_one_click_reminder_notifies_the_member(world, client):
    client.login("w-sec-a")
    member = world.users["甲三"]
    response = client.post_form(f"/stats/teams/{world.unit_a.id}/remind/{member.id}", data={})
    assert response.status_code == 302
    assert db.session.query(Notification).filter_by(user_id=member.id).count() == 1
    other = world.users["乙一"]
    assert (
        client.post_form(f"/stats/teams/{world.unit_a.id}/remind/{other.id}", data={}).status_code
        == 404
    )


def test_admin_overview_drills_down_and_filters_by_rank(world, client):
    client.login("w-admin")
    text = client.get(f"/stats/overview?{_q(world)}").get_data(as_text=True)
    assert "甲单位" in text and "乙单位" in text
    text = client.get(f"/stats/overview?team={world.unit_a.id}&{_q(world)}").get_data(as_text=True)
    assert "甲班子" in text
    text = client.get(f"/stats/overview?team={world.team_a1.id}&{_q(world)}").get_data(as_text=True)
    assert "甲二" in text and "名次" not in text  # no individual ranking by default
    client.post_form("/stats/settings", data={"individual_ranking": "1"})
    text = client.get(f"/stats/overview?team={world.team_a1.id}&{_q(world)}").get_data(as_text=True)
    assert "名次" in text
    assert client.get("/stats/overview?rank=nope").status_code == 200


def test_rank_filter_counts_only_that_rank(world):
    world.users["甲一"].rank = "township"
    db.session.flush()
    table = dashboard.teams_table([world.unit_a], world.period, "t", rank="county")
    row = table.rows[0]
    participation = table.headings.index("考试参与率")
    assert row[1] == 2 and row[participation] == 0  # 甲二 and 甲三: neither submitted
    township = dashboard.teams_table([world.unit_a], world.period, "t", rank="township").rows[0]
    completion = table.headings.index("必修课程完成率")
    # 甲一 alone: the level test and the late exam submitted, the required course completed
    assert township[1] == 1 and township[participation] == 1 and township[completion] == 1


def test_rank_figures_grouped_in_sql_equal_the_sums_of_the_members(world):
    """The providers' rank-filtered team query agrees with adding up that rank's members."""
    world.users["甲二"].rank = "township"
    db.session.flush()
    for rank in ("county", "township"):
        people = [
            u.id
            for u in dashboard.members(world.root)
            if u.rank == rank and u.team.is_within(world.unit_a)
        ]
        by_user = registry.member_figures(people, world.period)
        grouped = {
            f.key: f
            for f in registry.team_figures([world.unit_a.id], world.period, rank=rank)[
                world.unit_a.id
            ]
        }
        for key in ("exams.participation", "exams.pass_rate", "courses.completion"):
            members = [f for uid in people for f in by_user[uid] if f.key == key]
            assert grouped[key].numerator == sum(f.numerator for f in members), (rank, key)
            assert grouped[key].denominator == sum(f.denominator for f in members), (rank, key)


def test_cadre_sees_own_figures_against_team_average(world, client):
    client.login("w-a1")
    text = client.get(f"/stats/me?{_q(world)}").get_data(as_text=True)
    assert "本班子平均" in text and "理论水平测试" in text
    assert "乙一" not in text and "甲二" not in text


def test_exports_neutralise_formula_looking_cells():
    table = Table("t", ["名称", "比率"], [['=HYPERLINK("x")', 0.5], ["@SUM(A1)", None]], (1,))
    text = to_csv([table]).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text and "50.0" in text
    sheet = load_workbook(io.BytesIO(to_xlsx([table]))).active
    assert sheet["A2"].value == '\'=HYPERLINK("x")' and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 50.0


def test_composite_index_ranks_units_by_weighted_rates(world, client):
    table = dashboard.teams_table([world.unit_a, world.unit_b], world.period, "t")
    plain = dashboard.composite(table, {})
    assert plain.headings[-1] == "综合指数"
    # every rate figure registered (the check-in feature's too) out, participation alone in
    weights = {key: 0 for key, _heading in dashboard.rate_columns_of(table)}
    weights["exams.participation"] = 2
    weighted = dashboard.composite(table, weights)
    by_name = {row[0]: row[-1] for row in weighted.rows}
    assert by_name == {"甲单位": 0.5, "乙单位": 1.0}  # participation only: 2/4 and 1/1
    assert weighted.rows[0][0] == "乙单位"
    client.login("w-admin")
    bad = client.post_form("/stats/settings", data={"weight:exams.pass_rate": "x"})
    assert bad.status_code == 302
    assert "不是数字" in client.get("/stats/overview").get_data(as_text=True)
    client.post_form("/stats/settings", data={"weight:exams.pass_rate": "3"})
    text = client.get(
        f"/stats/overview?start={world.period.start}&end={world.period.end}"
    ).get_data(as_text=True)
    assert 'name="weight:exams.pass_rate"' in text and 'value="3.0"' in text


def test_trend_shows_every_rate_figure_for_each_of_the_secretarys_teams(world, client):
    both = make_user(
        ("secretary",), world.root, username="w-sec-ab", scopes=[world.unit_a, world.unit_b]
    )
    db.session.commit()
    trends = dashboard.trend_tables([world.unit_a, world.unit_b], world.period)
    overview = dashboard.teams_table([world.unit_a], world.period, "t")
    rates = [overview.headings[i] for i in overview.rate_columns]
    assert len(rates) >= 4  # courses' and exams' rates at least
    for table in trends:
        assert table.headings == ["月份", *rates]
    month = to_local(utcnow()).strftime("%Y-%m")
    column = trends[0].headings.index("考试参与率")
    [row_a] = [r for r in trends[0].rows if r[0] == month]
    [row_b] = [r for r in trends[1].rows if r[0] == month]
    # 甲单位: the level test (甲一 submitted, 甲二 in progress, 甲三 not started) and the
    # late exam (甲一 submitted): 2 of 4 pairs; 乙单位: 乙一 submitted the level test
    assert row_a[column] == 0.5 and row_b[column] == 1

    client.login(both.username)
    text = client.get(f"/stats/?{_q(world)}").get_data(as_text=True)
    assert "甲单位逐月趋势" in text and "乙单位逐月趋势" in text
    assert text.count('class="xk-chart"') >= 3  # the units' chart and one per trend
    book = load_workbook(io.BytesIO(client.get(f"/stats/dashboard.xlsx?{_q(world)}").data))
    assert {"甲单位逐月趋势", "乙单位逐月趋势"} <= set(book.sheetnames)


def test_the_dashboards_one_registry_call_gives_the_tables_of_two(world):
    teams, trend_teams = [world.unit_a, world.unit_b], [world.unit_a, world.root]
    table, trends = dashboard.teams_and_trends(teams, trend_teams, world.period, "t")
    alone = dashboard.teams_table(teams, world.period, "t")
    assert (table.headings, table.rows) == (alone.headings, alone.rows)
    apart = dashboard.trend_tables(trend_teams, world.period)
    assert [(t.title, t.headings, t.rows) for t in trends] == [
        (t.title, t.headings, t.rows) for t in apart
    ]
    assert any(row[1:] != [None] * (len(row) - 1) for row in table.rows)

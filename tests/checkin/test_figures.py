"""Centre-group figures for the registry (team subtree, member, record lines) and the
standings read from them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.checkin.services import attendance, lectures, reflections, selfstudy, sessions, standings
from app.checkin.services import figures as checkin_figures
from app.common import figures as registry
from app.common.figures import Period
from tests.checkin.factories import START, make_plan, make_session
from tests.factories import make_team, make_user

TEXT = "悟" * 200
AFTER = START + timedelta(days=1)
YEAR = Period.year(2027)


def _by_key(items):
    return {f.key: f for f in items}


@pytest.fixture
def year_of_study(world):
    sec, team = world["sec"], world["team_a"]
    cadre, cadre2 = world["cadre"], world["cadre2"]
    make_plan(sec, team, items=4)  # four sessions promised
    first = make_session(sec, team)
    second = make_session(sec, team, starts_at=START + timedelta(days=7))
    make_session(sec, team, starts_at=START + timedelta(days=60))  # not held yet
    sessions.add_speaker(sec, first, speaker=cadre, role="lead", title="领学")
    sessions.add_speaker(sec, second, speaker=cadre, role="lead", title="领学")
    sessions.add_speaker(sec, first, speaker=cadre2, role="report", title="述学")
    for member in (cadre, cadre2, sec):
        attendance.mark(sec, first, member, "present")
    attendance.mark(sec, second, cadre, "present")
    attendance.mark(sec, second, cadre2, "leave", reason="出差")
    reflections.submit_on_session(cadre, first, "体会", TEXT, now=AFTER)
    selfstudy.record(
        cadre, date(2027, 3, 11), 90, selfstudy.Material("book", title="书"), now=AFTER
    )
    lectures.record(
        sec, team, cadre, lectures.LectureFields(date(2027, 3, 1), "一支部", "党课", 20), now=AFTER
    )
    return first, second


def test_team_figures_cover_the_subtree(world, year_of_study):
    now = START + timedelta(days=30)
    root = world["root"]
    found = checkin_figures.team_figures([world["team_a"].id, root.id], YEAR, now=now)
    for team_id in (world["team_a"].id, root.id):
        assert set(_by_key(found[team_id])) == set(checkin_figures.KEYS) - {"checkin.reports"}
    team = _by_key(found[world["team_a"].id])
    assert (team["checkin.sessions"].numerator, team["checkin.sessions"].denominator) == (2, 4)
    assert team["checkin.leads"].numerator == 2 and team["checkin.lead_members"].numerator == 1
    assert (team["checkin.report_share"].numerator, team["checkin.report_share"].denominator) == (
        1,
        3,
    )
    assert (team["checkin.attendance"].numerator, team["checkin.attendance"].denominator) == (4, 6)
    assert (team["checkin.reflections"].numerator, team["checkin.reflections"].denominator) == (
        1,
        6,
    )
    assert team["checkin.self_study"].value == 30  # 90 minutes over three members
    assert (team["checkin.lectures"].numerator, team["checkin.lectures"].denominator) == (1, 3)
    whole = _by_key(found[root.id])  # team B's two members count, with none of A's figures
    assert whole["checkin.attendance"].denominator == 6
    assert whole["checkin.lectures"].denominator == 6


def test_team_figures_of_one_rank_count_only_its_members(world, year_of_study):
    now = START + timedelta(days=30)
    world["cadre2"].rank = "township"  # the report-study speaker, on leave at the second
    team_id = world["team_a"].id
    county = _by_key(checkin_figures.team_figures([team_id], YEAR, now=now, rank="county")[team_id])
    township = _by_key(
        checkin_figures.team_figures([team_id], YEAR, now=now, rank="township")[team_id]
    )
    # sessions held and planned are the team's, whatever the rank
    assert (county["checkin.sessions"].numerator, county["checkin.sessions"].denominator) == (2, 4)
    # cadre and sec: both led or attended; cadre2 is the township member
    assert county["checkin.report_share"].numerator == 0
    assert county["checkin.report_share"].denominator == 2
    assert (county["checkin.attendance"].numerator, county["checkin.attendance"].denominator) == (
        3,
        4,
    )
    assert county["checkin.self_study"].value == 45  # cadre's 90 minutes over two members
    assert township["checkin.report_share"].value == 1
    assert township["checkin.lead_members"].numerator == 0


def test_member_figures_and_record(app, world, year_of_study):
    now = START + timedelta(days=30)
    cadre = world["cadre"]
    mine = _by_key(checkin_figures.member_figures([cadre.id], YEAR, now=now)[cadre.id])
    assert (mine["checkin.attendance"].numerator, mine["checkin.attendance"].denominator) == (2, 2)
    assert mine["checkin.leads"].numerator == 2 and mine["checkin.reports"].numerator == 0
    assert mine["checkin.self_study"].numerator == 90
    assert (mine["checkin.lectures"].numerator, mine["checkin.lectures"].denominator) == (1, 1)
    with app.test_request_context():
        lines = registry.member_record(cadre.id, YEAR)
    kinds = [e.kind for e in lines if e.source == "checkin"]
    assert sorted(kinds) == ["lecture", "reflection", "self_study", "session", "session"]
    session_lines = [e for e in lines if e.kind == "session"]
    assert {e.role for e in session_lines} == {"lead"}
    assert all("出席" in e.detail and "领学" in e.detail for e in session_lines)


def test_the_provider_is_registered(app):
    assert "checkin" in {p.name for p in registry.providers()}


def test_standings_against_the_quota(world, year_of_study):
    now = START + timedelta(days=30)
    team_standing = standings.team_standing(world["team_a"], 2027, now=now)
    by_label = {line.label: line for line in team_standing.lines}
    assert by_label["开展中心组学习"].met is False  # 2 of 4
    members = {m.member.username: m for m in team_standing.members}
    cadre = {line.label: line for line in members["k-cadre"].lines}
    assert cadre["出勤率"].met is True and cadre["讲党课"].met is True
    assert cadre["心得体会"].met is False  # 1 of 2
    cadre2 = {line.label: line for line in members["k-cadre2"].lines}
    assert cadre2["出勤率"].met is False  # 1 of 2: on leave once
    assert not members["k-cadre2"].met


def test_a_member_of_a_subteam_counts_for_the_parent(world):
    sub = make_team("甲班子下属", parent=world["team_a"])
    make_user("cadre", sub, username="k-sub")
    found = checkin_figures.team_figures([world["team_a"].id], YEAR)
    assert _by_key(found[world["team_a"].id])["checkin.report_share"].denominator == 4


def test_a_trend_in_one_query_equals_each_month_asked_alone(world, year_of_study):
    now = START + timedelta(days=61)  # the third session has been held too
    ids = [world["team_a"].id, world["root"].id]
    months = [Period(date(2027, m, 1), date(2027 + (m == 12), m % 12 + 1, 1)) for m in range(1, 13)]
    for rank in (None, "county"):
        together = checkin_figures.team_figures_periods(ids, months, now=now, rank=rank)
        alone = [checkin_figures.team_figures(ids, m, now=now, rank=rank) for m in months]
        assert together == alone
    held = [_by_key(answer[ids[0]])["checkin.sessions"].numerator for answer in together]
    assert sum(held) == 3 and max(held) < 3  # the sessions fall in different months


def test_a_trend_across_a_year_end_uses_each_years_quota(world, year_of_study):
    from app.checkin.services import quotas

    defaults = {name: getattr(quotas.Quota(2028), name) for name in quotas.FIELDS}
    quotas.set_quota(world["admin"], 2028, {**defaults, "reflections": 5, "lectures": 0})
    ids = [world["team_a"].id]
    spans = [
        Period(date(2027, 12, 1), date(2028, 1, 1)),
        Period(date(2028, 1, 1), date(2028, 2, 1)),
    ]
    december, january = checkin_figures.team_figures_periods(ids, spans)
    members = _by_key(december[ids[0]])["checkin.report_share"].denominator
    assert _by_key(december[ids[0]])["checkin.reflections"].denominator == members * 2
    assert _by_key(january[ids[0]])["checkin.reflections"].denominator == members * 5
    # no lectures asked in 2028: every member meets it
    assert _by_key(january[ids[0]])["checkin.lectures"].value == 1
    assert _by_key(december[ids[0]])["checkin.lectures"].value == 0


def test_a_person_leading_in_two_teams_of_a_subtree_counts_once(world, year_of_study):
    now = START + timedelta(days=30)
    sub = make_team("甲班子下属", parent=world["team_a"])
    make_user("cadre", sub, username="k-sub")
    elsewhere = make_session(world["sec"], sub, starts_at=START + timedelta(days=3))
    world["cadre"].team_id = sub.id  # moved down after leading twice in team A
    sessions.add_speaker(world["sec"], elsewhere, speaker=world["cadre"], role="lead", title="领学")
    ids = [world["team_a"].id, sub.id, world["root"].id]
    found = checkin_figures.team_figures(ids, YEAR, now=now)
    team, below, root = (_by_key(found[i]) for i in ids)
    assert below["checkin.leads"].numerator == 1 and below["checkin.lead_members"].numerator == 1
    # three lead speeches in team A's subtree, all by the same cadre
    assert team["checkin.leads"].numerator == 3 and team["checkin.lead_members"].numerator == 1
    assert root["checkin.lead_members"].numerator == 1

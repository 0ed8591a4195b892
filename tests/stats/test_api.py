"""The statistics JSON: scoped like the pages, shaped as the OpenAPI document says."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.openapi import assert_response_matches
from tests.stats.world import build_world

URL = "/api/v1/stats/teams/{team_id}/figures"


@pytest.fixture
def world(app):
    world = build_world()
    db.session.commit()
    return world


def test_secretary_gets_own_team_figures_only(world, client):
    client.login("w-sec-a")
    query = f"?start={world.period.start}&end={world.period.end}"
    ok = client.get(URL.format(team_id=world.unit_a.id) + query)
    assert_response_matches(ok, URL, "GET")
    figures = {f["key"]: f for f in ok.json["figures"]}
    assert figures["exams.participation"]["numerator"] == 2
    assert figures["exams.pass_rate"]["value"] == 1
    other = client.get(URL.format(team_id=world.unit_b.id))
    assert other.status_code == 403
    assert_response_matches(other, URL, "GET")
    bad = client.get(URL.format(team_id=world.unit_a.id) + "?start=x&end=y")
    assert bad.status_code == 422
    assert_response_matches(bad, URL, "GET")
    assert client.get(URL.format(team_id=999999)).status_code == 404


def test_cadre_gets_no_team_figures(world, client):
    client.login("w-a1")
    assert client.get(URL.format(team_id=world.unit_a.id)).status_code == 403

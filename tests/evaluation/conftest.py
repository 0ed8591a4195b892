"""Fixtures: unit A with its team (six cadres and a secretary), unit B with its team, an
assessor scoped to each unit, an administrator."""

from __future__ import annotations

import pytest

from tests.evaluation.factories import make_assessor
from tests.factories import make_team, make_user


@pytest.fixture
def world(app):
    root = make_team("根部门", kind="department")
    unit_a = make_team("甲单位", parent=root, kind="unit")
    team_a = make_team("甲单位领导班子", parent=unit_a)
    unit_b = make_team("乙单位", parent=root, kind="unit")
    team_b = make_team("乙单位领导班子", parent=unit_b)
    cadres = [make_user("cadre", team_a, username=f"e-cadre{i}") for i in range(6)]
    return {
        "root": root,
        "team_a": team_a,
        "team_b": team_b,
        "cadres": cadres,
        "cadre": cadres[0],
        "sec": make_user(("secretary", "cadre"), team_a, username="e-sec", scopes=[team_a]),
        "outsider": make_user("cadre", team_b, username="e-out"),
        "admin": make_user("admin", root, username="e-admin"),
        "assessor": make_assessor(unit_a, username="e-ass", team=root),
        "assessor2": make_assessor(unit_a, username="e-ass2", team=root),
        "other_assessor": make_assessor(unit_b, username="e-oass", team=root),
    }

"""Fixtures of the course tests: a world of two teams, and attachments in a temporary
folder."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.courses.factories import assign, make_course
from tests.factories import make_team, make_user


@pytest.fixture(autouse=True)
def attachment_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "COURSE_ATTACHMENT_DIR", str(folder))
    return folder


@pytest.fixture
def world(app):
    """Team A (two cadres, a secretary) and team B (a cadre, a secretary) under one root;
    a published course assigned to team A."""
    root = make_team("根单位", kind="department")
    team_a = make_team("甲班子", parent=root)
    team_b = make_team("乙班子", parent=root)
    admin = make_user("admin", root, username="c-admin")
    people = {
        "root": root,
        "team_a": team_a,
        "team_b": team_b,
        "admin": admin,
        "cadre": make_user("cadre", team_a, username="c-cadre", rank="county"),
        "cadre2": make_user("cadre", team_a, username="c-cadre2", rank="township"),
        "sec": make_user(("secretary", "cadre"), team_a, username="c-sec", scopes=[team_a]),
        "outsider": make_user("cadre", team_b, username="c-out", rank="county"),
        "other_sec": make_user(("secretary", "cadre"), team_b, username="c-osec", scopes=[team_b]),
    }
    course = make_course(admin, slug="study", title="学习课程")
    people["course"] = course
    people["assignment"] = assign(admin, course, team=team_a)
    db.session.flush()
    return people

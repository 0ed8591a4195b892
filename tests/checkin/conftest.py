"""Fixtures of the centre-group tests: team A (two cadres and its secretary), team B (a
cadre and its secretary), an administrator; the clock pinned where a test needs it."""

from __future__ import annotations

import pytest

from tests.factories import make_team, make_user


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    """Speakers' outline files (and course attachments) in a temporary folder."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "COURSE_ATTACHMENT_DIR", str(folder))
    return folder


@pytest.fixture
def world(app):
    root = make_team("根部门", kind="department")
    team_a = make_team("甲班子", parent=root)
    team_b = make_team("乙班子", parent=root)
    return {
        "root": root,
        "team_a": team_a,
        "team_b": team_b,
        "admin": make_user("admin", root, username="k-admin"),
        "cadre": make_user("cadre", team_a, username="k-cadre"),
        "cadre2": make_user("cadre", team_a, username="k-cadre2"),
        "sec": make_user(("secretary", "cadre"), team_a, username="k-sec", scopes=[team_a]),
        "outsider": make_user("cadre", team_b, username="k-out"),
        "other_sec": make_user(("secretary", "cadre"), team_b, username="k-osec", scopes=[team_b]),
    }

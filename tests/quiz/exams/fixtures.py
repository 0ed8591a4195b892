"""Fixtures of the exam tests; test modules load them with
the ``conftest.py`` of the packages that use them."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories import make_team, make_user
from tests.quiz.exams.factories import Api


@pytest.fixture
def exam_team(app):
    return make_team("考试测试班子")


@pytest.fixture
def cadre(app, exam_team):
    return make_user("cadre", exam_team, username="e-cadre", name="应考干部")


@pytest.fixture
def other_cadre(app, exam_team):
    return make_user("cadre", exam_team, username="e-other", name="另一干部")


@pytest.fixture
def exam_admin(app):
    return make_user("admin", username="e-admin", name="考试管理员")


@pytest.fixture
def api(app, cadre):
    db.session.commit()
    return Api(app.test_client(), cadre)


@pytest.fixture
def other_api(app, other_cadre):
    db.session.commit()
    return Api(app.test_client(), other_cadre)

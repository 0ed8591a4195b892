"""The weekly digest: each secretary gets their team's figures for last week against the week
before, read through the figures registry, once per week."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.common import figures
from app.extensions import db
from app.notify import digest, jobs
from app.notify.models import Notification
from tests.factories import make_team, make_user


@pytest.fixture
def provider():
    saved = dict(figures._providers)
    seen = []

    def team_figures(team_ids, period):
        seen.append(period)
        done = 3 if period.start == date(2026, 3, 2) else 1
        return {
            t: [
                figures.Figure("test.done", "完成率", done, 4, unit="rate"),
                figures.Figure("test.minutes", "学习分钟", 90 * done, unit="minutes"),
            ]
            for t in team_ids
        }

    figures._providers.clear()
    figures.register_figure_provider(figures.FigureProvider("test", team_figures=team_figures))
    yield seen
    figures._providers.clear()
    figures._providers.update(saved)


def test_each_secretary_gets_last_week_against_the_one_before(app, provider):
    team = make_team("示范班子")
    sec = make_user("secretary", team, name="秘书", scopes=[team])
    make_user("cadre", team)
    monday = datetime(2026, 3, 9, 0, 0)  # 08:00 Shanghai, Monday 9 March
    with time_machine.travel(monday, tick=False):
        assert digest.send_weekly_digest() == 1
        assert digest.send_weekly_digest() == 0  # once a week
    (note,) = db.session.scalars(select(Notification)).all()
    assert note.user_id == sec.id and note.kind == "digest.weekly"
    assert "2026-03-02 至 2026-03-08" in note.message
    assert "完成率 75%（前一周 25%）" in note.message
    assert "学习分钟 270（前一周 90）" in note.message
    assert provider[0] == figures.Period(date(2026, 3, 2), date(2026, 3, 9))


def test_the_digest_job_is_scheduled_weekly(app):
    spec = jobs.find_job("notify.weekly_digest")
    assert spec.trigger == "cron" and spec.options["day_of_week"] == app.config["DIGEST_WEEKDAY"]

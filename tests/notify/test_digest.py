"""The weekly digest: each secretary gets their team's figures for last week against the week
before, read through the figures registry, once per week."""

from __future__ import annotations

from datetime import date, datetime
from email import message_from_bytes

import pytest
import time_machine
from flask_babel import gettext
from sqlalchemy import select

from app.common import figures
from app.extensions import db
from app.notify import digest, jobs, tasks
from app.notify.models import Notification
from bench.sinks import smtp_server
from tests.factories import make_team, make_user
from tests.notify.test_outbox import body_parts, email_user


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


@pytest.fixture
def translated_provider():
    """A provider as the real ones are: labels through gettext when it is called."""
    saved = dict(figures._providers)

    def team_figures(team_ids, period):
        leads = 3 if period.start == date(2026, 3, 2) else 1
        return {t: [figures.Figure("test.leads", gettext("领学次数"), leads)] for t in team_ids}

    figures._providers.clear()
    figures.register_figure_provider(figures.FigureProvider("test", team_figures=team_figures))
    yield
    figures._providers.clear()
    figures._providers.update(saved)


def test_each_secretary_reads_the_digest_in_their_language(app, mail_config, translated_provider):
    """The digest, its lines and its figures' labels follow the reader: the email in the
    secretary's chosen language, the inbox in the language the reader is using."""
    team = make_team("示范班子")
    english = email_user(team, language="en", role="secretary", scopes=[team])
    chinese = email_user(team, role="secretary", scopes=[team])
    monday = datetime(2026, 3, 9, 0, 0)
    with smtp_server() as (port, inbox), time_machine.travel(monday, tick=False):
        mail_config(port)
        assert digest.send_weekly_digest() == 2
        assert tasks.send_outbox()["sent"] == 2
    by_to = {e.rcpt_tos[0]: body_parts(message_from_bytes(e.content)) for e in inbox.messages}
    en, zh = by_to[english.email]["text/plain"], by_to[chinese.email]["text/plain"]
    assert "示范班子 weekly study digest (2026-03-02 to 2026-03-08)" in en
    assert "Lead-studies 3 (week before: 1)" in en
    assert "简报" not in en and "领学" not in en and "前一周" not in en
    assert "示范班子 每周学习简报（2026-03-02 至 2026-03-08）：领学次数 3（前一周 1）" in zh
    assert "Lead-studies" not in zh
    db.session.commit()
    for user, lang, expected, other in (
        (chinese, "en", "Lead-studies 3 (week before: 1)", "前一周"),
        (english, "zh_CN", "领学次数 3（前一周 1）", "Lead-studies"),
    ):
        client = app.test_client()
        client.get(f"/lang/{lang}")
        client.login(user.username)
        page = client.get("/notifications/").get_data(as_text=True)
        assert expected in page and other not in page, lang


def test_a_week_without_figures_says_so_in_the_readers_language(app, mail_config):
    saved = dict(figures._providers)
    figures._providers.clear()
    try:
        team = make_team()
        english = email_user(team, language="en", role="secretary", scopes=[team])
        with smtp_server() as (port, inbox), time_machine.travel(datetime(2026, 3, 9), tick=False):
            mail_config(port)
            assert digest.send_weekly_digest() == 1
            assert tasks.send_outbox()["sent"] == 1
    finally:
        figures._providers.update(saved)
    (email,) = inbox.messages
    text = body_parts(message_from_bytes(email.content))["text/plain"]
    assert "No study figures for the week" in text and "该周" not in text
    assert english.email == email.rcpt_tos[0]

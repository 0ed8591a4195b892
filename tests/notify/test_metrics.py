"""/metrics carries the outbox backlog and the scheduler's outcomes (scraped by operators)."""

from __future__ import annotations

from datetime import timedelta

from app.common.timeutil import utcnow
from app.extensions import db
from app.notify.models import Delivery, JobRun


def _scrape(app, client) -> str:
    app.config["METRICS_TOKEN"] = "scrape-secret"
    try:
        response = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    finally:
        app.config["METRICS_TOKEN"] = ""
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_backlog_and_job_outcomes_are_scraped(app, client):
    now = utcnow()
    db.session.add_all(
        [
            Delivery(channel="email", recipient="a@example.org", status="pending"),
            Delivery(channel="email", recipient="b@example.org", status="pending"),
            Delivery(channel="robot", recipient="http://127.0.0.1/", status="failed"),
            Delivery(channel="email", recipient="c@example.org", status="sent"),
            JobRun(job="exams.remind_opened", outcome="ok", started_at=now),
            JobRun(job="exams.remind_opened", outcome="error", started_at=now),
            JobRun(job="exams.remind_opened", outcome="ok", started_at=now),
            JobRun(job="notify.deliver", outcome="ok", started_at=now - timedelta(days=2)),
        ]
    )
    db.session.commit()
    body = _scrape(app, client)
    assert 'xuekao_outbox_deliveries{channel="email",status="pending"} 2.0' in body
    assert 'xuekao_outbox_deliveries{channel="robot",status="failed"} 1.0' in body
    assert 'status="sent"' not in body
    assert 'xuekao_job_runs_last_day{job="exams.remind_opened",outcome="ok"} 2.0' in body
    assert 'xuekao_job_runs_last_day{job="exams.remind_opened",outcome="error"} 1.0' in body
    assert "notify.deliver" not in body  # two days ago
    # one HELP line per name however many label sets it has
    assert body.count("# HELP xuekao_outbox_deliveries ") == 1

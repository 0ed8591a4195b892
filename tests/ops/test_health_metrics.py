"""/healthz, /readyz, /metrics and the request log, in-process."""

from __future__ import annotations

import json
import logging

from sqlalchemy import text

from app.extensions import db
from app.ops.health import migration_heads
from tests.factories import make_team, make_user
from tests.quiz.exams.factories import make_exam, make_paper, right_responses


def _stamp_head():
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    for head in migration_heads():
        db.session.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
    db.session.commit()


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_says_why_the_schema_is_not_ready_then_ready_at_head(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"]["ok"] is False
    _stamp_head()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"]["redis"] == {"ok": True, "skipped": "not configured"}


def test_readyz_refuses_a_schema_behind_the_code(client):
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    db.session.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "0001" in response.json["checks"]["database"]["error"]


def test_metrics_need_the_token(app, client):
    app.config["METRICS_TOKEN"] = "scrape-secret"
    try:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        client.get("/login")
        ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    finally:
        app.config["METRICS_TOKEN"] = ""
    assert ok.status_code == 200
    body = ok.get_data(as_text=True)
    assert 'xuekao_http_requests_total{endpoint="auth.login",method="GET",status="200"}' in body
    assert 'xuekao_http_request_duration_seconds_bucket{endpoint="auth.login"' in body
    assert "xuekao_attempts_in_progress 0.0" in body
    assert "xuekao_db_pool_connections" in body or app.config["BACKEND"]


def test_one_json_line_per_request_with_the_user(client, caplog):
    team = make_team()
    user = make_user("cadre", team, username="logged")
    db.session.commit()
    client.login("logged")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="xuekao.request"):
        response = client.get("/", headers={"X-Request-ID": "proxy-request-0001"})
    assert response.headers["X-Request-ID"] == "proxy-request-0001"
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "xuekao.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "proxy-request-0001"
    assert line["user_id"] == user.id
    assert line["route"] == "/" and line["status"] == 200 and line["method"] == "GET"
    assert line["duration_ms"] >= 0 and line["time"].endswith("+00:00")


def test_a_made_up_request_id_is_replaced(client, caplog):
    with caplog.at_level(logging.INFO, logger="xuekao.request"):
        response = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    given = response.headers["X-Request-ID"]
    assert len(given) == 32 and "<" not in given
    (line,) = [json.loads(r.getMessage()) for r in caplog.records if r.name == "xuekao.request"]
    assert line["user_id"] is None and line["request_id"] == given


def test_an_answer_save_is_logged_with_its_user(app, api, cadre, exam_team, caplog):
    """The line is written through the logger's handlers and filters (``_log_line`` skips
    only the caller lookup), and names the user of the light login check the save uses (a
    ``SessionUser``, not the ORM's ``User``)."""
    questions = make_paper()
    exam = make_exam(questions=questions, teams=[exam_team])
    db.session.commit()
    state = api.start(exam).json
    question_id, response = next(iter(right_responses(state, questions).items()))
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="xuekao.request"):
        saved = api.save(state["attempt_id"], question_id, response, seq=1)
    assert saved.status_code == 200 and saved.json["applied"] is True
    (line,) = [json.loads(r.getMessage()) for r in caplog.records if r.name == "xuekao.request"]
    assert line["endpoint"] == "quiz_api.save_answer" and line["user_id"] == cadre.id
    assert line["status"] == 200

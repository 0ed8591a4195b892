"""The database goes away, fills up or turns read-only: requests get a 503 with a Chinese
message (never a 500, never a trace), nothing is reported saved that was not, and the app
comes back by itself when the database does."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.quiz.exams.models import AttemptAnswer
from bench.databases import normalise_pg_url, scratch_pg_database
from tests.conftest import Client
from tests.factories import PASSWORD, make_team, make_user
from tests.ops import private_pg
from tests.ops.tcp_proxy import TcpProxy
from tests.quiz.exams.factories import Api, make_exam

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _refuse_writes(backend: str) -> None:
    """SQLite: the connection turns read-only. PostgreSQL: every answer write fails as on a
    full disk (SQLSTATE 53100), which is what a full disk looks like to the app."""
    if backend == "sqlite":
        db.session.connection().exec_driver_sql("PRAGMA query_only=ON")
        return
    db.session.execute(
        text(
            "CREATE FUNCTION xk_disk_full() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$"
        )
    )
    db.session.execute(
        text(
            "CREATE TRIGGER xk_disk_full BEFORE INSERT OR UPDATE ON exam_attempt_answers "
            "FOR EACH ROW EXECUTE FUNCTION xk_disk_full()"
        )
    )
    db.session.commit()


def _allow_writes(backend: str) -> None:
    if backend == "sqlite":
        db.session.connection().exec_driver_sql("PRAGMA query_only=OFF")


def test_a_save_the_database_cannot_write_is_reported_unsaved(app, api, exam_team, backend):
    exam = make_exam(teams=[exam_team])
    db.session.commit()
    state = api.start(exam).json
    attempt_id, question = state["attempt_id"], state["questions"][2]  # any question
    assert api.save(attempt_id, question["id"], True, seq=1).status_code == 200
    _refuse_writes(backend)
    try:
        refused = api.save(attempt_id, question["id"], False, seq=2)
    finally:
        _allow_writes(backend)
    assert refused.status_code == 503
    assert refused.json["message"] == "数据库暂时无法访问，本次操作没有保存。请稍后重试。"
    assert "saved_at" not in refused.json and "Traceback" not in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "5"
    db.session.expire_all()
    stored = db.session.query(AttemptAnswer).filter_by(attempt_id=attempt_id).one()
    assert stored.seq == 1  # the refused save left the acknowledged one as it was


@pytest.fixture
def proxied_app():
    """An app on its own scratch PostgreSQL database, reached through a proxy that the
    test can take down."""
    with _app_through_proxy(pre_ping=True) as (app, proxy):
        yield app, proxy


@contextmanager
def _app_through_proxy(*, pre_ping: bool):
    if not PG_URL:
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL)")
    with scratch_pg_database(PG_URL, "xuekao_outage") as url:
        real = make_url(normalise_pg_url(url))
        proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
        proxy.up()
        proxied = real.set(host="127.0.0.1", port=proxy.port)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": proxied.render_as_string(hide_password=False),
                "SQLALCHEMY_ENGINE_OPTIONS": {
                    "pool_pre_ping": pre_ping,
                    "connect_args": {"connect_timeout": 2},
                },
            }
        )
        app.test_client_class = Client
        with app.app_context():
            db.create_all()
            make_user("cadre", make_team(), username="outage")
            db.session.commit()
        try:
            yield app, proxy
        finally:
            proxy.down()
            with app.app_context():
                db.engine.dispose()


def test_database_down_is_a_503_in_chinese_and_the_app_recovers(proxied_app):
    app, proxy = proxied_app
    client = app.test_client()
    with app.app_context():
        login = client.post("/api/v1/auth/login", json={"username": "outage", "password": PASSWORD})
        assert login.status_code == 200
        assert client.get("/api/v1/auth/me").status_code == 200

        proxy.down()
        api = client.get("/api/v1/auth/me")
        assert api.status_code == 503
        assert api.json["message"] == "数据库暂时无法访问，本次操作没有保存。请稍后重试。"
        page = client.get("/")
        assert page.status_code == 503
        body = page.get_data(as_text=True)
        assert "服务暂时不可用" in body and "Traceback" not in body
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json["checks"]["database"]["ok"] is False

        proxy.up()  # the same workers, no restart: pre-ping replaces the dead connections
        again = client.get("/api/v1/auth/me")
        assert again.status_code == 200, again.get_data(as_text=True)
        assert again.json["user"]["username"] == "outage"


def test_a_save_on_a_connection_lost_mid_request_is_a_503_and_the_next_is_stored():
    """The save's statements run on the driver's cursor (``DriverStatement``): a connection
    that died in the pool (no pre-ping here, so nothing replaces it first) fails in the
    save's own login check; that is a 503, the dead connection is dropped, and the page's
    resend is stored on a new one."""
    with _app_through_proxy(pre_ping=False) as (app, proxy), app.app_context():
        team = make_team()
        cadre = make_user("cadre", team, username="lost-connection")
        exam = make_exam(teams=[team])
        db.session.commit()
        api = Api(app.test_client(), cadre)
        state = api.start(exam).json
        attempt_id = state["attempt_id"]
        question_id = next(q["id"] for q in state["questions"] if q["type"] == "judge")
        assert api.save(attempt_id, question_id, True, seq=1).status_code == 200
        db.session.remove()  # the test's own connection back to the pool, as the app's

        proxy.down()  # every pooled connection dies; the database itself stays up
        proxy.up()
        lost = api.save(attempt_id, question_id, False, seq=2)
        assert lost.status_code == 503, lost.get_data(as_text=True)
        assert lost.json["message"] == "数据库暂时无法访问，本次操作没有保存。请稍后重试。"

        resent = api.save(attempt_id, question_id, False, seq=2)
        assert resent.status_code == 200, resent.get_data(as_text=True)
        assert resent.json["applied"] is True
        db.session.remove()
        stored = db.session.query(AttemptAnswer).filter_by(attempt_id=attempt_id).one()
        assert (stored.seq, stored.response) == (2, False)


@pytest.fixture
def private_postgres():
    """A PostgreSQL server of this test's own (tests/ops/private_pg.py), to stop and start."""
    if not private_pg.available():
        pytest.skip("needs PostgreSQL's server binaries (initdb, pg_ctl)")
    with private_pg.private_postgres() as server:
        yield server.url, server.stop, server.start


def test_a_postgresql_restart_is_a_503_then_served_again(private_postgres):
    url, stop, start = private_postgres
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
        make_user("cadre", make_team(), username="restart")
        db.session.commit()
        client = app.test_client()
        login = client.post(
            "/api/v1/auth/login", json={"username": "restart", "password": PASSWORD}
        )
        assert login.status_code == 200
        stop()  # the server shuts down (fast: it ends every session)
        down = client.get("/api/v1/auth/me")
        assert down.status_code == 503
        assert down.json["message"] == "数据库暂时无法访问，本次操作没有保存。请稍后重试。"
        start()
        again = client.get("/api/v1/auth/me")  # the same app: no restart of it
        assert again.status_code == 200 and again.json["user"]["username"] == "restart"
        db.session.remove()
        db.engine.dispose()

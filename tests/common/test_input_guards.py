"""Issue #10 part 3, bullet by bullet: bad input is a 4xx on both databases, never a 5xx.

Each test here failed before the guards in app/common/input_guards.py (a 500, or on
PostgreSQL an error SQLite did not have)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select, text

from app import create_app
from app.common.input_guards import (
    MAX_INT,
    CleanMultiDict,
    InvalidInput,
    bounded_int,
    clean_text,
    read_json,
)
from app.common.permissions import public
from app.courses.models import Course
from app.extensions import db
from tests.factories import PASSWORD, make_team, make_user
from tests.quiz.exams.factories import Api, make_exam, make_paper

T0 = datetime(2026, 3, 2, 1, 0, 0)  # pinned: exams open relative to it
DEEP = "[" * 1000 + "]" * 1000  # 2 KB, 1,000 levels
BIG = [2**31, 2**63, 2**64, 10**30]


# --- the reader itself (no database) -------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[1]",
        '"s"',
        "1",
        "null",
        "NaN",
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": 1e999}',
        '{"a": "\\ud800"}',
        '{"\\udfff": 1}',
        '{"a": "x\\u0000y"}',
        '{"a": "\\u001b[31m"}',
        '{"a": 2147483648}',
        '{"a": -2147483649}',
        '{"a": ' + "9" * 5000 + "}",
        DEEP,
        '{"a":' * 33 + "1" + "}" * 33,
    ],
)
def test_reader_refuses(body):
    with pytest.raises(InvalidInput):
        read_json(body.encode())


def test_reader_accepts_objects_within_bounds():
    value = {"a": [MAX_INT, -MAX_INT - 1, 1.5, "制表\t换行\n回车\r", True, None]}
    assert read_json(json.dumps(value).encode()) == value
    nested = '{"a":' * 31 + "1" + "}" * 31
    assert read_json(nested.encode())


def test_clean_text_and_bounded_int():
    assert clean_text("标\x00题\x07\x1b\x7f\x85") == "标题"
    assert clean_text("a\tb\nc\r\n") == "a\tb\nc\r\n"
    assert clean_text("\ud800x") == "\ufffdx"
    assert bounded_int("2147483647") == MAX_INT
    for bad in ("2147483648", "9" * 5000, "abc", ""):
        with pytest.raises(ValueError):
            bounded_int(bad)


def test_query_and_form_values_are_cleaned_and_ints_bounded():
    args = CleanMultiDict([("q", "a\x00b"), ("page", "9223372036854775808"), ("team", "7")])
    assert args["q"] == "ab"
    assert args.get("page", 1, type=int) == 1
    assert args.get("team", type=int) == 7
    assert args.getlist("page", type=int) == []


# --- bullet 1: the JSON login --------------------------------------------------------------


LOGIN_BODIES = [
    "[1]",
    '"s"',
    "1",
    "NaN",
    '{"username": 1, "password": "x"}',
    '{"username": "a", "password": 1}',
    '{"username": ["a"], "password": "x"}',
    '{"username": "\\ud800", "password": "x"}',
    '{"username": "a", "password": "\\ud800"}',
    '{"username": "a\\u0000", "password": "x"}',
    DEEP,
]


@pytest.mark.parametrize("body", LOGIN_BODIES)
def test_json_login_refuses_bad_bodies_with_a_4xx(client, body):
    response = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert set(response.json) >= {"error", "message"}


def test_login_refusal_message_is_chinese_by_default(client):
    response = client.post("/api/v1/auth/login", data="[1]", content_type="application/json")
    assert response.json == {"error": "invalid_input", "message": "请求体须为 JSON 对象"}


def test_form_login_with_control_characters_is_a_plain_failure(client):
    make_user("cadre", make_team(), username="ctl1")
    response = client.post_form("/login", {"username": "ctl1\x00", "password": PASSWORD})
    # The NUL is dropped where the form is parsed: the login name matches.
    assert response.status_code == 302


# --- bullet 2: deep JSON on every JSON endpoint ---------------------------------------------


def _json_write_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            url = rule.rule
            for name in rule.arguments:
                url = url.replace(f"<int:{name}>", "1")
            routes.append((method, url))
    return routes


def test_every_json_endpoint_refuses_deep_nesting(app, client):
    user = make_user("cadre", make_team(), username="deep1")
    api = Api(client, user)
    routes = _json_write_routes(app)
    assert len(routes) >= 8
    for method, url in routes:
        response = client.open(
            url,
            method=method,
            data=DEEP,
            content_type="application/json",
            headers={"X-CSRFToken": api.token},
        )
        assert response.status_code == 400, (method, url, response.status_code)
        assert response.json["error"] == "invalid_input"


# --- bullet 3: integers in paths, query strings and bodies ----------------------------------


@pytest.mark.parametrize("number", [2**31, 2**63, 2**64])
def test_ids_beyond_the_column_are_404(client, number):
    user = make_user("cadre", make_team(), username=f"big{number % 97}")
    Api(client, user)
    for url in (
        f"/api/v1/attempts/{number}",
        f"/api/v1/attempts/{number}/result",
        f"/api/v1/practice/{number}",
        f"/admin/courses/{number}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url


def test_largest_id_reaches_the_database_and_is_404(client):
    Api(client, make_user("cadre", make_team(), username="maxid"))
    assert client.get(f"/api/v1/attempts/{MAX_INT}").status_code == 404


@time_machine.travel(T0, tick=False)
@pytest.mark.parametrize("seq", [2**31, 2**63, -(2**63) - 1])
def test_answer_save_refuses_a_seq_beyond_the_column(app, client, seq):
    team = make_team()
    user = make_user("cadre", team, username="seq1")
    questions = make_paper()
    exam = make_exam(questions=questions, teams=[team])
    db.session.commit()
    api = Api(client, user)
    state = api.start(exam).json
    essay = next(q for q in state["questions"] if q["type"] == "essay")
    url = f"/api/v1/attempts/{state['attempt_id']}/answers/{essay['id']}"
    response = api.put(url, {"response": "作答", "seq": seq})
    assert response.status_code == 400
    assert response.json["error"] == "invalid_input"
    ok = api.put(url, {"response": "作答", "seq": MAX_INT})
    assert ok.status_code == 200 and ok.json["applied"] is True


@pytest.mark.parametrize("value", ["2147483648", "9223372036854775808", "1" * 30, "x", "-1"])
def test_list_pages_answer_out_of_range_query_numbers_alike_on_both_databases(client, value):
    make_user("admin", make_team(), username="qadmin")
    client.login("qadmin")
    beyond = value.isdigit() and int(value) > MAX_INT
    for url in (
        "/admin/users",
        "/admin/audit",
        "/admin/teams",
        "/admin/questions/",
        "/admin/exams/",
        "/admin/exams/grading",
    ):
        query = "&".join(f"{k}={value}" for k in ("page", "team", "bank", "category", "exam_id"))
        response = client.get(f"{url}?{query}")
        # args.get(type=int) ignores the value (200); the users page turns its team filter
        # into an id itself, and the database layer refuses it — on SQLite as on PostgreSQL.
        expected = 400 if beyond and url == "/admin/users" else 200
        assert response.status_code == expected, (url, response.status_code)


# --- bullet 4: a lone surrogate in the course preview ---------------------------------------


def test_course_preview_refuses_a_lone_surrogate(client):
    admin = make_user("admin", make_team(), username="prev1")
    api = Api(client, admin)
    response = client.post(
        "/api/v1/courses/preview",
        data='{"markdown": "## \\ud800"}',
        content_type="application/json",
        headers={"X-CSRFToken": api.token},
    )
    assert response.status_code == 400
    ok = api.post("/api/v1/courses/preview", {"markdown": "## 标题"})
    assert ok.status_code == 200


# --- bullet 5: NUL and control characters, both databases alike ----------------------------


def _course_form(**overrides) -> dict:
    return {"title": "课程", "slug": "nul-course", "program": "", "hours": "1", **overrides}


def test_course_title_with_nul_is_stored_cleaned(client):
    make_user("admin", make_team(), username="nul1")
    client.login("nul1")
    response = client.post_form(
        "/admin/courses/new", _course_form(title="标题\x00含\x07控制符", summary="简\x00介")
    )
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == "nul-course"))
    assert course.title == "标题含控制符" and course.summary == "简介"
    assert client.get(f"/admin/courses/{course.id}").status_code == 200
    assert client.get("/courses/nul-course/").status_code in (200, 302, 403, 404)


def test_text_url_parts_with_control_characters_are_404(client):
    make_user("admin", make_team(), username="nul2")
    client.login("nul2")
    assert client.get("/courses/a%00b/").status_code == 404
    assert client.get("/courses/a%1Bb/lesson").status_code == 404


def test_search_query_with_nul_is_not_an_error(client):
    make_user("cadre", make_team(), username="nul3")
    client.login("nul3")
    for url in ("/courses/?q=%00", "/courses/search?q=a%00b", "/admin/users?q=%00"):
        assert client.get(url).status_code < 500, url


@pytest.mark.parametrize("number", [2**31, 2**63])
def test_integer_form_field_beyond_the_column_is_400_on_both_databases(client, number):
    make_user("admin", make_team(), username="intf")
    client.login("intf")
    response = client.post_form("/admin/courses/new", _course_form(sort_order=str(number)))
    assert response.status_code == 400
    assert db.session.scalar(select(Course).where(Course.slug == "nul-course")) is None
    response = client.post_form("/admin/courses/new", _course_form(sort_order=str(MAX_INT)))
    assert response.status_code == 302


# --- a failed statement is rolled back ------------------------------------------------------


@pytest.fixture
def probe_app(_backend_app) -> Flask:
    """An app of its own on the same database, one pooled connection, with two probes:
    a statement that fails and one that reads."""
    url = _backend_app.config["SQLALCHEMY_DATABASE_URI"]
    config = {"SQLALCHEMY_DATABASE_URI": url, "BACKEND": _backend_app.config["BACKEND"]}
    if url.startswith("postgresql"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 1, "max_overflow": 0}
    probe = create_app(config)

    @probe.route("/api/v1/_probe/fail")
    @public
    def fail():
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))
        return "unreachable"

    @probe.route("/api/v1/_probe/read")
    @public
    def read():
        return {"one": db.session.execute(text("SELECT 1")).scalar()}

    yield probe
    with probe.app_context():
        db.engine.dispose()


def test_a_failed_statement_is_rolled_back_before_the_next_request(probe_app):
    client = probe_app.test_client()
    for _ in range(3):
        failed = client.get("/api/v1/_probe/fail")
        assert failed.status_code == 500 and failed.json["error"] == "500"
        assert client.get("/api/v1/_probe/read").json == {"one": 1}

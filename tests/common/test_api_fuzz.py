"""Schemathesis against /api/v1/openapi.json (issue #10 part 3): every operation, as a
logged-in cadre and as an administrator, with data that fits the document and data that
does not — 0 server errors, 0 undocumented statuses or content types, 0 responses that
break the documented schema. The app is called in-process (WSGI), on both databases.

Bounded for CI: ``EXAMPLES`` cases per operation, generation mode and visitor, derandomized
(the same cases on every run), no shrinking, the clock pinned. Half of the cases of an
operation with ids in its path use real ids (an open exam, an attempt in progress, a
practice run, a lesson, a centre-group session open for check-in), so the fuzzed bodies reach
the services, not only the 404.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta

import pytest
import schemathesis
import time_machine
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.checkin.services import sessions as study_sessions
from app.common.api_docs import openapi_document
from app.courses.services import content
from app.extensions import db
from app.quiz.practice.services import practice
from tests.factories import make_team, make_user
from tests.quiz.exams.factories import Api, make_exam, make_paper
from tests.quiz.practice.factories import make_practice_bank

T0 = datetime(2026, 3, 2, 1, 0, 0)
EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HOSTILE = "hostile"  # a positive case turned into one of the attacks of issue #10
DEEP = "[" * 1000 + "]" * 1000
ATTACKS = [
    *(("id", n) for n in (2**31, 2**63, 10**30)),
    *(("text", t) for t in ("\ud800", "\udfff", "\x00", "\x1b", "\x7f")),
    *(("int", n) for n in (2**31, 2**63, -(2**63) - 1, 10**30)),
    *(("raw", b) for b in (DEEP, "[1]", '"s"', "1", "NaN", '{"a": Infinity}', "{" * 1000)),
]
# Operations that end or replace the session run last, so the others run logged in.
LAST = ("/api/v1/auth/login", "/api/v1/auth/logout")


def without_security(document: dict) -> dict:
    """The document without its security requirements: the test client holds the real
    session cookie and sends the real CSRF token, which generated values would replace."""
    document = copy.deepcopy(document)
    for operations_ in document["paths"].values():
        for operation in operations_.values():
            operation.pop("security", None)
    return document


def operations(schema) -> list:
    found = [result.ok() for result in schema.get_all_operations()]
    return sorted(found, key=lambda op: (op.path in LAST, op.path, op.method))


@pytest.fixture
def fuzz_world(app):
    with time_machine.travel(T0, tick=False):
        team = make_team("模糊测试班子")
        cadre = make_user("cadre", team, username="fz-cadre")
        admin = make_user("admin", team, username="fz-admin")
        questions = make_paper()
        exam = make_exam(questions=questions, teams=[team])
        bank, _cats = make_practice_bank("模糊测试题库")
        run = practice.start_practice(cadre, bank, [], 5)
        course = content.create_course(
            admin, slug="fuzz", title="模糊课程", published=True, open_to_all=True
        )
        lesson = content.create_lesson(
            admin, course, slug="l1", title="第一讲", body="正文", estimated_minutes=1
        )
        secretary = make_user(("secretary", "cadre"), team, username="fz-sec", scopes=[team])
        study = study_sessions.create_session(  # open for check-in at T0
            secretary,
            team,
            study_sessions.SessionFields(
                kind="collective",
                starts_at=T0 - timedelta(minutes=10),
                ends_at=T0 + timedelta(hours=2),
                topic="模糊测试集体学习",
            ),
        )
        db.session.commit()
        yield {
            "users": {"cadre": cadre, "admin": admin},
            "ids": {
                "exam_id": exam.id,
                "team_id": team.id,  # a cadre: 403; an admin: the team's figures
                "attempt_id": exam.id,  # no attempt of the admin's: a plain 404
                "session_id": run.id,
                "lesson_id": lesson.id,
                "study_session_id": study.id,
                "question_id": questions[-1].id,
                "practice_question_id": practice.session_questions(run)[0].id,
            },
        }


def _real_ids(operation, ids: dict) -> dict | None:
    """The operation's path parameters from the world's real objects (None: it has none)."""
    names = [p.name for p in operation.path_parameters]
    if not names:
        return None
    values = dict(ids)
    if operation.path.startswith("/api/v1/practice/"):
        values["question_id"] = ids["practice_question_id"]
    if operation.path.startswith("/api/v1/checkin/"):
        values["session_id"] = ids["study_session_id"]
    return {name: values[name] for name in names}


def _replace(value, kind: str, bad):
    """``value`` with every string (kind "text") or integer (kind "int") replaced by ``bad``."""
    if isinstance(value, dict):
        return {k: _replace(v, kind, bad) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, kind, bad) for v in value]
    if kind == "text" and isinstance(value, str):
        return f"前{bad}后"
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return bad
    return value


def hostile(case, how: tuple[str, object]) -> dict:
    """Turn a generated case into one of issue #10's attacks; the call's extra arguments."""
    kind, bad = how
    if kind == "id":
        for name in case.path_parameters or {}:
            case.path_parameters[name] = bad
        return {}
    if kind == "raw":
        return {"data": bad.encode(), "headers": {"Content-Type": "application/json"}}
    body = case.body if isinstance(case.body, dict) else {}
    body = {**_replace(body, kind, bad), "fuzz": bad}
    return {
        "data": json.dumps(body).encode(),  # ASCII: a lone surrogate travels as \ud800
        "headers": {"Content-Type": "application/json"},
    }


def run_operation(app, client, token: str, operation, mode, fixed: dict | None) -> int:
    has_body = bool(operation.definition.raw.get("requestBody"))
    if mode == GenerationMode.NEGATIVE and not (has_body or fixed):
        return 0  # nothing to get wrong: no parameters, no body
    calls = 0
    strategy_mode = GenerationMode.POSITIVE if mode == HOSTILE else mode
    strategies = [operation.as_strategy(generation_mode=strategy_mode)]
    if fixed and (has_body or strategy_mode == GenerationMode.POSITIVE):
        strategies.append(
            operation.as_strategy(generation_mode=strategy_mode, path_parameters=fixed)
        )
    attacks = [a for a in ATTACKS if (fixed if a[0] == "id" else has_body)]
    if mode == HOSTILE and not attacks:
        return 0  # no ids, no body: nothing to attack
    how_strategy = st.sampled_from(attacks) if mode == HOSTILE else st.none()

    @given(case=st.one_of(strategies), how=how_strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case, how):
        nonlocal calls
        calls += 1
        extra = hostile(case, how) if how else {}
        headers = {**extra.pop("headers", {}), **({"X-CSRFToken": token} if token else {})}
        response = case.call(app=app, session=client, headers=headers, **extra)
        case.validate_response(response, checks=CHECKS)

    check()
    return calls


def fuzz_all(app, client, token: str, ids: dict, mode) -> int:
    schema = schemathesis.openapi.from_dict(without_security(openapi_document()))
    total = 0
    for operation in operations(schema):
        fixed = _real_ids(operation, ids)
        total += run_operation(app, client, token, operation, mode, fixed)
    return total


@pytest.mark.parametrize("visitor", ["cadre", "admin"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE, HOSTILE])
def test_api_fuzz(app, fuzz_world, visitor, mode):
    with time_machine.travel(T0, tick=False):
        client = app.test_client()
        api = Api(client, fuzz_world["users"][visitor])
        ids = dict(fuzz_world["ids"])
        if visitor == "cadre":  # an attempt in progress: saves and events reach the store
            started = api.post(f"/api/v1/exams/{ids['exam_id']}/attempts")
            ids["attempt_id"] = started.json["attempt_id"]
        total = fuzz_all(app, client, api.token, ids, mode)
    assert total >= EXAMPLES * 10


def test_api_fuzz_anonymous(app, fuzz_world):
    """Without a session or a CSRF token: the 401s and 400s the document promises."""
    with time_machine.travel(T0, tick=False):
        total = fuzz_all(
            app, app.test_client(), "", dict(fuzz_world["ids"]), GenerationMode.POSITIVE
        )
    assert total >= EXAMPLES * 10

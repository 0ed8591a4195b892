"""Reading progress, counted by the server's clock (frozen here) between heartbeats."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from app.courses.services import progress
from app.courses.services.progress import record_heartbeat
from tests.courses.factories import make_course
from tests.openapi import assert_response_matches

START = datetime(2026, 3, 2, 1, 0, 0)  # naive UTC, 09:00 in Shanghai


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def read_for(user, lesson, clock, seconds: int, every: int = 15, *, reached_end=False):
    """Beat every ``every`` seconds for ``seconds`` (a visible page), starting a run."""
    record_heartbeat(user, lesson, start=True)
    for _ in range(seconds // every):
        clock.shift(every)
        state = record_heartbeat(user, lesson)
    if reached_end:
        state = record_heartbeat(user, lesson, reached_end=True)
    return state


def test_time_counts_only_between_close_heartbeats(world, clock):
    lesson = world["course"].lessons[0]  # 10 minutes: 300 s needed at the default 0.5
    cadre = world["cadre"]
    state = read_for(cadre, lesson, clock, 120)
    assert state.seconds == 120 and state.required == 300
    clock.shift(3600)  # the tab was hidden for an hour: no heartbeats, then one more
    state = record_heartbeat(cadre, lesson)
    assert state.seconds == 120, "an hour in the background must not count"
    clock.shift(20)
    assert record_heartbeat(cadre, lesson).seconds == 140  # within interval + slack


def test_a_gap_just_over_the_allowance_counts_nothing(world, clock, app):
    lesson = world["course"].lessons[0]
    allowance = (
        app.config["COURSE_HEARTBEAT_SECONDS"] + app.config["COURSE_HEARTBEAT_SLACK_SECONDS"]
    )
    record_heartbeat(world["cadre"], lesson)
    clock.shift(allowance)
    assert record_heartbeat(world["cadre"], lesson).seconds == allowance
    clock.shift(allowance + 1)
    assert record_heartbeat(world["cadre"], lesson).seconds == allowance


def test_a_start_beat_never_counts_the_time_before_it(world, clock):
    lesson = world["course"].lessons[0]
    record_heartbeat(world["cadre"], lesson)
    clock.shift(10)  # hidden for 10 s, then shown again: the page starts a new run
    assert record_heartbeat(world["cadre"], lesson, start=True).seconds == 0


def test_two_tabs_cannot_count_more_than_the_clock(world, clock):
    lesson = world["course"].lessons[0]
    record_heartbeat(world["cadre"], lesson)
    for _ in range(8):  # two tabs, each beating every 15 s, offset by 7.5 s
        clock.shift(7.5)
        state = record_heartbeat(world["cadre"], lesson)
    assert state.seconds == 60


def test_studied_needs_the_end_and_enough_time(world, clock):
    lesson = world["course"].lessons[0]
    cadre = world["cadre"]
    state = read_for(cadre, lesson, clock, 600)  # long enough, but never reached the end
    assert state.seconds == 600 and not state.studied
    state = record_heartbeat(cadre, lesson, reached_end=True)
    assert state.studied and state.studied_at == START + timedelta(seconds=600)


def test_reaching_the_end_early_is_not_enough(world, clock):
    lesson = world["course"].lessons[0]
    cadre = world["cadre"]
    state = read_for(cadre, lesson, clock, 30, reached_end=True)  # skimmed to the end
    assert state.reached_end and not state.studied and state.remaining_seconds == 270
    state = read_for(cadre, lesson, clock, 285)
    assert state.seconds == 315 and state.studied  # the end was remembered


def test_the_fraction_comes_from_the_configuration(world, clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "COURSE_MIN_READ_FRACTION", 0.1)
    lesson = world["course"].lessons[0]
    assert progress.required_seconds(lesson) == 60
    assert read_for(world["cadre"], lesson, clock, 60, reached_end=True).studied


def test_course_completion_is_recorded_once_with_date_and_hours(world, clock):
    course, cadre = world["course"], world["cadre"]
    first, second = course.lessons
    read_for(cadre, first, clock, 300, reached_end=True)
    state = progress.course_progress(cadre, course)
    assert (state.studied, state.total, state.percent, state.completed) == (1, 2, 50, False)
    assert not progress.course_completed(cadre, course)
    read_for(cadre, second, clock, 300, reached_end=True)
    state = progress.course_progress(cadre, course)
    assert state.percent == 100 and state.completed
    assert state.completion.hours == Decimal("2.0")
    assert state.completion.completed_at == START + timedelta(seconds=600)
    assert progress.course_completed(cadre, course)
    assert not progress.course_completed(world["cadre2"], course)
    read_for(cadre, second, clock, 60, reached_end=True)  # reading again changes nothing
    assert progress.completion(cadre, course).completed_at == START + timedelta(seconds=600)


def test_continue_where_you_left_off(world, clock):
    course = make_course(world["admin"], lessons=3, open_to_all=True)
    cadre = world["cadre"]
    first, second, third = course.lessons
    state = progress.course_progress(cadre, course)
    assert state.resume == first and not state.started
    read_for(cadre, second, clock, 30)
    state = progress.course_progress(cadre, course)
    assert state.resume == second and state.started  # the lesson being read
    clock.shift(60)
    read_for(cadre, second, clock, 300, reached_end=True)
    assert progress.course_progress(cadre, course).resume == third  # done: the next one
    clock.shift(60)
    read_for(cadre, third, clock, 300, reached_end=True)
    assert progress.course_progress(cadre, course).resume == first  # the unread one left


def test_heartbeat_api(world, client, clock):
    lesson = world["course"].lessons[0]
    client.login("c-cadre")
    token = client.csrf_token()
    url = f"/api/v1/lessons/{lesson.id}/heartbeat"
    path = "/api/v1/lessons/{lesson_id}/heartbeat"
    response = client.post(url, json={"start": True}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert_response_matches(response, path, "POST")
    clock.shift(15)
    response = client.post(url, json={"reached_end": True}, headers={"X-CSRFToken": token})
    body = response.json
    assert body["seconds"] == 15 and body["reached_end"] and not body["studied"]
    assert body["course"] == {"studied": 0, "total": 2, "percent": 0, "completed": False}
    # a client that sends a duration gets nothing for it
    clock.shift(15)
    response = client.post(url, json={"seconds": 9999}, headers={"X-CSRFToken": token})
    assert response.json["seconds"] == 30

    for bad, status in ((None, 415), ({"reached_end": "yes"}, 422)):
        if bad is None:
            response = client.post(url, data="x", headers={"X-CSRFToken": token})
        else:
            response = client.post(url, json=bad, headers={"X-CSRFToken": token})
        assert response.status_code == status
        assert_response_matches(response, path, "POST")
    missing = client.post(
        "/api/v1/lessons/999999/heartbeat", json={}, headers={"X-CSRFToken": token}
    )
    assert missing.status_code == 404
    assert_response_matches(missing, path, "POST")


def test_heartbeat_refused_outside_the_audience(world, client):
    lesson = world["course"].lessons[0]
    client.login("c-out")
    response = client.post(
        f"/api/v1/lessons/{lesson.id}/heartbeat",
        json={},
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 403
    assert_response_matches(response, "/api/v1/lessons/{lesson_id}/heartbeat", "POST")
    assert progress.lesson_state(world["outsider"], lesson).seconds == 0


def test_heartbeat_needs_the_csrf_token(world, client):
    lesson = world["course"].lessons[0]
    client.login("c-cadre")
    response = client.post(f"/api/v1/lessons/{lesson.id}/heartbeat", json={})
    assert response.status_code == 400

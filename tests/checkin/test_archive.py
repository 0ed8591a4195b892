"""The year-end archive: one zip of printable pages and a workbook that open offline, with
the plan and its history, every session's minutes, sheet, speakers, reflections and test
results, lectures and the year's standings."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

import time_machine
from openpyxl import load_workbook

from app.checkin.services import attendance, lectures, plans, reflections, sessions
from app.extensions import db
from tests.checkin.factories import START, make_plan, make_session

TEXT = "深入学习，联系实际。" * 30


def _world(world):
    sec, team, cadre = world["sec"], world["team_a"], world["cadre"]
    plan = make_plan(sec, team)
    plans.file_plan(sec, plan, now=START - timedelta(days=60))
    plans.acknowledge(world["admin"], plan, comment="同意备案", now=START - timedelta(days=59))
    first = make_session(sec, team, kind="first_topic", topic="第一议题：学习最新重要讲话")
    sessions.update_session(
        sec,
        first,
        sessions.SessionFields(
            kind="first_topic",
            starts_at=first.starts_at,
            ends_at=first.ends_at,
            topic=first.topic,
            place="党委会议室",
            hours=2,
            minutes="## 纪要\n\n会议研究了贯彻措施。<script>alert(1)</script>",
        ),
    )
    sessions.add_speaker(
        sec, first, speaker=cadre, role="lead", title="领学重要讲话", outline="一、背景\n二、要求"
    )
    sessions.add_measure(sec, first, what="制定落实方案", owner=cadre, due_on=date(2027, 4, 30))
    attendance.mark(sec, first, cadre, "present")
    attendance.mark(sec, first, world["cadre2"], "leave", reason="外出调研")
    reflections.submit_on_session(
        cadre, first, "学习第一议题的体会", TEXT, now=START + timedelta(hours=3)
    )
    lectures.record(
        sec,
        team,
        cadre,
        lectures.LectureFields(date(2027, 3, 1), "机关党支部", "守初心担使命", 40),
        now=START,
    )
    db.session.commit()
    return first


def test_the_secretary_downloads_the_years_archive(app, world):
    _world(world)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        client = app.test_client()
        client.login(world["sec"].username)
        response = client.get(f"/checkin/teams/{world['team_a'].id}/archive.zip?year=2027")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = {name.split("/", 1)[1] for name in archive.namelist()}
    assert {
        "index.html",
        "plan.html",
        "sessions/01.html",
        "reflections.html",
        "lectures.html",
        "figures.html",
        "print.css",
        "学习档案.xlsx",
    } <= names
    folder = archive.namelist()[0].split("/")[0]

    def page(name):
        return archive.read(f"{folder}/{name}").decode()

    for name in names:
        if name.endswith(".html"):
            html = page(name)
            assert (
                'href="http' not in html and "src=" not in html and "<script" not in html
            )  # offline
            assert re.search(r'<link rel="stylesheet" href="(\.\./)?print\.css">', html)
    assert "@page" in page("print.css") and "A4" in page("print.css")
    assert "确认备案" in page("plan.html") and "同意备案" in page("plan.html")
    session_page = page("sessions/01.html")
    for expected in (
        "会议研究了贯彻措施",
        "领学重要讲话",
        "二、要求",
        "制定落实方案",
        "外出调研",
        "学习第一议题的体会",
    ):
        assert expected in session_page
    assert "守初心担使命" in page("lectures.html")
    assert world["cadre"].name in page("figures.html")
    book = load_workbook(io.BytesIO(archive.read(f"{folder}/学习档案.xlsx")))
    assert {
        "学习计划",
        "备案记录",
        "集体学习",
        "签到表",
        "发言",
        "心得体会",
        "考学成绩",
        "党课",
        "达标情况",
    } <= set(book.sheetnames)
    sheet_rows = list(book["签到表"].iter_rows(values_only=True))
    assert any(row[2] == world["cadre2"].name and row[3] == "请假" for row in sheet_rows)


def test_another_teams_secretary_gets_no_archive(app, world):
    _world(world)
    client = app.test_client()
    client.login(world["other_sec"].username)
    assert client.get(f"/checkin/teams/{world['team_a'].id}/archive.zip").status_code == 403
    client = app.test_client()
    client.login(world["cadre"].username)
    assert client.get(f"/checkin/teams/{world['team_a'].id}/archive.zip").status_code == 403

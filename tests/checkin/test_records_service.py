"""Reflections, self-study check-ins, party lectures and the year's quota: what is accepted,
what is refused (with a message, changing nothing), and who may do it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.checkin.models import Reflection, SelfStudy
from app.checkin.services import attendance, lectures, quotas, reflections, selfstudy
from app.checkin.services.base import CheckinError
from app.courses.services.progress import record_heartbeat
from app.extensions import db
from tests.checkin.factories import START, make_session
from tests.courses.factories import make_course

TEXT = "学" * 200
AFTER = START + timedelta(hours=3)
TODAY = date(2027, 3, 10)


@pytest.fixture
def session(world):
    return make_session(world["sec"], world["team_a"])


def test_a_member_writes_a_reflection_once_and_may_revise_it(world, session):
    cadre = world["cadre"]
    first = reflections.submit_on_session(cadre, session, "体会", TEXT, now=AFTER)
    again = reflections.submit_on_session(cadre, session, "新的体会", TEXT + "再学", now=AFTER)
    assert again.id == first.id and again.title == "新的体会"
    assert first.team_id == world["team_a"].id
    assert reflections.of_session(session) == [first]


@pytest.mark.parametrize(
    ("who", "title", "body", "when", "message"),
    [
        ("outsider", "体会", TEXT, AFTER, "不是本班子中心组成员"),
        ("cadre", "体会", TEXT, START - timedelta(minutes=1), "学习开始后"),
        ("cadre", "", TEXT, AFTER, "请填写标题"),
        ("cadre", "体会", "学 " * 199, AFTER, "不少于 200 字"),
    ],
)
def test_reflections_refused(world, session, who, title, body, when, message):
    with pytest.raises(CheckinError, match=message):
        reflections.submit_on_session(world[who], session, title, body, now=when)
    assert db.session.scalar(select(func.count(Reflection.id))) == 0


def test_the_minimum_length_comes_from_the_years_quota(world, session):
    values = {name: getattr(quotas.Quota(2027), name) for name in quotas.FIELDS}
    quotas.set_quota(world["admin"], 2027, {**values, "reflection_min_chars": 10})
    assert reflections.submit_on_session(world["cadre"], session, "短", "学" * 10, now=AFTER)


def test_the_secretary_sees_who_was_present_and_has_not_written(world, session):
    sec, cadre, cadre2 = world["sec"], world["cadre"], world["cadre2"]
    attendance.mark(sec, session, cadre, "present")
    attendance.mark(sec, session, cadre2, "present")
    attendance.mark(sec, session, sec, "leave", reason="出差")
    assert reflections.missing_on_session(session) == sorted(
        [cadre, cadre2], key=lambda u: (u.name, u.id)
    )
    reflections.submit_on_session(cadre, session, "体会", TEXT, now=AFTER)
    assert reflections.missing_on_session(session) == [cadre2]


def test_reflections_on_a_material_and_who_reads_them(world):
    row = reflections.submit_on_material(
        world["cadre"], "《习近平新时代中国特色社会主义思想学习纲要》", "读后", TEXT, now=AFTER
    )
    assert reflections.can_read(world["cadre"], row) and reflections.can_read(world["sec"], row)
    assert reflections.can_read(world["admin"], row)
    assert not reflections.can_read(world["other_sec"], row)
    assert not reflections.can_read(world["cadre2"], row)
    with pytest.raises(CheckinError, match="请填写学习材料"):
        reflections.submit_on_material(world["cadre"], " ", "读后", TEXT, now=AFTER)
    with pytest.raises(CheckinError, match="只能修改自己的"):
        reflections.revise(world["cadre2"], row, "改", TEXT, "材料")


def test_self_study_once_per_material_per_day(world):
    cadre = world["cadre"]
    book = selfstudy.Material("book", title="《之江新语》")
    row = selfstudy.record(cadre, TODAY, 40, book, now=AFTER)
    assert (row.material_title, row.material_key) == ("之江新语", "book:之江新语")
    with pytest.raises(CheckinError, match="当天已经打过卡"):
        selfstudy.record(
            cadre, TODAY, 10, selfstudy.Material("book", title=" 之江新语 "), now=AFTER
        )
    assert selfstudy.record(cadre, TODAY - timedelta(days=1), 20, book, now=AFTER)
    assert selfstudy.record(world["cadre2"], TODAY, 20, book, now=AFTER)
    assert selfstudy.minutes_of(cadre, 2027) == 60


@pytest.mark.parametrize(
    ("day", "minutes", "material", "message"),
    [
        (TODAY + timedelta(days=1), 30, selfstudy.Material("book", title="书"), "以后的日期"),
        (TODAY - timedelta(days=40), 30, selfstudy.Material("book", title="书"), "天内"),
        (TODAY, 0, selfstudy.Material("book", title="书"), "学习时长"),
        (TODAY, 30, selfstudy.Material("book", title="《》"), "请填写书名"),
        (TODAY, 30, selfstudy.Material("link", url="javascript:alert(1)"), "http"),
        (TODAY, 30, selfstudy.Material("lesson"), "请选择课程章节"),
        (TODAY, 30, selfstudy.Material("video", title="x"), "类型"),
    ],
)
def test_self_study_refused(world, day, minutes, material, message):
    with pytest.raises(CheckinError, match=message):
        selfstudy.record(world["cadre"], day, minutes, material, now=AFTER)
    assert db.session.scalar(select(func.count(SelfStudy.id))) == 0


def test_a_manual_check_in_is_the_authors_to_delete(world):
    row = selfstudy.record(
        world["cadre"],
        TODAY,
        30,
        selfstudy.Material("link", url="https://www.12371.cn/"),
        now=AFTER,
    )
    with pytest.raises(CheckinError, match="只能删除自己的"):
        selfstudy.remove(world["cadre2"], row)
    selfstudy.remove(world["cadre"], row)
    assert db.session.scalar(select(func.count(SelfStudy.id))) == 0


def test_studying_a_lesson_records_the_days_self_study_once(world):
    course = make_course(world["admin"], open_to_all=True, lessons=1, minutes=1)
    lesson = course.lessons[0]
    cadre = world["cadre"]
    with time_machine.travel(datetime(2027, 3, 10, 2, 0), tick=False) as clock:
        record_heartbeat(cadre, lesson, start=True)
        for _ in range(3):
            clock.shift(15)
            record_heartbeat(cadre, lesson, reached_end=True)
    rows = selfstudy.of_user(cadre)
    assert [(r.source, r.lesson_id, r.minutes, r.studied_on) for r in rows] == [
        ("lesson", lesson.id, 1, TODAY)
    ]
    with pytest.raises(CheckinError, match="自动记录"):
        selfstudy.remove(cadre, rows[0])
    assert selfstudy.recent_lessons(cadre) == [lesson]
    assert selfstudy.lesson_for(cadre, lesson.id) == lesson


def test_the_secretary_records_party_lectures(world):
    sec, team = world["sec"], world["team_a"]
    fields = lectures.LectureFields(TODAY, "机关第一党支部", "以党的创新理论武装头脑", 35)
    row = lectures.record(sec, team, world["cadre"], fields, now=AFTER)
    assert lectures.of_team(team, 2027) == [row] and lectures.of_user(world["cadre"], 2027) == [row]
    with pytest.raises(CheckinError, match="中心组秘书"):
        lectures.record(world["other_sec"], team, world["cadre"], fields, now=AFTER)
    with pytest.raises(CheckinError, match="不是本班子"):
        lectures.record(sec, team, world["outsider"], fields, now=AFTER)
    with pytest.raises(CheckinError, match="听课人数"):
        lectures.record(
            sec, team, world["cadre"], fields.__class__(TODAY, "支部", "题", 0), now=AFTER
        )
    with pytest.raises(CheckinError, match="不能晚于今天"):
        lectures.record(
            sec,
            team,
            world["cadre"],
            fields.__class__(TODAY + timedelta(1), "支部", "题", 3),
            now=AFTER,
        )
    with pytest.raises(CheckinError, match="中心组秘书"):
        lectures.remove(world["other_sec"], row)


def test_quotas_have_defaults_and_only_admins_set_them(world):
    default = quotas.quota_for(2027)
    assert (default.attendance_percent, default.reflections, default.lectures) == (90, 2, 1)
    assert default.is_default
    values = {name: getattr(default, name) for name in quotas.FIELDS}
    with pytest.raises(CheckinError, match="只有管理员"):
        quotas.set_quota(world["sec"], 2027, values)
    with pytest.raises(CheckinError, match="0 到 100"):
        quotas.set_quota(world["admin"], 2027, {**values, "attendance_percent": 120})
    with pytest.raises(CheckinError, match="整数"):
        quotas.set_quota(world["admin"], 2027, {**values, "lectures": "一次"})
    saved = quotas.set_quota(world["admin"], 2027, {**values, "reflections": 4})
    assert (saved.reflections, saved.is_default) == (4, False)
    assert quotas.quota_for(2028).is_default

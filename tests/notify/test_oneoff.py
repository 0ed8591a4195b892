"""One-off reminders: a secretary reminds the people a page listed (only within their teams),
sees a preview first, and may not send more often than the limit."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.common.audit import AuditLog
from app.common.errors import DomainError
from app.extensions import db
from app.notify import manage
from app.notify.models import Notification
from tests.factories import make_team, make_user


@pytest.fixture
def teams(app):
    mine, other = make_team("本班子"), make_team("别的班子")
    sec = make_user(("secretary", "cadre"), mine, name="秘书")
    people = [make_user("cadre", mine, name=f"成员{i}") for i in range(3)]
    stranger = make_user("cadre", other, name="外人")
    db.session.commit()
    return sec, people, stranger


def ids(users) -> str:
    return ",".join(str(u.id) for u in users)


def test_preview_then_send_to_own_team_only(app, teams):
    sec, people, stranger = teams
    client = app.test_client()
    client.login(sec.username)
    listed = ids([*people, stranger])
    form = client.get(f"/notifications/remind?users={listed}&message=请完成学习")
    assert "成员0" in form.get_data(as_text=True) and "外人" not in form.get_data(as_text=True)
    preview = client.post_form(
        "/notifications/remind", {"users": listed, "message": "请在周五前完成学习"}
    ).get_data(as_text=True)
    assert "确认发送" in preview and "秘书 提醒您：请在周五前完成学习" in preview
    assert not db.session.scalars(select(Notification)).all()  # a preview sends nothing
    sent = client.post_form(
        "/notifications/remind",
        {"users": listed, "message": "请在周五前完成学习", "link": "/courses/", "confirm": "y"},
    )
    assert sent.status_code == 302
    got = {n.user_id: n for n in db.session.scalars(select(Notification))}
    assert set(got) == {p.id for p in people}
    assert got[people[0].id].link == "/courses/"


def test_bad_input_changes_nothing(app, teams):
    sec, people, _ = teams
    client = app.test_client()
    client.login(sec.username)
    for data, words in (
        ({"users": ids(people), "message": "看这里", "link": "https://evil.example/"}, "本站"),
        ({"users": "", "message": "提醒"}, "没有可以提醒的人"),
        ({"users": ids(people), "message": ""}, "请填写提醒内容"),
    ):
        page = client.post_form("/notifications/remind", {**data, "confirm": "y"})
        assert page.status_code == 200 and words in page.get_data(as_text=True)
    assert not db.session.scalars(select(Notification)).all()


def test_the_rate_limit_holds(app, teams):
    sec, people, _ = teams
    limit = app.config["ONEOFF_PER_HOUR"]
    for _ in range(limit):
        manage.send_reminder(sec, [p.id for p in people], "提醒")
    with pytest.raises(DomainError, match="一小时内最多"):
        manage.send_reminder(sec, [p.id for p in people], "再提醒")
    assert len(db.session.scalars(select(Notification)).all()) == limit * len(people)


def test_audit_records_plain_values_whatever_the_senders_language(app, teams):
    sec, people, _stranger = teams
    team = people[0].team
    with force_locale("en"):
        robot = manage.add_robot(
            sec, team, kind="wecom", name="学习群", url="http://x/w", secret=""
        )
        manage.send_reminder(sec, [p.id for p in people], "请完成学习", "")
        manage.remove_robot(sec, robot)
    rows = {row.action: row for row in db.session.scalars(select(AuditLog).order_by(AuditLog.id))}
    assert rows["robot.add"].summary == "学习群"
    assert rows["robot.add"].details == {"kind": "wecom", "robot_id": robot.id}
    assert rows["robot.remove"].details == {"kind": "wecom", "robot_id": robot.id}
    assert rows["notify.oneoff"].summary == "请完成学习"
    assert rows["notify.oneoff"].details["recipients"] == 3

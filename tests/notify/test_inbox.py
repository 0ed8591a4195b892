"""The inbox: a bell with the unread count in the header, every notification on one page
(read ones too), mark one or all read, and old ones purged after the retention."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.common.timeutil import utcnow
from app.extensions import db
from app.notify import services as notifications
from app.notify import tasks
from app.notify.models import Notification
from app.quiz.exams import reminders
from tests.factories import make_team, make_user
from tests.quiz.exams.factories import make_exam


def bell(html: str) -> str | None:
    match = re.search(r'id="notifyBell".*?</a>', html, re.S)
    assert match, "no bell in the header"
    badge = re.search(r"badge[^>]*>([^<]+)<", match.group(0))
    return badge.group(1) if badge else None


def test_the_bell_counts_unread_and_the_page_keeps_history(app):
    team = make_team()
    user = make_user("cadre", team)
    other = make_user("cadre", team)
    first = notifications.notify(user, "第一条通知", "/courses/")
    notifications.notify(user, "第二条通知", "/exams/")
    notifications.notify(other, "别人的通知")
    db.session.commit()
    client = app.test_client()
    client.login(user.username)
    assert bell(client.get("/").get_data(as_text=True)) == "2"
    client.get(f"/notifications/{first.id}")  # opened: read, and followed to its object
    page = client.get("/notifications/").get_data(as_text=True)
    assert "第一条通知" in page and "第二条通知" in page and "别人的通知" not in page
    assert bell(page) == "1"
    assert client.post_form("/notifications/read-all").status_code == 302
    assert bell(client.get("/notifications/").get_data(as_text=True)) is None
    assert notifications.unread_count(other) == 1


def test_mark_one_read_only_ones_own(app):
    team = make_team()
    user, other = make_user("cadre", team), make_user("cadre", team)
    mine = notifications.notify(user, "我的")
    theirs = notifications.notify(other, "别人的")
    db.session.commit()
    client = app.test_client()
    client.login(user.username)
    assert client.post_form(f"/notifications/{mine.id}/read").status_code == 302
    assert client.post_form(f"/notifications/{theirs.id}/read").status_code == 404
    assert mine.read_at is not None and theirs.read_at is None


def test_old_notifications_are_purged_after_the_retention(app):
    user = make_user("cadre")
    now = utcnow()
    days = app.config["NOTIFY_RETENTION_DAYS"]
    notifications.notify(user, "很久以前", now=now - timedelta(days=days + 1))
    notifications.notify(user, "不久以前", now=now - timedelta(days=days - 1))
    counts = tasks.purge_old(now)
    assert counts["notifications"] == 1
    left = db.session.scalars(select(Notification.message).where(Notification.user_id == user.id))
    assert list(left) == ["不久以前"]


def test_channel_settings_keep_the_inbox_on_and_check_email(app):
    user = make_user("cadre")
    db.session.commit()
    client = app.test_client()
    client.login(user.username)
    response = client.post_form(
        "/notifications/settings",
        {"email": "y", "language": "en", "quiet_start": "", "quiet_end": ""},
    )
    assert response.status_code == 200 and "没有邮箱地址" in response.get_data(as_text=True)
    user.email = "cadre@example.org"
    db.session.commit()
    bad = client.post_form(
        "/notifications/settings",
        {"email": "y", "language": "en", "quiet_start": "25:00", "quiet_end": "07:00"},
    )
    assert "免打扰时段" in bad.get_data(as_text=True)
    ok = client.post_form(
        "/notifications/settings",
        {"email": "y", "language": "en", "quiet_start": "22:00", "quiet_end": "07:00"},
    )
    assert ok.status_code == 302


def test_an_exam_reminder_reads_in_each_readers_language(app):
    """The exams feature writes its reminders with lazy_gettext too: the inbox shows the
    exam-opened reminder in English to an English reader and in Chinese to a Chinese one."""
    team = make_team()
    admin = make_user("admin", team)
    cadre = make_user("cadre", team)
    make_exam(teams=[team], actor=admin, title="十二月测试")
    db.session.commit()
    assert reminders.remind_opened() >= 1
    db.session.commit()
    for lang, expected, other in (
        ("en", "is open; finish it before", "已开放"),
        ("zh_CN", "已开放，请在", "is open"),
    ):
        client = app.test_client()
        client.get(f"/lang/{lang}")
        client.login(cadre.username)
        page = client.get("/notifications/").get_data(as_text=True)
        assert expected in page and other not in page, lang

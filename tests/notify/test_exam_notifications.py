"""Notifications (e.g. a regraded result): shown on the home page until opened."""

from __future__ import annotations

from app.extensions import db
from app.notify import services as notifications


def test_unread_notifications_are_to_dos_until_opened(app, cadre, other_cadre):
    note = notifications.notify(cadre, "成绩已重新评定", "/exams/")
    notifications.notify(other_cadre, "别人的通知", "/")
    db.session.commit()
    client = app.test_client()
    client.login(cadre.username)
    home = client.get("/").get_data(as_text=True)
    assert "成绩已重新评定" in home and "别人的通知" not in home
    opened = client.get(f"/notifications/{note.id}")
    assert opened.status_code == 302 and opened.location.endswith("/exams/")
    assert note.read_at is not None
    assert "成绩已重新评定" not in client.get("/").get_data(as_text=True)


def test_a_link_off_the_site_is_not_followed(app, cadre):
    note = notifications.notify(cadre, "可疑链接", "https://example.com/")
    db.session.commit()
    client = app.test_client()
    client.login(cadre.username)
    assert client.get(f"/notifications/{note.id}").location.endswith("/")

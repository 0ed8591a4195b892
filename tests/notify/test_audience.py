"""A reminder to a whole audience, built by the database (``notify_audience``): every cadre of
the audience once and no one else, a second run sending nothing, email only to those who
chose it (with an address), each in their own language and held by their own quiet hours;
in a scheduled job each chunk is committed and followed by a pause."""

from __future__ import annotations

from datetime import datetime, timedelta
from email import message_from_bytes, policy

import time_machine
from sqlalchemy import select

from app.extensions import db
from app.notify import jobs, services, tasks
from app.notify.models import Delivery, Notification, NotificationPreference
from app.quiz.exams import reminders
from bench.sinks import smtp_server
from tests.factories import make_team, make_user
from tests.notify.test_outbox import body_parts, email_user
from tests.quiz.exams.factories import make_exam

# 03:00 UTC = 11:00 in Shanghai, inside no one's quiet hours but the night owl's
MORNING = datetime(2026, 12, 7, 3, 0)


def notes(kind: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)))


def audience():
    team = make_team()
    admin = make_user("admin", team)
    english = email_user(team, language="en")
    chinese = email_user(team)
    no_address = make_user("cadre", team)
    db.session.add(NotificationPreference(user_id=no_address.id, email=True))
    inbox_only = make_user("cadre", team)
    night_owl = email_user(team)  # quiet 10:00-12:00 Shanghai: the email waits until noon
    pref = db.session.get(NotificationPreference, night_owl.id)
    pref.quiet_start, pref.quiet_end = "10:00", "12:00"
    gone = make_user("cadre", team, active=False)
    outsider = email_user(make_team())
    make_exam(
        teams=[team],
        actor=admin,
        title="年终测试",
        opens_at=MORNING - timedelta(minutes=5),
        closes_at=MORNING + timedelta(days=1),
    )
    db.session.flush()
    return {
        "cadres": {english, chinese, no_address, inbox_only, night_owl},
        "english": english,
        "chinese": chinese,
        "night_owl": night_owl,
        "not_told": {admin, gone, outsider},
    }


def test_the_opened_reminder_reaches_the_audience_once_in_each_language(app, mail_config):
    people = audience()
    with smtp_server() as (port, inbox):
        mail_config(port)
        with time_machine.travel(MORNING, tick=False):
            assert reminders.remind_opened() == 5
            assert reminders.remind_opened() == 0  # the dedupe keys: nothing twice
            told = {n.user_id for n in notes("exam.opened")}
            assert told == {u.id for u in people["cadres"]}
            assert not told & {u.id for u in people["not_told"]}
            emails = [d for d in db.session.scalars(select(Delivery)) if d.channel == "email"]
            assert sorted(d.user_id for d in emails) == sorted(
                u.id for u in (people["english"], people["chinese"], people["night_owl"])
            )
            assert all(d.key == f"email:n{d.notification_id}" for d in emails)
            held = {d.user_id: d.next_attempt_at for d in emails}
            assert held[people["night_owl"].id] == datetime(2026, 12, 7, 4, 0)  # 12:00 local
            assert held[people["english"].id] == MORNING
            assert tasks.send_outbox()["sent"] == 2  # the night owl's waits
    by_to = {e.rcpt_tos[0]: body_parts(message_from_bytes(e.content)) for e in inbox.messages}
    assert set(by_to) == {people["english"].email, people["chinese"].email}
    en, zh = by_to[people["english"].email], by_to[people["chinese"].email]
    assert "年终测试" in en["text/plain"] and "is open; finish it before" in en["text/plain"]
    assert "已开放" not in en["text/plain"]
    assert "已开放，请在" in zh["text/plain"] and "is open" not in zh["text/plain"]
    # one body serialized for many: each message still has its own headers
    heads = {
        e.rcpt_tos[0]: message_from_bytes(e.content, policy=policy.default) for e in inbox.messages
    }
    assert all(m["To"] == to and m["From"] and m["Date"] for to, m in heads.items())
    assert len({m["Message-ID"] for m in heads.values()}) == 2
    assert heads[people["english"].email]["Subject"].startswith("[Xuekao] Exam")
    assert heads[people["chinese"].email]["Subject"].startswith("【学考】考试《年终测试》已开放")


def test_in_a_job_each_chunk_is_committed_and_followed_by_a_pause(app, monkeypatch):
    """SCHEDULER_YIELD: the job sleeps between its chunks (a share of the CPU it used, never
    more than MAX_PAUSE_SECONDS at once); with 0 it never sleeps."""
    people = audience()
    db.session.commit()
    monkeypatch.setattr(services, "BULK_CHUNK", 2)
    pauses: list[float] = []
    monkeypatch.setattr(jobs.time, "sleep", pauses.append)
    spec = jobs.find_job("exams.remind_opened")
    with time_machine.travel(MORNING, tick=False):
        monkeypatch.setitem(app.config, "SCHEDULER_YIELD", 0)
        run = jobs.run_job(spec, trigger="manual", force=True)
        assert run.outcome == "ok" and run.counts == {"count": 5}
        assert pauses == []
        db.session.execute(Notification.__table__.delete())
        db.session.commit()
        monkeypatch.setitem(app.config, "SCHEDULER_YIELD", 1000)
        run = jobs.run_job(spec, trigger="manual", force=True)
    assert run.outcome == "ok" and run.counts == {"count": 5}
    assert len(notes("exam.opened")) == len(people["cadres"])
    # after the read and after each of the three chunks (2 + 2 + 1), each capped
    assert len(pauses) >= 3
    assert all(0 < p <= jobs.MAX_PAUSE_SECONDS for p in pauses)

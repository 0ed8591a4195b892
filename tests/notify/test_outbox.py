"""The outbox: email over SMTP to a real server on loopback, group robots to a local HTTP
server (bodies and signatures checked), each try recorded, retries with backoff, permanent
failures shown to admins, and a dead server never holding up a page."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta
from email import message_from_bytes
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from app.common.timeutil import utcnow
from app.extensions import db
from app.notify import jobs, outbox, services, tasks
from app.notify.models import Delivery, JobRun, NotificationPreference, TeamRobot
from bench.sinks import bad_smtp_server, free_port, smtp_server, webhook_server
from tests.factories import make_team, make_user


def email_user(team=None, language="zh_CN", role="cadre", **kw):
    user = make_user(role, team or make_team(), **kw)
    user.email = f"{user.username}@example.org"
    db.session.add(NotificationPreference(user_id=user.id, email=True, language=language))
    db.session.flush()
    return user


def body_parts(message) -> dict[str, str]:
    return {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in message.walk()
        if not p.is_multipart()
    }


def deliveries() -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).order_by(Delivery.id)))


def test_email_goes_as_text_and_html_in_the_users_language(app, mail_config):
    with smtp_server() as (port, inbox):
        mail_config(port)
        english = email_user(language="en")
        chinese = email_user()
        no_email = make_user("cadre")
        for user in (english, chinese, no_email):
            services.notify(user, "考试《党章》已开放", "/exams/1")
        assert len(deliveries()) == 2  # only those who chose email
        assert tasks.send_outbox() == {"sent": 2, "retry": 0, "failed": 0, "deferred": 0}
    assert sorted(e.rcpt_tos[0] for e in inbox.messages) == sorted([english.email, chinese.email])
    by_to = {e.rcpt_tos[0]: message_from_bytes(e.content) for e in inbox.messages}
    en = by_to[english.email]
    parts = body_parts(en)
    assert "考试《党章》已开放" in parts["text/plain"]
    assert "https://xuekao.example/exams/1" in parts["text/plain"]
    assert "Do not reply" in parts["text/plain"] or "do not reply" in parts["text/plain"]
    assert '<a href="https://xuekao.example/exams/1">' in parts["text/html"]
    zh_parts = body_parts(by_to[chinese.email])
    assert "请勿直接回复" in zh_parts["text/plain"]
    assert all(d.status == "sent" and len(d.attempts) == 1 for d in deliveries())


def test_a_refused_recipient_fails_at_once_and_admins_see_it(app, mail_config):
    admin = make_user("admin", make_team())
    with smtp_server(refuse=True) as (port, _inbox):
        mail_config(port)
        services.notify(email_user(), "通知")
        assert tasks.send_outbox()["failed"] == 1
    (delivery,) = deliveries()
    assert delivery.status == "failed" and "550" in delivery.last_error
    db.session.commit()
    client = app.test_client()
    client.login(admin.username)
    page = client.get("/admin/notify/outbox").get_data(as_text=True)
    assert "550" in page
    client.post_form(f"/admin/notify/outbox/{delivery.id}/retry")
    assert delivery.status == "pending"


@pytest.mark.parametrize("mode", ["closed", "hang", "drop"])
def test_a_dead_smtp_server_leaves_the_outbox_retrying(app, mail_config, mode):
    user = email_user()
    if mode == "closed":
        mail_config(free_port())
        services.notify(user, "通知")
        counts = tasks.send_outbox()
    else:
        with bad_smtp_server(mode) as (port, connections):
            mail_config(port, MAIL_TIMEOUT_SECONDS=0.5)
            services.notify(user, "通知")
            started = time.monotonic()
            counts = tasks.send_outbox()
            assert time.monotonic() - started < 5  # the timeout, not forever
            assert connections[0] == 1
    assert counts == {"sent": 0, "retry": 1, "failed": 0, "deferred": 0}
    (delivery,) = deliveries()
    assert delivery.status == "pending" and delivery.tries == 1 and delivery.last_error
    base = app.config["NOTIFY_RETRY_BASE_SECONDS"]
    assert delivery.next_attempt_at >= utcnow() + timedelta(seconds=base - 5)
    # not due again yet; then each later try waits twice as long, up to the last
    assert tasks.send_outbox() == {"sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    waits = []
    for _ in range(app.config["NOTIFY_MAX_TRIES"] - 1):
        before = delivery.next_attempt_at
        outbox.send_due(now=before)
        waits.append((delivery.next_attempt_at - before).total_seconds())
    assert delivery.status == "failed" and len(delivery.attempts) == app.config["NOTIFY_MAX_TRIES"]
    assert waits[:3] == [base * 2, base * 4, base * 8]


def test_a_page_that_notifies_never_talks_to_the_mail_server(app, mail_config):
    sec_team = make_team()
    sec = make_user(("secretary", "cadre"), sec_team)
    users = [email_user(sec_team) for _ in range(3)]
    db.session.commit()
    with bad_smtp_server("hang") as (port, connections):
        mail_config(port, MAIL_TIMEOUT_SECONDS=5)
        client = app.test_client()
        client.login(sec.username)
        started = time.monotonic()
        response = client.post_form(
            "/notifications/remind",
            {"users": ",".join(str(u.id) for u in users), "message": "请完成学习", "confirm": "y"},
        )
        assert response.status_code == 302
        assert time.monotonic() - started < 2 and connections[0] == 0
    assert len([d for d in deliveries() if d.status == "pending"]) == 3


def test_quiet_hours_hold_email_until_they_end(app, mail_config):
    mail_config(25, NOTIFY_QUIET_HOURS="22:00-07:00")
    user = email_user()
    late = datetime(2026, 3, 2, 15, 30)  # 23:30 in Shanghai
    services.notify(user, "深夜的通知", now=late)
    (delivery,) = deliveries()
    assert delivery.next_attempt_at == datetime(2026, 3, 2, 23, 0)  # 07:00 next morning
    noon = datetime(2026, 3, 3, 4, 0)
    assert outbox.quiet_until(noon, outbox.parse_quiet("22:00-07:00")) == noon
    # a user's own hours win over the site's
    pref = db.session.get(NotificationPreference, user.id)
    pref.quiet_start, pref.quiet_end = "12:00", "13:00"
    services.notify(user, "午休时的通知", now=noon)
    assert deliveries()[-1].next_attempt_at == datetime(2026, 3, 3, 5, 0)


def robot(team, kind, url, secret=""):
    bot = TeamRobot(team_id=team.id, kind=kind, name=kind, url=url, secret=secret)
    db.session.add(bot)
    db.session.flush()
    return bot


def test_robots_get_their_own_formats_and_signatures(app, mail_config):
    mail_config(25)
    team = make_team()
    with webhook_server() as hook:
        base = f"http://127.0.0.1:{hook.server_port}"
        robot(team, "wecom", f"{base}/wecom")
        robot(team, "dingtalk", f"{base}/ding?access_token=t", "SECding")
        robot(team, "feishu", f"{base}/feishu", "feishu-secret")
        robot(team, "json", f"{base}/json", "json-secret")
        assert services.notify_team(team.id, "考试已开放", "/exams/1", key="exam.opened:1") == 4
        assert services.notify_team(team.id, "考试已开放", "/exams/1", key="exam.opened:1") == 0
        assert tasks.send_outbox()["sent"] == 4
    got = {urlparse(r["path"]).path: r for r in hook.received}
    wecom = json.loads(got["/wecom"]["body"])
    assert wecom["msgtype"] == "text" and "考试已开放" in wecom["text"]["content"]
    assert "https://xuekao.example/exams/1" in wecom["text"]["content"]

    query = parse_qs(urlparse(got["/ding"]["path"]).query)
    ts = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(b"SECding", f"{ts}\nSECding".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"][0] == expected and query["access_token"] == ["t"]
    assert json.loads(got["/ding"]["body"])["msgtype"] == "text"

    feishu = json.loads(got["/feishu"]["body"])
    string_to_sign = f"{feishu['timestamp']}\nfeishu-secret".encode()
    assert (
        feishu["sign"]
        == base64.b64encode(hmac.new(string_to_sign, b"", hashlib.sha256).digest()).decode()
    )
    assert feishu["msg_type"] == "text" and "考试已开放" in feishu["content"]["text"]

    body = got["/json"]["body"]
    signature = got["/json"]["headers"]["X-Xuekao-Signature"]
    assert signature == "sha256=" + hmac.new(b"json-secret", body, hashlib.sha256).hexdigest()
    assert json.loads(body)["link"] == "https://xuekao.example/exams/1"


def test_a_robot_that_says_no_is_retried(app, mail_config):
    mail_config(25)
    team = make_team()
    with webhook_server(answer=(200, {"errcode": 310000, "errmsg": "sign not match"})) as hook:
        robot(team, "dingtalk", f"http://127.0.0.1:{hook.server_port}/x", "s")
        services.notify_team(team.id, "通知", key="k")
        assert tasks.send_outbox() == {"sent": 0, "retry": 1, "failed": 0, "deferred": 0}
    (delivery,) = deliveries()
    assert "310000" in delivery.last_error and delivery.attempts[0].ok is False


def test_secretaries_configure_their_own_teams_robots(app):
    team, other = make_team(), make_team()
    sec = make_user(("secretary", "cadre"), team)
    db.session.commit()
    client = app.test_client()
    client.login(sec.username)
    bad = client.post_form(
        f"/notifications/teams/{team.id}/robots", {"kind": "feishu", "name": "群", "url": "ftp://x"}
    )
    assert "http://" in bad.get_data(as_text=True)
    ok = client.post_form(
        f"/notifications/teams/{team.id}/robots",
        {"kind": "feishu", "name": "班子群", "url": "https://open.feishu.example/hook/abc"},
    )
    assert ok.status_code == 302
    assert [r.name for r in db.session.scalars(select(TeamRobot))] == ["班子群"]
    assert client.get(f"/notifications/teams/{other.id}/robots").status_code == 403
    index = client.get("/notifications/robots").get_data(as_text=True)
    assert f"/notifications/teams/{team.id}/robots" in index
    assert f"/notifications/teams/{other.id}/robots" not in index


def test_a_hung_mail_server_costs_one_timeout_and_robots_still_go(app, mail_config):
    team = make_team()
    users = [email_user(team) for _ in range(3)]
    with bad_smtp_server("hang") as (port, connections), webhook_server() as hook:
        mail_config(port, MAIL_TIMEOUT_SECONDS=0.5)
        robot(team, "wecom", f"http://127.0.0.1:{hook.server_port}/w")
        for user in users:
            services.notify(user, "通知")
        services.notify_team(team.id, "群通知", key="k")
        started = time.monotonic()
        counts = tasks.send_outbox()
        assert time.monotonic() - started < 3
        assert connections[0] == 1 and len(hook.received) == 1
    assert counts == {"sent": 1, "retry": 1, "failed": 0, "deferred": 2}
    emails = [d for d in deliveries() if d.channel == "email"]
    assert sorted(d.tries for d in emails) == [0, 0, 1]
    assert all(d.status == "pending" for d in emails)


def test_a_claimed_batch_is_not_claimed_again_until_its_lease_lapses(app, mail_config):
    mail_config(free_port())
    for user in [email_user() for _ in range(3)]:
        services.notify(user, "通知")
    now = utcnow() + timedelta(seconds=1)
    lease = timedelta(minutes=10)
    first_token, first = outbox.claim_batch(now, 2, lease)
    second_token, second = outbox.claim_batch(now, 2, lease)
    assert len(first) == 2 and len(second) == 1
    assert not {j.id for j in first} & {j.id for j in second}
    assert outbox.claim_batch(now, 2, lease)[1] == []
    assert {d.status for d in deliveries()} == {"sending"}
    # the run holding the first batch died: after its lease the batch is due again
    _token, again = outbox.claim_batch(now + lease + timedelta(seconds=1), 10, lease)
    assert sorted(j.id for j in again) == sorted(j.id for j in first + second)
    # a run whose claim was taken over records its try but changes no state
    stale = outbox._record_batch(first_token, [(first[0], "", False, 5)], now)
    assert stale == ["sent"]
    db.session.expire_all()
    assert db.session.get(Delivery, first[0].id).status == "sending"


def test_a_batch_is_sent_and_recorded_together(app, mail_config):
    with smtp_server() as (port, inbox), webhook_server() as hook:
        mail_config(port, NOTIFY_OUTBOX_BATCH=4)
        team = make_team()
        for user in [email_user(team) for _ in range(9)]:
            services.notify(user, "通知")
        robot(team, "wecom", f"http://127.0.0.1:{hook.server_port}/w")
        services.notify_team(team.id, "群通知", key="k1")
        services.notify_team(team.id, "群通知二", key="k2")
        assert tasks.send_outbox() == {"sent": 11, "retry": 0, "failed": 0, "deferred": 0}
        assert len(inbox.messages) == 9 and len(hook.received) == 2
    assert all(d.status == "sent" and d.claim is None and d.tries == 1 for d in deliveries())
    assert all(len(d.attempts) == 1 and d.attempts[0].ok for d in deliveries())


def test_each_recipient_reads_the_reminder_itself_in_their_language(app, mail_config):
    """A job's reminder (written with lazy_gettext) reaches an English-preferring admin in
    English and a Chinese one in Chinese: the email body from a real SMTP server, and the
    inbox page in each reader's language."""
    team = make_team()
    english = email_user(team, language="en", role="admin")
    chinese = email_user(team, role="admin")
    db.session.add(JobRun(job="notify.outbox", outcome="error", started_at=utcnow()))
    db.session.flush()
    with smtp_server() as (port, inbox):
        mail_config(port)
        assert tasks.report_failing_jobs() == 2
        assert tasks.send_outbox()["sent"] == 2
    by_to = {e.rcpt_tos[0]: body_parts(message_from_bytes(e.content)) for e in inbox.messages}
    en, zh = by_to[english.email], by_to[chinese.email]
    assert 'Scheduled job "notify.outbox" failed on its last run' in en["text/plain"]
    assert "最近一次运行失败" not in en["text/plain"] + en["text/html"]
    assert "Scheduled job &#34;notify.outbox&#34; failed" in en["text/html"]
    assert "定时任务“notify.outbox”最近一次运行失败" in zh["text/plain"]
    assert "Scheduled job" not in zh["text/plain"]
    db.session.commit()
    for user, lang, expected, other in (
        (english, "en", 'Scheduled job "notify.outbox" failed', "最近一次运行失败"),
        (chinese, "zh_CN", "定时任务“notify.outbox”最近一次运行失败", "Scheduled job"),
    ):
        client = app.test_client()
        client.get(f"/lang/{lang}")
        client.login(user.username)
        page = client.get("/notifications/").get_data(as_text=True)
        assert expected in page.replace("&#34;", '"').replace("&quot;", '"')
        assert other not in page


def test_the_outbox_job_pauses_after_each_delivery(app, mail_config, monkeypatch):
    """NOTIFY_OUTBOX_YIELD: in a job the outbox sleeps after each send (no transaction open), so
    delivering a big reminder does not take the web requests' CPU; every email still goes."""
    pauses: list[float] = []
    monkeypatch.setattr(jobs.time, "sleep", pauses.append)
    monkeypatch.setitem(app.config, "NOTIFY_OUTBOX_YIELD", 1000)
    team = make_team()
    with smtp_server() as (port, inbox):
        mail_config(port)
        for user in [email_user(team) for _ in range(3)]:
            services.notify(user, "通知")
        db.session.commit()
        run = jobs.run_job(jobs.find_job("notify.outbox"), trigger="manual", force=True)
    assert run.outcome == "ok" and run.counts["sent"] == 3 and len(inbox.messages) == 3
    assert len(pauses) == 3 and all(0 < p <= jobs.MAX_PAUSE_SECONDS for p in pauses)

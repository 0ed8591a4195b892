"""The outbox: email and robot messages are rows first, sent later by the outbox job.

Pages and jobs only queue (an insert); the outbox job sends with timeouts, one delivery at a
time, recording each try. A failed try is retried after NOTIFY_RETRY_BASE_SECONDS × 2^(n-1);
after NOTIFY_MAX_TRIES, or at once on a permanent refusal, the delivery is ``failed`` and shown
to admins. Quiet hours (the user's, else NOTIFY_QUIET_HOURS) hold email and robot messages
until they end. No network traffic happens inside a database transaction.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import func, select

from app.auth.models import User
from app.common.timeutil import SHANGHAI, to_local, utcnow
from app.extensions import db
from app.notify import mail, robots
from app.notify.models import Delivery, DeliveryAttempt, NotificationPreference, TeamRobot


# --- quiet hours --------------------------------------------------------------------------
def parse_quiet(spec: str) -> tuple[dtime, dtime] | None:
    """``"22:00-07:00"`` → (22:00, 07:00); empty or malformed → None."""
    try:
        start, end = (dtime.fromisoformat(part.strip()) for part in spec.split("-", 1))
    except ValueError:
        return None
    return None if start == end else (start, end)


def quiet_until(now: datetime, quiet: tuple[dtime, dtime] | None) -> datetime:
    """When a message queued at ``now`` (naive UTC) may go: ``now``, or the end of the quiet
    hours it falls in (naive UTC)."""
    if quiet is None:
        return now
    start, end = quiet
    local = to_local(now)
    t = local.time().replace(tzinfo=None)
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return now
    end_day = local.date() if t < end else local.date() + timedelta(days=1)
    local_end = datetime.combine(end_day, end, tzinfo=SHANGHAI)
    return local_end.astimezone(UTC).replace(tzinfo=None)


def site_quiet() -> tuple[dtime, dtime] | None:
    return parse_quiet(current_app.config.get("NOTIFY_QUIET_HOURS", ""))


def absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return current_app.config.get("SITE_URL", "").rstrip("/") + link


# --- queueing -----------------------------------------------------------------------------
def email_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def queue_emails(
    pairs: Sequence[tuple[int, int]], message: str, link: str, *, now: datetime | None = None
) -> int:
    """Queue an email for each (notification id, user id) whose user chose email and has an
    address. Returns how many were queued."""
    if not pairs or not email_enabled():
        return 0
    now = now or utcnow()
    user_ids = [user_id for _, user_id in pairs]
    rows = db.session.execute(
        select(User.id, User.email, NotificationPreference)
        .join(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(User.id.in_(user_ids), NotificationPreference.email, User.email != "")
    ).all()
    if not rows:
        return 0
    wanted = {user_id: (address, pref) for user_id, address, pref in rows}
    default_quiet = site_quiet()
    values = []
    for note_id, user_id in pairs:
        if user_id not in wanted:
            continue
        address, pref = wanted[user_id]
        quiet = parse_quiet(f"{pref.quiet_start}-{pref.quiet_end}") or default_quiet
        subject, text, html = render_email(message, link, pref.language)
        values.append(
            {
                "key": f"email:n{note_id}",
                "channel": "email",
                "notification_id": note_id,
                "user_id": user_id,
                "recipient": address,
                "subject": subject,
                "body_text": text,
                "body_html": html,
                "link": link[:500],
                "status": "pending",
                "tries": 0,
                "next_attempt_at": quiet_until(now, quiet),
                "last_error": "",
                "created_at": now,
            }
        )
    if values:
        db.session.execute(Delivery.__table__.insert(), values)
    return len(values)


_EMAIL_CACHE: dict[tuple[str, str, str], tuple[str, str, str]] = {}


def render_email(message: str, link: str, language: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a notification email, in ``language``."""
    cache_key = (message, link, language)
    if cache_key in _EMAIL_CACHE:
        return _EMAIL_CACHE[cache_key]
    target = absolute(link)
    with force_locale(language or "zh_CN"):
        subject = _("【学考】%(m)s", m=message[:80])
        footer = _("此邮件由学考平台自动发送，请勿直接回复。")
        open_label = _("查看详情")
    text = (
        f"{message}\n\n{open_label}: {target}\n\n-- \n{footer}\n"
        if target
        else (f"{message}\n\n-- \n{footer}\n")
    )
    link_html = f'<p><a href="{escape(target)}">{escape(open_label)}</a></p>' if target else ""
    html = (
        f'<html><body><p>{escape(message)}</p>{link_html}<hr><p style="color:#888">'
        f"{escape(footer)}</p></body></html>"
    )
    if len(_EMAIL_CACHE) > 256:
        _EMAIL_CACHE.clear()
    _EMAIL_CACHE[cache_key] = (subject, text, html)
    return subject, text, html


def queue_robot_messages(
    team_id: int, message: str, link: str, *, key: str, now: datetime | None = None
) -> int:
    now = now or utcnow()
    robots_ = db.session.scalars(
        select(TeamRobot).where(TeamRobot.team_id == team_id, TeamRobot.active)
    ).all()
    due = quiet_until(now, site_quiet())
    queued = 0
    for robot in robots_:
        delivery_key = f"robot:{robot.id}:{key}"[:255]
        exists = db.session.scalar(select(Delivery.id).where(Delivery.key == delivery_key))
        if exists:
            continue
        db.session.add(
            Delivery(
                key=delivery_key,
                channel="robot",
                robot_id=robot.id,
                recipient=robot.url,
                subject=message[:200],
                body_text=message,
                link=link[:500],
                next_attempt_at=due,
                created_at=now,
            )
        )
        queued += 1
    db.session.flush()
    return queued


# --- sending ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Job:
    id: int
    channel: str
    recipient: str
    subject: str
    body_text: str
    body_html: str
    link: str
    tries: int
    robot_kind: str
    robot_secret: str


def pending_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.status == "pending")
    )


def send_due(now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Send the deliveries that are due. Commits after each one, so a failure (or a kill)
    loses at most the try under way. Returns counts by result."""
    config = current_app.config
    now = now or utcnow()
    limit = limit or config["NOTIFY_OUTBOX_BATCH"]
    rows = db.session.execute(
        select(Delivery, TeamRobot.kind, TeamRobot.secret)
        .outerjoin(TeamRobot, TeamRobot.id == Delivery.robot_id)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    ).all()
    jobs = [
        _Job(
            d.id,
            d.channel,
            d.recipient,
            d.subject,
            d.body_text,
            d.body_html,
            d.link,
            d.tries,
            kind or "",
            secret or "",
        )
        for d, kind, secret in rows
    ]
    db.session.commit()  # no transaction stays open while we talk to the network
    settings = mail.MailSettings.from_config(config)
    counts = {"sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    # A server that failed once in this run is not tried again until the next run: a hung
    # SMTP server costs one timeout, not one per queued email, and robots still go.
    down: set[str] = set()
    with mail.Connection(settings) as connection:
        for job in jobs:
            target = "smtp" if job.channel == "email" else job.recipient
            if target in down:
                counts["deferred"] += 1
                continue
            started = time.monotonic()
            error, permanent = _send_one(job, connection, config)
            elapsed = int((time.monotonic() - started) * 1000)
            result = _record(job, error, permanent, elapsed, utcnow() if now is None else now)
            if error and not permanent:
                down.add(target)
            counts[result] += 1
            db.session.commit()
    return counts


def _send_one(job: _Job, connection: mail.Connection, config) -> tuple[str, bool]:
    try:
        if job.channel == "email":
            settings = connection.settings
            connection.send(
                mail.build_message(
                    settings, job.recipient, job.subject, job.body_text, job.body_html
                )
            )
        else:
            text = job.body_text + (f"\n{absolute(job.link)}" if job.link else "")
            request = robots.build_request(
                job.robot_kind,
                job.recipient,
                job.robot_secret,
                text,
                title=job.subject,
                link=absolute(job.link),
                now_s=time.time(),
            )
            robots.post(request, job.robot_kind, config["WEBHOOK_TIMEOUT_SECONDS"])
    except mail.MailError as exc:
        return str(exc) or "error", exc.permanent
    except robots.RobotError as exc:
        return str(exc) or "error", False
    except Exception as exc:  # one bad delivery must not stop the others
        return f"{type(exc).__name__}: {exc}"[:300], False
    return "", False


def _record(job: _Job, error: str, permanent: bool, elapsed_ms: int, now: datetime) -> str:
    delivery = db.session.get(Delivery, job.id)
    if delivery is None or delivery.status != "pending":
        return "sent" if not error else "failed"
    delivery.tries += 1
    delivery.attempts.append(
        DeliveryAttempt(at=now, ok=not error, error=error[:500], duration_ms=elapsed_ms)
    )
    if not error:
        delivery.status, delivery.sent_at, delivery.last_error = "sent", now, ""
        return "sent"
    delivery.last_error = error[:500]
    config = current_app.config
    if permanent or delivery.tries >= config["NOTIFY_MAX_TRIES"]:
        delivery.status = "failed"
        return "failed"
    backoff = config["NOTIFY_RETRY_BASE_SECONDS"] * 2 ** (delivery.tries - 1)
    delivery.next_attempt_at = now + timedelta(seconds=backoff)
    return "retry"


def failed_deliveries(limit: int = 50) -> list[Delivery]:
    return list(
        db.session.scalars(
            select(Delivery)
            .where(Delivery.status == "failed")
            .order_by(Delivery.id.desc())
            .limit(limit)
        )
    )


def retry(delivery: Delivery, now: datetime | None = None) -> None:
    """An admin sends a failed delivery again (from the next outbox run)."""
    delivery.status = "pending"
    delivery.tries = 0
    delivery.next_attempt_at = now or utcnow()
    db.session.flush()

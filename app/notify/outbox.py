"""The outbox: email and robot messages are rows first, sent later by the outbox job.

Pages and jobs only queue (an insert); the outbox job claims due deliveries a batch at a time,
sends them with timeouts and records each try and outcome per batch (``send_due``). A failed try is retried after NOTIFY_RETRY_BASE_SECONDS × 2^(n-1);
after NOTIFY_MAX_TRIES, or at once on a permanent refusal, the delivery is ``failed`` and shown
to admins. Quiet hours (the user's, else NOTIFY_QUIET_HOURS) hold email and robot messages
until they end. No network traffic happens inside a database transaction.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import String, bindparam, cast, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.auth.models import User
from app.common.timeutil import SHANGHAI, to_local, utcnow
from app.extensions import db
from app.notify import jobs, mail, messages, robots
from app.notify.models import (
    Delivery,
    DeliveryAttempt,
    Notification,
    NotificationPreference,
    TeamRobot,
)


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
    pairs: Sequence[tuple[int, int]], message, link: str, *, now: datetime | None = None
) -> int:
    """Queue an email for each (notification id, user id) whose user chose email and has an
    address, rendered now in that user's language (``message``: a string, a lazy
    ``gettext`` string or a ``messages.Message``). Returns how many were queued."""
    if not pairs or not email_enabled():
        return 0
    now = now or utcnow()
    message = messages.split(message)
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
        values.append(
            {
                "key": f"email:n{note_id}",
                "notification_id": note_id,
                "user_id": user_id,
                "recipient": address,
                **_new_email(message, link, pref.language, quiet, now),
            }
        )
    if values:
        db.session.execute(Delivery.__table__.insert(), values)
    return len(values)


def queue_audience_emails(
    note_ids: tuple[int, int], kind: str, message, link: str, *, now: datetime | None = None
) -> int:
    """``queue_emails`` for the notifications of one message just written (``kind``, created
    at ``now``, ids from ``note_ids[0]`` to ``note_ids[1]``), built by the database: the email
    is rendered once per (language, quiet hours) among the recipients who chose email and
    have an address, and each group is one ``INSERT … SELECT`` (a delivery that exists
    already is skipped by its unique key). Returns how many."""
    if not email_enabled():
        return 0
    now = now or utcnow()
    message = messages.split(message)
    notes, users, prefs = Notification.__table__, User.__table__, NotificationPreference.__table__
    joined = notes.join(users, users.c.id == notes.c.user_id).join(
        prefs, prefs.c.user_id == notes.c.user_id
    )
    wanted = (
        notes.c.id.between(*note_ids),
        notes.c.kind == kind,
        notes.c.created_at == now,
        prefs.c.email.is_(True),
        users.c.email != "",
    )
    groups = db.session.execute(
        select(prefs.c.language, prefs.c.quiet_start, prefs.c.quiet_end)
        .select_from(joined)
        .where(*wanted)
        .distinct()
    ).all()
    default_quiet = site_quiet()
    table = Delivery.__table__
    queued = 0
    for language, quiet_start, quiet_end in groups:
        quiet = parse_quiet(f"{quiet_start}-{quiet_end}") or default_quiet
        constants = _new_email(message, link, language, quiet, now)
        rows = select(
            literal("email:n", String) + cast(notes.c.id, String),
            notes.c.id,
            notes.c.user_id,
            users.c.email,
            *(literal(value, table.c[name].type) for name, value in constants.items()),
        ).select_from(joined)
        rows = rows.where(
            *wanted,
            prefs.c.language.is_not_distinct_from(language),
            prefs.c.quiet_start.is_not_distinct_from(quiet_start),
            prefs.c.quiet_end.is_not_distinct_from(quiet_end),
        )
        columns = ["key", "notification_id", "user_id", "recipient", *constants]
        statement = _dialect_insert(table).from_select(columns, rows)
        statement = statement.on_conflict_do_nothing(index_elements=["key"])
        queued += db.session.execute(statement).rowcount or 0
    return queued


def _new_email(message, link: str, language: str, quiet, now: datetime) -> dict:
    """The columns of a new email delivery that do not name its recipient: the email
    rendered in ``language``, pending until the recipient's quiet hours are over."""
    subject, text, html = render_email(message, link, language)
    return {
        "channel": "email",
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


def _dialect_insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


_EMAIL_CACHE: dict[tuple, tuple[str, str, str]] = {}


def render_email(message, link: str, language: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a notification email, all in ``language`` (the message
    too, when it was written with ``lazy_gettext``)."""
    parts = messages.split(message)
    cache_key = (*parts.identity, link, language)
    if cache_key in _EMAIL_CACHE:
        return _EMAIL_CACHE[cache_key]
    target = absolute(link)
    message = parts.render(language)
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
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.status.in_(("pending", "sending")))
    )


def claim_batch(now: datetime, limit: int, lease: timedelta) -> tuple[str, list[_Job]]:
    """Claim up to ``limit`` due deliveries for this run and commit: they become ``sending``
    with this run's token until ``now + lease``. One statement, so two runs never claim the
    same row: PostgreSQL skips rows another claim has locked (``FOR UPDATE SKIP LOCKED``) and
    re-checks the rest; SQLite runs one writer at a time. A ``sending`` row whose lease ran out
    (its run died) is due again."""
    token = uuid.uuid4().hex
    due = (
        select(Delivery.id)
        .where(Delivery.status.in_(("pending", "sending")), Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = db.session.execute(
        update(Delivery)
        .where(Delivery.id.in_(due.scalar_subquery()))
        .values(status="sending", claim=token, next_attempt_at=now + lease)
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    ).scalars()
    ids = list(claimed)
    rows = []
    if ids:
        rows = db.session.execute(
            select(Delivery, TeamRobot.kind, TeamRobot.secret)
            .outerjoin(TeamRobot, TeamRobot.id == Delivery.robot_id)
            .where(Delivery.id.in_(ids), Delivery.claim == token)
            .order_by(Delivery.id)
        ).all()
    claimed_jobs = [
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
    return token, claimed_jobs


def send_due(now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Send the deliveries that are due, batch after batch: claim a batch (commit), send it
    over one SMTP connection and one HTTP connection per robot host, record every try and
    outcome in one transaction (commit). Stops when a batch comes back short or after
    NOTIFY_OUTBOX_RUN_SECONDS. A process killed mid-batch sends that batch's unrecorded
    deliveries again once their claim lapses (NOTIFY_OUTBOX_CLAIM_SECONDS): at least once for
    the batch in flight, exactly once for the rest. Returns counts by result."""
    config = current_app.config
    run_now = now or utcnow()
    limit = limit or config["NOTIFY_OUTBOX_BATCH"]
    lease = timedelta(seconds=config["NOTIFY_OUTBOX_CLAIM_SECONDS"])
    deadline = time.monotonic() + config["NOTIFY_OUTBOX_RUN_SECONDS"]
    settings = mail.MailSettings.from_config(config)
    counts = {"sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    # A server that failed once in this run is not tried again until the next run: a hung
    # SMTP server costs one timeout, not one per queued email, and robots still go.
    down: set[str] = set()
    with mail.Connection(settings) as connection, robots.Session() as http:
        while True:
            token, batch = claim_batch(run_now, limit, lease)
            outcomes = []
            for job in batch:
                target = "smtp" if job.channel == "email" else job.recipient
                if target in down:
                    outcomes.append((job, None, False, 0))
                    continue
                started = time.monotonic()
                error, permanent = _send_one(job, connection, http, config)
                elapsed = int((time.monotonic() - started) * 1000)
                if error and not permanent:
                    down.add(target)
                outcomes.append((job, error, permanent, elapsed))
                # in a job: no transaction is open; yield to web requests
                jobs.pause("NOTIFY_OUTBOX_YIELD")
            for result in _record_batch(token, outcomes, run_now if now else None):
                counts[result] += 1
            db.session.commit()
            if len(batch) < limit or time.monotonic() > deadline:
                return counts


def _send_one(
    job: _Job, connection: mail.Connection, http: robots.Session, config
) -> tuple[str, bool]:
    try:
        if job.channel == "email":
            settings = connection.settings
            connection.send(
                mail.prepare(settings, job.recipient, job.subject, job.body_text, job.body_html)
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
            http.post(request, job.robot_kind, config["WEBHOOK_TIMEOUT_SECONDS"])
    except mail.MailError as exc:
        return str(exc) or "error", exc.permanent
    except robots.RobotError as exc:
        return str(exc) or "error", False
    except Exception as exc:  # one bad delivery must not stop the others
        return f"{type(exc).__name__}: {exc}"[:300], False
    return "", False


def _record_batch(token: str, outcomes: list, now: datetime | None) -> list[str]:
    """Write each try (``delivery_attempts``) and each delivery's new state, for the rows this
    run still holds (``claim == token``), in the session's transaction. ``error`` None: not
    tried (its server was down earlier in this run) — back to ``pending`` for the next run."""
    config = current_app.config
    results, updates, attempts = [], [], []
    for job, error, permanent, elapsed in outcomes:
        at = now or utcnow()
        row = {"b_id": job.id, "b_claim": token, "claim": None, "status": "pending"}
        if error is None:
            # not before the next run: this run claims only rows due at its start
            row.update(next_attempt_at=at + _NEXT_RUN)
            results.append("deferred")
        else:
            tries = job.tries + 1
            attempts.append(
                {
                    "delivery_id": job.id,
                    "at": at,
                    "ok": not error,
                    "error": error[:500],
                    "duration_ms": elapsed,
                }
            )
            row.update(tries=tries, last_error=error[:500], next_attempt_at=at)
            if not error:
                row.update(status="sent", sent_at=at)
                results.append("sent")
            elif permanent or tries >= config["NOTIFY_MAX_TRIES"]:
                row.update(status="failed")
                results.append("failed")
            else:
                backoff = config["NOTIFY_RETRY_BASE_SECONDS"] * 2 ** (tries - 1)
                row.update(next_attempt_at=at + timedelta(seconds=backoff))
                results.append("retry")
        updates.append(row)
    if attempts:
        db.session.execute(DeliveryAttempt.__table__.insert(), attempts)
    table = Delivery.__table__
    for keys in {tuple(sorted(row)) for row in updates}:  # one executemany per row shape
        rows = [row for row in updates if tuple(sorted(row)) == keys]
        values = {k: bindparam(k) for k in keys if not k.startswith("b_")}
        stmt = (
            table.update()
            .where(table.c.id == bindparam("b_id"), table.c.claim == bindparam("b_claim"))
            .values(**values)
        )
        db.session.execute(stmt, rows)
    db.session.expire_all()
    return results


_NEXT_RUN = timedelta(seconds=1)


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
    delivery.claim = None
    delivery.tries = 0
    delivery.next_attempt_at = now or utcnow()
    db.session.flush()

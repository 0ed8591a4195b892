"""Notifications: record a message for a user (once per dedupe key), queue its email and the
team robots' messages, and the inbox (unread, history, mark read, purge).

Other features call ``notify(user, message, link)`` (positional, as always) and, for reminders
that must arrive once, ``notify(user, message, link, kind=..., key=...)`` or ``notify_many``.
A dedupe key names kind + object + recipient + period, e.g. ``exam.closing:17:24h:u42``; a
second send with the same key inserts nothing (a unique constraint, on both databases).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, String, cast, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.auth.models import SecretaryScope, User, UserRole
from app.common.timeutil import utcnow
from app.extensions import db
from app.notify import jobs, messages, outbox
from app.notify.models import Notification

BULK_CHUNK = 1000


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(Notification)


def notify(
    user,
    message: str,
    link: str = "",
    now: datetime | None = None,
    *,
    kind: str = "message",
    key: str | None = None,
    email: bool = True,
) -> Notification | None:
    """Put ``message`` in ``user``'s inbox (and queue it by email if they chose email).
    With a ``key`` already used, nothing happens and ``None`` comes back. Written with
    ``lazy_gettext``, the message reads in each recipient's language (app/notify/messages.py)."""
    now = now or utcnow()
    parts = messages.split(message)
    if key is None:
        note = Notification(
            user_id=user.id,
            kind=kind,
            message=parts.text,
            msgid=parts.msgid,
            params=parts.params,
            link=link[:500],
            created_at=now,
        )
        db.session.add(note)
        db.session.flush()
    else:
        new_id = db.session.execute(
            _insert()
            .values(
                user_id=user.id,
                kind=kind,
                key=key[:255],
                message=parts.text,
                msgid=parts.msgid,
                params=parts.params,
                link=link[:500],
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(Notification.id)
        ).scalar()
        if new_id is None:
            return None
        note = db.session.get(Notification, new_id)
    if email:
        outbox.queue_emails([(note.id, note.user_id)], parts, link, now=now)
    return note


def notify_many(
    users: Iterable,
    message: str | Callable[[object], str],
    link: str = "",
    *,
    kind: str,
    key: Callable[[object], str] | None = None,
    now: datetime | None = None,
    email: bool = True,
) -> int:
    """The same reminder to many users in a few statements (10,000 cadres: seconds, not
    minutes). ``message`` (a string or ``lazy_gettext``) may be a function of the user;
    ``key(user)`` is each dedupe key. Returns how many were new."""
    now = now or utcnow()
    created = 0
    shared = None if callable(message) else messages.split(message)
    users = list(users)
    for start in range(0, len(users), BULK_CHUNK):
        chunk = users[start : start + BULK_CHUNK]
        parts = {u.id: shared or messages.split(message(u)) for u in chunk}
        batch = [
            {
                "user_id": u.id,
                "kind": kind,
                "key": key(u)[:255] if key else None,
                "message": parts[u.id].text,
                "msgid": parts[u.id].msgid,
                "params": parts[u.id].params,
                "link": link[:500],
                "created_at": now,
            }
            for u in chunk
        ]
        if not batch:
            continue
        stmt = _insert().on_conflict_do_nothing(index_elements=["key"])
        rows = db.session.execute(
            stmt.returning(Notification.id, Notification.user_id), batch
        ).all()
        created += len(rows)
        if email and rows:
            by_message: dict[tuple, tuple[messages.Message, list[tuple[int, int]]]] = {}
            for note_id, user_id in rows:
                part = parts[user_id]
                by_message.setdefault(part.identity, (part, []))[1].append((note_id, user_id))
            for part, pairs in by_message.values():
                outbox.queue_emails(pairs, part, link, now=now)
        jobs.checkpoint()  # in a job: release SQLite's write lock between chunks
    return created


def notify_audience(
    users: Select,
    message,
    link: str = "",
    *,
    kind: str,
    key_prefix: str,
    now: datetime | None = None,
    email: bool = True,
) -> int:
    """The same reminder to everyone ``users`` (a ``select(User)…`` query) selects, its
    rows built by the database: per chunk of BULK_CHUNK recipients one ``INSERT … SELECT``
    (dedupe key ``key_prefix`` + user id, a repeat skipped by the unique key) and the emails
    of the new ones with one ``INSERT … SELECT`` per language and quiet hours, each rendered
    once. Nothing is built per recipient in Python. In a scheduled job each chunk is its own
    short write transaction, and the job yields between chunks (``jobs.checkpoint``).
    Returns how many were new."""
    if len(key_prefix) > 200:
        raise ValueError("key_prefix too long for a dedupe key")
    now = now or utcnow()
    parts = messages.split(message)
    ids = db.session.scalars(
        users.with_only_columns(User.id).order_by(None).order_by(User.id).distinct()
    ).all()
    jobs.checkpoint()  # the read is done: the chunks below are the only write transactions
    table = Notification.__table__
    columns = ("user_id", "kind", "key", "message", "msgid", "params", "link", "created_at")
    constants = {  # the same for every recipient, bound once per statement
        "message": parts.text,
        "msgid": parts.msgid,
        "params": parts.params,
        "link": link[:500],
        "created_at": now,
    }
    created = 0
    for start in range(0, len(ids), BULK_CHUNK):
        # the chunk as a range of ids over the audience query itself: no list of ids is sent
        low, high = ids[start], ids[min(start + BULK_CHUNK, len(ids)) - 1]
        values = [
            User.id,
            literal(kind, table.c.kind.type),
            literal(key_prefix, String) + cast(User.id, String),
            *(literal(constants[c], table.c[c].type) for c in columns[3:]),
        ]
        chunk = users.with_only_columns(*values).order_by(None).where(User.id.between(low, high))
        rows = db.session.execute(
            _insert()
            .from_select(list(columns), chunk)  # a duplicate row: skipped by its key
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(Notification.id)
        ).scalars()
        new_ids = list(rows)
        created += len(new_ids)
        if email and new_ids:
            outbox.queue_audience_emails((min(new_ids), max(new_ids)), kind, parts, link, now=now)
        jobs.checkpoint()
    return created


def notify_team(
    team_id: int, message: str, link: str = "", *, key: str, now: datetime | None = None
) -> int:
    """Post ``message`` to the team's active group robots (once per key), in the site's
    default language (a group chat has no one language). Returns how many were queued."""
    text = messages.split(message).text
    return outbox.queue_robot_messages(team_id, text, link, key=key, now=now)


def already_sent(key: str) -> bool:
    return db.session.scalar(select(Notification.id).where(Notification.key == key)) is not None


def unread(user, limit: int = 20) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def history_query(user):
    """Every notification of ``user``, newest first (the inbox page)."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_read(note: Notification, now: datetime | None = None) -> None:
    if note.read_at is None:
        note.read_at = now or utcnow()
        db.session.flush()


def mark_all_read(user, now: datetime | None = None) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount or 0


def purge(now: datetime | None = None, days: int | None = None) -> int:
    """Delete notifications older than the retention (NOTIFY_RETENTION_DAYS), read or not."""
    days = current_app.config["NOTIFY_RETENTION_DAYS"] if days is None else days
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(
        delete(Notification)
        .where(Notification.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def recipients_by_id(user_ids: Sequence[int]) -> list:
    """Active users among ``user_ids`` (a helper for features' reminder jobs)."""
    return list(db.session.scalars(select(User).where(User.id.in_(user_ids), User.active)))


def admins() -> list[User]:
    """The active administrators (for the admins' reminders)."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "admin", User.active)
            .order_by(User.id)
        )
    )


def secretaries_of(team_ids: Sequence[int]) -> dict[int, list[User]]:
    """The active secretaries (中心组秘书) of each team, by team id."""
    result: dict[int, list[User]] = {team_id: [] for team_id in team_ids}
    rows = db.session.execute(
        select(SecretaryScope.team_id, User)
        .join(User, User.id == SecretaryScope.user_id)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == "secretary"))
        .where(SecretaryScope.team_id.in_(list(team_ids)), User.active)
        .order_by(User.id)
    ).all()
    for team_id, user in rows:
        result.setdefault(team_id, []).append(user)
    return result

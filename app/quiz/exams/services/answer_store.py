"""One statement that stores one answer, for the busiest request of exam day.

``INSERT … SELECT … WHERE <the attempt is still open> ON CONFLICT (attempt, question) DO
UPDATE … WHERE <the stored seq is not newer> RETURNING saved_at``: the conditions the
service checked before taking the write lock are checked again inside the write itself, so
a submit, a deadline or a newer save from another tab that came in between wins. The
dialect's own INSERT (SQLite and PostgreSQL both have ON CONFLICT and RETURNING).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, bindparam, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from app.common.db import DriverStatement
from app.quiz.exams.models import Attempt, AttemptAnswer


def upsert_answer(
    connection: Connection,
    *,
    attempt_id: int,
    user_id: int,
    question_id: int,
    value: Any,
    seq: int | None,
    now: datetime,
    not_before: datetime,
) -> datetime | None:
    """Store ``value`` unless the attempt is no longer the user's and in progress with a
    deadline at or after ``not_before`` (now minus the grace), or the stored answer has a
    higher ``seq``. The time it was saved, or None when a condition refused it. Runs on
    ``connection``, the session's (``db.session.connection()``)."""
    parameters = {
        "attempt_id": attempt_id,
        "user_id": user_id,
        "question_id": question_id,
        "response": value,
        "seq": seq or 0,
        "saved_at": now,
        "not_before": not_before,
    }
    statement = _WITH_SEQ if seq is not None else _WITHOUT_SEQ
    rows = statement.rows(connection, parameters)
    return rows[0][0] if rows else None


def _statement(dialect: str, with_seq: bool):
    """Built once per dialect and shape, run on the driver's cursor (``DriverStatement``);
    the values are bound parameters. Without a seq the stored one stays and any save
    applies."""
    table = AttemptAnswer.__table__
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    attempt_id = bindparam("attempt_id", type_=Integer)
    still_open = exists().where(
        Attempt.id == attempt_id,
        Attempt.user_id == bindparam("user_id", type_=Integer),
        Attempt.status == "in_progress",
        Attempt.deadline >= bindparam("not_before", type_=DateTime),
    )
    row = select(
        attempt_id,
        bindparam("question_id", type_=Integer),
        bindparam("response", type_=JSON),
        bindparam("seq", type_=Integer),
        bindparam("saved_at", type_=DateTime),
        bindparam("comment", "", type_=String),
    ).where(still_open)
    statement = insert(table).from_select(
        ["attempt_id", "question_id", "response", "seq", "saved_at", "comment"],
        row,
        include_defaults=False,
    )
    excluded = statement.excluded
    changes = {"response": excluded.response, "saved_at": excluded.saved_at}
    newer_only = None
    if with_seq:
        changes["seq"] = excluded.seq
        newer_only = table.c.seq <= excluded.seq
    return statement.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"], set_=changes, where=newer_only
    ).returning(table.c.saved_at)


_WITH_SEQ = DriverStatement(lambda dialect: _statement(dialect, True))
_WITHOUT_SEQ = DriverStatement(lambda dialect: _statement(dialect, False))

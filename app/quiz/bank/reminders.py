"""The bank's reminder to administrators: a question import previewed (a dry run) and not
confirmed after REMIND_IMPORT_UNCONFIRMED_HOURS. Sent once per preview, to the admin who
uploaded it (or to every admin when that account is gone)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.common import links
from app.common.timeutil import utcnow
from app.extensions import db
from app.notify import services as notifications
from app.quiz.bank.models import ImportBatch


def remind_unconfirmed_imports(now: datetime | None = None) -> int:
    now = now or utcnow()
    config = current_app.config
    waited = timedelta(hours=config["REMIND_IMPORT_UNCONFIRMED_HOURS"])
    previews = db.session.scalars(
        select(ImportBatch).where(
            ImportBatch.outcome == "dry_run",
            ImportBatch.created_at <= now - waited,
            ImportBatch.created_at > now - timedelta(hours=config["REMIND_CATCH_UP_HOURS"]),
        )
    ).all()
    sent = 0
    for preview in previews:
        confirmed = db.session.scalar(
            select(ImportBatch.id).where(
                ImportBatch.outcome == "accepted",
                ImportBatch.actor_id == preview.actor_id,
                ImportBatch.filename == preview.filename,
                ImportBatch.created_at >= preview.created_at,
            )
        )
        if confirmed:
            continue
        actor = preview.actor
        to = [actor] if actor is not None and actor.active and actor.is_admin else None
        sent += notifications.notify_many(
            to or notifications.admins(),
            _l("题库导入“%(f)s”已预览但尚未确认导入", f=preview.filename),
            links.url("quiz_admin.import_upload"),
            kind="admin.import_unconfirmed",
            key=lambda u, b=preview: f"admin.import_unconfirmed:{b.id}:u{u.id}",
            now=now,
        )
    return sent

"""Statistics settings an administrator may change. Ranking individual cadres is off by
default: teams are compared by rates, and a points race among individuals invites
box-ticking."""

from __future__ import annotations

from flask_babel import gettext as _

from app.auth.models import User
from app.common import audit
from app.common.timeutil import utcnow
from app.extensions import db
from app.stats.models import StatsSetting

RANKING = "individual_ranking"


def ranking_enabled() -> bool:
    row = db.session.get(StatsSetting, RANKING)
    return row is not None and row.value == "1"


def set_ranking(actor: User, enabled: bool) -> None:
    row = db.session.get(StatsSetting, RANKING)
    if row is None:
        row = StatsSetting(key=RANKING)
        db.session.add(row)
    row.value = "1" if enabled else "0"
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    db.session.flush()
    audit.record(
        actor,
        "stats.ranking",
        None,
        _("开启个人排名") if enabled else _("关闭个人排名"),
    )

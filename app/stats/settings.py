"""Statistics settings an administrator may change. Ranking individual cadres is off by
default: teams are compared by rates, and a points race among individuals invites
box-ticking."""

from __future__ import annotations

import json

from flask_babel import gettext as _

from app.auth.models import User
from app.common import audit
from app.common.errors import DomainError
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
    audit.record(actor, "stats.ranking", None, enabled=enabled)


WEIGHTS = "composite_weights"
MAX_WEIGHT = 100


def composite_weights() -> dict[str, float]:
    """The administrator's weights of the team composite index, by figure key. Default (no
    row, or a key not set): every rate figure weighs 1, so the index is the plain mean."""
    row = db.session.get(StatsSetting, WEIGHTS)
    if row is None or not row.value:
        return {}
    try:
        data = json.loads(row.value)
    except ValueError:
        return {}
    return {k: float(v) for k, v in data.items() if isinstance(v, int | float)}


def set_composite_weights(actor: User, raw: dict[str, str]) -> dict[str, float]:
    """Weights from form text (``key`` → "2"); blank means 1. DomainError names the bad one
    and nothing is saved."""
    weights: dict[str, float] = {}
    for key, text in raw.items():
        text = (text or "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            raise DomainError(_("权重“%(v)s”不是数字", v=text), key) from None
        if not 0 <= value <= MAX_WEIGHT:
            raise DomainError(_("权重须在 0 到 %(m)d 之间", m=MAX_WEIGHT), key)
        weights[key] = value
    value = json.dumps(weights, sort_keys=True)
    if len(value) > 200:
        raise DomainError(_("权重设置过多"))
    row = db.session.get(StatsSetting, WEIGHTS)
    if row is None:
        row = StatsSetting(key=WEIGHTS)
        db.session.add(row)
    row.value = value
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    db.session.flush()
    audit.record(actor, "stats.weights", None, weights=weights)
    return weights

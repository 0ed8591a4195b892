"""结果通报: an administrator freezes a period's figures for a set of units, with a
commentary, publishes it to the units' members, and may withdraw it (recorded). A published
bulletin is never edited: its tables are a snapshot, so later data changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.auth.models import Team, User
from app.common import audit
from app.common.errors import DomainError
from app.common.figures import Period
from app.common.timeutil import utcnow
from app.extensions import db
from app.stats import dashboard
from app.stats.models import Bulletin
from app.stats.tables import Table

MAX_COMMENTARY = 5000


def _table_to_json(table: Table) -> dict:
    return {
        "title": table.title,
        "headings": table.headings,
        "rows": table.rows,
        "rate_columns": list(table.rate_columns),
    }


def tables(bulletin: Bulletin) -> list[Table]:
    return [
        Table(t["title"], t["headings"], t["rows"], tuple(t["rate_columns"]))
        for t in bulletin.snapshot.get("tables", [])
    ]


def generate(
    actor: User,
    *,
    title: str,
    start: date | None,
    end: date | None,
    teams: Sequence[Team],
    commentary: str = "",
) -> Bulletin:
    """Freeze and publish. DomainError names the field at fault; nothing is written then."""
    title = (title or "").strip()
    if not title:
        raise DomainError(_("请填写通报标题"), "title")
    if len(title) > 200:
        raise DomainError(_("通报标题最长 200 字"), "title")
    if start is None or end is None or end <= start:
        raise DomainError(_("请填写有效的统计期间（截止日期须晚于开始日期）"), "period")
    if not teams:
        raise DomainError(_("请至少选择一个单位"), "teams")
    if len(commentary or "") > MAX_COMMENTARY:
        raise DomainError(_("通报说明最长 %(n)d 字", n=MAX_COMMENTARY), "commentary")
    period = Period(start, end)
    teams = sorted(dict.fromkeys(teams), key=lambda t: t.path)
    table = dashboard.teams_table(teams, period, _("各单位学习情况"))
    for row, team in zip(table.rows, teams, strict=True):
        row[0] = team.full_name
    bulletin = Bulletin(
        title=title,
        period_start=start,
        period_end=end,
        team_ids=[t.id for t in teams],
        commentary=(commentary or "").strip(),
        snapshot={"tables": [_table_to_json(table)], "generated_at": utcnow().isoformat()},
        status="published",
        published_at=utcnow(),
        published_by_id=actor.id,
    )
    db.session.add(bulletin)
    db.session.flush()
    audit.record(
        actor,
        "bulletin.publish",
        bulletin,
        title,
        start=start.isoformat(),
        end=end.isoformat(),
        teams=[t.full_name for t in teams],
    )
    return bulletin


def audience(bulletin: Bulletin) -> list[User]:
    """The active members of the bulletin's units' subtrees."""
    teams = db.session.scalars(select(Team).where(Team.id.in_(bulletin.team_ids))).all()
    if not teams:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(Team, Team.id == User.team_id)
            .where(User.active.is_(True), or_(*(Team.path.startswith(t.path) for t in teams)))
        )
    )


def withdraw(actor: User, bulletin: Bulletin, reason: str) -> None:
    reason = (reason or "").strip()
    if bulletin.status == "withdrawn":
        raise DomainError(_("该通报已撤回"))
    if not reason:
        raise DomainError(_("请填写撤回原因"), "reason")
    bulletin.status = "withdrawn"
    bulletin.withdrawn_at = utcnow()
    bulletin.withdrawn_by_id = actor.id
    bulletin.withdraw_reason = reason[:500]
    db.session.flush()
    audit.record(actor, "bulletin.withdraw", bulletin, bulletin.title, reason=reason)


def can_view(bulletin: Bulletin, user: User) -> bool:
    """Administrators; secretaries overseeing one of its units; members of its units."""
    if user.is_admin:
        return True
    teams = db.session.scalars(select(Team).where(Team.id.in_(bulletin.team_ids))).all()
    if any(user.can_oversee_team(t) for t in teams):
        return True
    return user.team is not None and any(user.team.is_within(t) for t in teams)


def visible_bulletins(user: User) -> list[Bulletin]:
    rows = db.session.scalars(select(Bulletin).order_by(Bulletin.published_at.desc())).all()
    return [b for b in rows if can_view(b, user)]

"""The weekly digest (每周学习简报) to each secretary: their team's figures for last week
against the week before. The figures come only through the figures registry
(``app.common.figures``), which the features fill with their providers; notify reads no
feature's tables.

Each secretary reads it in their own language (inbox and email): the message, each line and
each figure's label are kept as msgids with parameters (``app/notify/messages.py``). The
providers are asked in the default language, whose labels are their msgids."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.routing import BuildError

from app.auth.models import SecretaryScope, Team, User, UserRole
from app.common import links
from app.common.figures import Figure, Period, team_figures
from app.common.timeutil import to_local, utcnow
from app.extensions import db
from app.notify import messages, services


def weeks_before(today: date) -> tuple[Period, Period]:
    """Last week (Monday to Sunday before ``today``'s week) and the week before it."""
    this_monday = today - timedelta(days=today.weekday())
    last = Period(this_monday - timedelta(days=7), this_monday)
    return last, Period(last.start - timedelta(days=7), last.start)


def format_figure(figure: Figure | None) -> str:
    if figure is None or figure.value is None:
        return "—"
    if figure.unit == "rate" or figure.denominator is not None:
        return f"{figure.value:.0%}"
    return f"{figure.value:g}"


def digest_lines(current: list[Figure], previous: list[Figure]) -> list:
    """One lazy message a figure; its label (a msgid, asked in the default language) too."""
    before = {f.key: f for f in previous}
    return [
        _l(
            "%(label)s %(now)s（前一周 %(then)s）",
            label=_l(f.label),
            now=format_figure(f),
            then=format_figure(before.get(f.key)),
        )
        for f in current
    ]


def _team_link(team_id: int) -> str:
    try:
        return links.url("stats.team_detail", team_id=team_id)
    except BuildError:  # the statistics pages are not there (yet): no link
        return ""


def send_weekly_digest(now: datetime | None = None) -> int:
    now = now or utcnow()
    last, previous = weeks_before(to_local(now).date())
    rows = db.session.execute(
        select(SecretaryScope.team_id, User)
        .join(User, User.id == SecretaryScope.user_id)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == "secretary"))
        .join(Team, Team.id == SecretaryScope.team_id)
        .where(User.active, Team.active)
        .order_by(SecretaryScope.team_id, User.id)
    ).all()
    team_ids = sorted({team_id for team_id, _user in rows})
    if not team_ids:
        return 0
    with force_locale(messages.DEFAULT_LOCALE):  # labels come back as their msgids
        current_figures = team_figures(team_ids, last)
        previous_figures = team_figures(team_ids, previous)
    names = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids))).all())
    sent = 0
    for team_id, secretary in rows:
        lines = digest_lines(current_figures.get(team_id, []), previous_figures.get(team_id, []))
        body = lines or _l("该周没有可统计的学习数据")
        message = _l(
            "%(team)s 每周学习简报（%(start)s 至 %(end)s）：%(body)s",
            team=names[team_id],
            start=last.start.isoformat(),
            end=(last.end - timedelta(days=1)).isoformat(),
            body=body,
        )
        note = services.notify(
            secretary,
            message,
            _team_link(team_id),
            now=now,
            kind="digest.weekly",
            key=f"digest.weekly:{last.start.isoformat()}:t{team_id}:u{secretary.id}",
        )
        sent += note is not None
    return sent

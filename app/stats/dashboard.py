"""Dashboards from the figures registry (app/common/figures.py): whatever providers are
registered (courses, exams, the centre group's check-in …) give the columns.

- the secretary's: their teams for a period, trends by month, who needs a reminder;
- the administrator's: a team's sub-units with drill-down, optionally one rank only;
- the cadre's: their own figures against their team's (no ranking of individuals).

Teams are compared by rates. Ranking individual cadres is off unless an administrator
switches it on (``settings``): a points race among individuals rewards box-ticking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import Team, User
from app.auth.rollup import rollup
from app.common import figures as registry
from app.common.figures import Figure, Period
from app.common.timeutil import to_local, utcnow
from app.extensions import db
from app.stats.tables import Table

MAX_PERIOD_DAYS = 366 * 3


class PeriodError(ValueError):
    pass


def default_period(today: date | None = None) -> Period:
    today = today or to_local(utcnow()).date()
    return Period.year(today.year)


def parse_period(start: str | None, end: str | None, today: date | None = None) -> Period:
    """``start``/``end`` as ``YYYY-MM-DD`` (end excluded); blank: this year. PeriodError
    names the bad field."""
    if not start and not end:
        return default_period(today)
    try:
        first = date.fromisoformat(start or "")
    except ValueError:
        raise PeriodError(_("开始日期“%(v)s”不是有效日期（格式：2026-01-01）", v=start)) from None
    try:
        last = date.fromisoformat(end or "")
    except ValueError:
        raise PeriodError(_("结束日期“%(v)s”不是有效日期（格式：2026-12-31）", v=end)) from None
    if last <= first:
        raise PeriodError(_("结束日期须晚于开始日期"))
    if (last - first).days > MAX_PERIOD_DAYS:
        raise PeriodError(_("统计期间最长三年"))
    return Period(first, last)


def months(period: Period) -> list[Period]:
    """The calendar months the period touches, each clipped to the period."""
    result, day = [], date(period.start.year, period.start.month, 1)
    while day < period.end:
        following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        result.append(Period(max(day, period.start), min(following, period.end)))
        day = following
    return result


@dataclass
class Column:
    key: str
    label: str
    rate: bool


def columns(rows: Sequence[Sequence[Figure]]) -> list[Column]:
    """The figure columns in provider order, as they first appear."""
    seen: dict[str, Column] = {}
    for figures in rows:
        for figure in figures:
            if figure.key not in seen:
                seen[figure.key] = Column(figure.key, figure.label, figure.unit == "rate")
    return list(seen.values())


def _value(figures: Sequence[Figure], key: str) -> float | None:
    for figure in figures:
        if figure.key == key:
            value = figure.value
            if value is not None and figure.unit == "score":
                return round(value, 1)
            return value
    return None


def member_counts(teams: Sequence[Team], rank: str | None = None) -> dict[int, int]:
    """Active members of each team's subtree (of one rank, if given): one grouped query."""
    if not teams:
        return {}
    query = (
        select(User.team_id.label("team_id"), func.count(User.id).label("members"))
        .where(User.active.is_(True))
        .group_by(User.team_id)
    )
    if rank:
        query = query.where(User.rank == rank)
    rows = db.session.execute(rollup(query.subquery("per_team"), [t.id for t in teams])).all()
    result = {t.id: 0 for t in teams}
    result.update({team_id: int(count) for team_id, count in rows})  # PostgreSQL: SUM is numeric
    return result


def teams_table(
    teams: Sequence[Team],
    period: Period,
    title: str,
    *,
    rank: str | None = None,
    by_team: dict[int, list[Figure]] | None = None,
) -> Table:
    """One row per team: members and every registered figure (of one rank's members only,
    with ``rank``); ``by_team``: the figures, already read."""
    if by_team is None:
        by_team = registry.team_figures([t.id for t in teams], period, rank=rank)
    cols = columns(list(by_team.values()))
    counts = member_counts(teams, rank)
    rows = [
        [team.name, counts[team.id], *(_value(by_team[team.id], c.key) for c in cols)]
        for team in teams
    ]
    return Table(
        title,
        [_("单位"), _("成员人数"), *(c.label for c in cols)],
        rows,
        rate_columns=tuple(i + 2 for i, c in enumerate(cols) if c.rate),
        keys={i + 2: c.key for i, c in enumerate(cols)},
    )


def trend_tables(
    teams: Sequence[Team],
    period: Period,
    answers: Sequence[dict[int, list[Figure]]] | None = None,
) -> list[Table]:
    """For each team, every rate figure month by month: one registry call for all of them
    (a provider that answers several periods at once does so in one query); ``answers``:
    the months' figures, already read."""
    if not teams:
        return []
    spans = months(period)
    if answers is None:
        answers = registry.team_figures_periods([t.id for t in teams], spans)
    cols = [c for c in columns([row for answer in answers for row in answer.values()]) if c.rate]
    tables = []
    for team in teams:
        rows = [
            [span.start.strftime("%Y-%m"), *(_value(answer[team.id], c.key) for c in cols)]
            for span, answer in zip(spans, answers, strict=True)
        ]
        tables.append(
            Table(
                _("%(t)s逐月趋势", t=team.name),
                [_("月份"), *(c.label for c in cols)],
                rows,
                rate_columns=tuple(range(1, len(cols) + 1)),
                keys={i + 1: c.key for i, c in enumerate(cols)},
            )
        )
    return tables


def teams_and_trends(
    teams: Sequence[Team], trend_teams: Sequence[Team], period: Period, title: str
) -> tuple[Table, list[Table]]:
    """The teams table and the trends of ``trend_teams`` from one registry call: the period
    and its months are periods of the same query in every provider that answers several."""
    ids = list(dict.fromkeys([t.id for t in (*teams, *trend_teams)]))
    answers = registry.team_figures_periods(ids, [period, *months(period)])
    table = teams_table(teams, period, title, by_team={t.id: answers[0][t.id] for t in teams})
    return table, trend_tables(trend_teams, period, answers[1:])


@dataclass
class Reminder:
    user: User
    reasons: list[str] = field(default_factory=list)


REMINDER_REASONS = {
    "exams.participation": lambda: _("有考试尚未参加"),
    "courses.completion": lambda: _("必修课程未完成"),
}


def members(team: Team) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Team, Team.id == User.team_id)
            .where(User.active.is_(True), Team.path.startswith(team.path))
            .order_by(Team.path, User.name)
        )
    )


@dataclass
class MemberFigures:
    """A team's members and their figures, read once for the table and the reminders."""

    people: list[User]
    by_user: dict[int, list[Figure]]


def member_figures(team: Team, period: Period) -> MemberFigures:
    people = members(team)
    return MemberFigures(people, registry.member_figures([u.id for u in people], period))


def reminders(team: Team, period: Period, read: MemberFigures | None = None) -> list[Reminder]:
    """Members behind on a rate the providers report: an exam not taken, a required course
    not completed (any registered figure keyed in ``REMINDER_REASONS``)."""
    read = read or member_figures(team, period)
    people, by_user = read.people, read.by_user
    result = []
    for user in people:
        reasons = [
            REMINDER_REASONS[f.key]()
            for f in by_user.get(user.id, [])
            if f.key in REMINDER_REASONS and f.denominator and f.numerator < f.denominator
        ]
        if reasons:
            result.append(Reminder(user, reasons))
    return result


def members_table(
    team: Team, period: Period, *, ranking: bool = False, read: MemberFigures | None = None
) -> Table:
    """Each member's figures; with ``ranking`` (an administrator's setting) a 名次 column by
    the exam average."""
    read = read or member_figures(team, period)
    people, by_user = read.people, read.by_user
    cols = columns(list(by_user.values()))
    rows = [
        [
            u.name,
            u.post or "",
            u.team.name if u.team else "",
            *(_value(by_user[u.id], c.key) for c in cols),
        ]
        for u in people
    ]
    headings = [_("姓名"), _("职务"), _("所在班子"), *(c.label for c in cols)]
    rates = tuple(i + 3 for i, c in enumerate(cols) if c.rate)
    keys = [c.key for c in cols]
    if ranking and "exams.average" in keys:
        index = 3 + keys.index("exams.average")
        rows.sort(key=lambda r: -(r[index] if r[index] is not None else -1))
        rows = [[n, *row] for n, row in enumerate(rows, start=1)]
        headings = [_("名次"), *headings]
        rates = tuple(i + 1 for i in rates)
    return Table(_("成员情况"), headings, rows, rate_columns=rates)


@dataclass
class OwnFigure:
    label: str
    mine: float | None
    team: float | None
    rate: bool


def own_figures(user: User, period: Period) -> list[OwnFigure]:
    """The cadre's figures beside their team's (their own team, not its parents)."""
    mine = registry.member_figures([user.id], period).get(user.id, [])
    team = (
        registry.team_figures([user.team_id], period).get(user.team_id, []) if user.team_id else []
    )
    return [
        OwnFigure(c.label, _value(mine, c.key), _value(team, c.key), c.rate)
        for c in columns([mine, team])
    ]


def composite(table: Table, weights: dict[str, float]) -> Table:
    """``table`` with a 综合指数 column: the weighted mean of each row's rate figures (a
    figure without a weight weighs 1; a missing rate leaves the mean of the others), and its
    rows ordered by it. Rates only, so teams of any size compare fairly."""
    rate_keys = {i: table.keys[i] for i in table.rate_columns if i in table.keys}
    rows = []
    for row in table.rows:
        total = weight_sum = 0.0
        for index, key in rate_keys.items():
            weight = weights.get(key, 1.0)
            if row[index] is not None and weight > 0:
                total += weight * row[index]
                weight_sum += weight
        rows.append([*row, total / weight_sum if weight_sum else None])
    rows.sort(key=lambda r: (r[-1] is None, -(r[-1] or 0)))
    index = len(table.headings)
    return Table(
        table.title,
        [*table.headings, _("综合指数")],
        rows,
        rate_columns=(*table.rate_columns, index),
        keys=dict(table.keys),
    )


def rate_columns_of(table: Table) -> list[tuple[str, str]]:
    """(key, heading) of the table's rate figures: what a composite weight may be set for."""
    return [(table.keys[i], table.headings[i]) for i in table.rate_columns if i in table.keys]

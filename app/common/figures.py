"""The figures registry: how statistics, the study record, digests and evaluation evidence read
the other features without reaching into their tables.

Each feature registers one :class:`FigureProvider` when the app starts (in its ``register``):

- ``team_figures(team_ids, period)`` — for each requested team, the figures of its whole
  subtree (members of the team and of every team under it, by ``Team.path`` prefix), computed
  in SQL grouped by team, never by loading rows into Python;
- ``member_figures(user_ids, period)`` — the same figures for single cadres;
- ``member_record(user_id, period)`` — the lines of one cadre's record (学习档案, the
  political-quality file's evidence): sessions and roles, reflections, courses, tests …

A provider leaves out what it has no data for; callers show "—" for a missing figure. Readers
(stats, notify's digest, evaluation) call :func:`team_figures`, :func:`member_figures` and
:func:`member_record` here, and only here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import DateTime, Integer, literal, select, union_all

from app.common import links
from app.common.timeutil import SHANGHAI


@dataclass(frozen=True)
class Period:
    """Dates from ``start`` up to and excluding ``end`` (Shanghai calendar dates)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period ends after it starts")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year + 1, 1, 1))

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The period's first and first-excluded moments as naive UTC, as columns hold."""
        return _utc_midnight(self.start), _utc_midnight(self.end)


def _utc_midnight(day: date) -> datetime:
    local = datetime.combine(day, time(0), tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Figure:
    """One figure. A rate has a denominator (``value`` is then ``numerator / denominator``);
    a plain amount (minutes, count, score) has none. Teams are compared by rates."""

    key: str  # "<feature>.<name>", e.g. "exams.pass_rate", "checkin.attendance"
    label: str  # translated when the provider is called
    numerator: float
    denominator: float | None = None
    unit: str = "count"  # "count", "rate", "minutes", "hours", "score"

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return self.numerator
        if not self.denominator:
            return None
        return self.numerator / self.denominator


@dataclass(frozen=True)
class RecordEntry:
    """One line of a cadre's record."""

    kind: str  # "session", "reflection", "self_study", "lecture", "course", "exam" …
    title: str
    when: date | datetime  # a date, or a naive UTC datetime as the columns hold
    detail: str = ""
    url: str = ""
    role: str = ""  # "lead", "report", "speaker", "attendee" … where it applies
    source: str = ""  # the provider's name, filled in by the registry


TeamFigures = Callable[[Sequence[int], Period], Mapping[int, Sequence[Figure]]]
MemberFigures = Callable[[Sequence[int], Period], Mapping[int, Sequence[Figure]]]
MemberRecord = Callable[[int, Period], Sequence[RecordEntry]]
# Optional: ``team_figures`` counting only the members of one rank (职级), grouped in SQL.
RankedTeamFigures = Callable[[Sequence[int], Period, str], Mapping[int, Sequence[Figure]]]
# Optional: ``team_figures`` for several periods at once (a trend by month), one query.
TeamFiguresPeriods = Callable[
    [Sequence[int], Sequence[Period]], Sequence[Mapping[int, Sequence[Figure]]]
]


@dataclass
class FigureProvider:
    name: str  # the feature: "courses", "exams", "checkin" …
    team_figures: TeamFigures | None = None
    member_figures: MemberFigures | None = None
    member_record: MemberRecord | None = None
    order: int = 100  # where its figures stand on a page
    keys: tuple[str, ...] = field(default=())  # the figure keys it may return, for headings
    team_figures_periods: TeamFiguresPeriods | None = None
    ranked_team_figures: RankedTeamFigures | None = None


_providers: dict[str, FigureProvider] = {}


def register_figure_provider(provider: FigureProvider) -> FigureProvider:
    _providers[provider.name] = provider
    return provider


def providers() -> list[FigureProvider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.name))


def team_figures(
    team_ids: Sequence[int], period: Period, *, rank: str | None = None
) -> dict[int, list[Figure]]:
    """With ``rank``, each team's figures over its members of that rank only; a provider
    that cannot group by rank is left out (its figures show as missing, never as the whole
    team's)."""
    result: dict[int, list[Figure]] = {team_id: [] for team_id in team_ids}
    for provider in providers():
        if rank:
            if provider.ranked_team_figures is None:
                continue
            answer = provider.ranked_team_figures(team_ids, period, rank)
        elif provider.team_figures is None:
            continue
        else:
            answer = provider.team_figures(team_ids, period)
        for team_id, figures in answer.items():
            result.setdefault(team_id, []).extend(figures)
    return result


def team_figures_periods(
    team_ids: Sequence[int], periods: Sequence[Period]
) -> list[dict[int, list[Figure]]]:
    """``team_figures`` for each of ``periods`` (a trend): a provider that answers several
    periods in one query does; the others are asked period by period."""
    results: list[dict[int, list[Figure]]] = [{t: [] for t in team_ids} for _ in periods]
    for provider in providers():
        if provider.team_figures_periods is not None:
            answers = list(provider.team_figures_periods(team_ids, periods))
        elif provider.team_figures is not None:
            answers = [provider.team_figures(team_ids, period) for period in periods]
        else:
            continue
        for result, answer in zip(results, answers, strict=True):
            for team_id, figures in answer.items():
                result.setdefault(team_id, []).extend(figures)
    return results


def member_figures(user_ids: Sequence[int], period: Period) -> dict[int, list[Figure]]:
    result: dict[int, list[Figure]] = {user_id: [] for user_id in user_ids}
    for provider in providers():
        if provider.member_figures is None:
            continue
        for user_id, figures in provider.member_figures(user_ids, period).items():
            result.setdefault(user_id, []).extend(figures)
    return result


def member_record(user_id: int, period: Period) -> list[RecordEntry]:
    entries: list[RecordEntry] = []
    for provider in providers():
        if provider.member_record is None:
            continue
        for entry in provider.member_record(user_id, period):
            entries.append(
                entry
                if entry.source
                else RecordEntry(**{**entry.__dict__, "source": provider.name})
            )
    return sorted(entries, key=lambda e: _sort_key(e.when))


def _sort_key(when: date | datetime) -> datetime:
    return when if isinstance(when, datetime) else datetime(when.year, when.month, when.day)


def record_url(endpoint: str, **values) -> str:
    """A record line's link (also outside a request: a scheduler job building a digest)."""
    return links.url(endpoint, **values)


def periods_table(periods: Sequence[Period]):
    """SQL rows ``(idx, starts, ends)``, one per period in naive UTC, for a provider that
    answers several periods in one grouped query (join it and group by ``idx``)."""
    return union_all(
        *(
            select(
                literal(index, Integer).label("idx"),
                literal(start, DateTime).label("starts"),
                literal(end, DateTime).label("ends"),
            )
            for index, (start, end) in enumerate(p.utc_bounds() for p in periods)
        )
    ).subquery("spans")

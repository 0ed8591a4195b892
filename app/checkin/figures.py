"""Centre-group study's :class:`FigureProvider` for the figures registry: team figures,
member figures and the lines of a cadre's study record (学习档案). The figures and their
definitions are in ``app.checkin.services.figures``."""

from __future__ import annotations

from collections.abc import Sequence

from app.checkin.services import figures
from app.common.figures import Figure, FigureProvider, Period


def _team_figures(team_ids: Sequence[int], period: Period) -> dict[int, list[Figure]]:
    return figures.team_figures(team_ids, period)


def _ranked_team_figures(
    team_ids: Sequence[int], period: Period, rank: str
) -> dict[int, list[Figure]]:
    return figures.team_figures(team_ids, period, rank=rank)


def _team_figures_periods(
    team_ids: Sequence[int], periods: Sequence[Period]
) -> list[dict[int, list[Figure]]]:
    return figures.team_figures_periods(team_ids, periods)


def _member_figures(user_ids: Sequence[int], period: Period) -> dict[int, list[Figure]]:
    return figures.member_figures(user_ids, period)


def provider() -> FigureProvider:
    return FigureProvider(
        name="checkin",
        team_figures=_team_figures,
        ranked_team_figures=_ranked_team_figures,
        team_figures_periods=_team_figures_periods,
        member_figures=_member_figures,
        member_record=figures.member_record,
        order=30,
        keys=figures.KEYS,
    )

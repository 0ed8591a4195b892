"""The figures registry: readers get every provider's figures, merged per team or member."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.common import figures
from app.common.figures import Figure, FigureProvider, Period, RecordEntry


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(figures, "_providers", {})
    return figures


def test_team_figures_merge_every_provider_in_order(registry):
    registry.register_figure_provider(
        FigureProvider(
            "later",
            team_figures=lambda ids, period: {i: [Figure("later.n", "n", i)] for i in ids},
            order=20,
        )
    )
    registry.register_figure_provider(
        FigureProvider(
            "first",
            team_figures=lambda ids, period: {ids[0]: [Figure("first.rate", "r", 3, 4, "rate")]},
            order=10,
        )
    )
    result = registry.team_figures([7, 8], Period.year(2026))
    assert [f.key for f in result[7]] == ["first.rate", "later.n"]
    assert [f.key for f in result[8]] == ["later.n"]  # a team a provider has nothing for
    assert result[7][0].value == 0.75


def test_a_rate_over_nobody_has_no_value():
    assert Figure("x.rate", "x", 0, 0, "rate").value is None
    assert Figure("x.minutes", "x", 90).value == 90


def test_member_record_is_in_time_order_and_names_its_source(registry):
    registry.register_figure_provider(
        FigureProvider(
            "checkin",
            member_record=lambda uid, period: [
                RecordEntry("session", "集体学习", datetime(2026, 3, 5, 1, 30), role="lead"),
                RecordEntry("reflection", "心得", date(2026, 1, 9)),
            ],
        )
    )
    registry.register_figure_provider(FigureProvider("figures-only"))
    entries = registry.member_record(1, Period.year(2026))
    assert [e.title for e in entries] == ["心得", "集体学习"]
    assert {e.source for e in entries} == {"checkin"}


def test_a_period_must_end_after_it_starts():
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 1))


def test_a_rank_asks_only_providers_that_group_by_rank(registry):
    registry.register_figure_provider(
        FigureProvider(
            "ranked",
            team_figures=lambda ids, period: {i: [Figure("ranked.n", "n", 100)] for i in ids},
            ranked_team_figures=lambda ids, period, rank: {
                i: [Figure("ranked.n", "n", len(rank))] for i in ids
            },
        )
    )
    registry.register_figure_provider(
        FigureProvider(
            "whole-team-only",
            team_figures=lambda ids, period: {i: [Figure("whole.n", "n", 1)] for i in ids},
        )
    )
    everyone = registry.team_figures([7], Period.year(2026))
    assert {f.key: f.numerator for f in everyone[7]} == {"ranked.n": 100, "whole.n": 1}
    county = registry.team_figures([7], Period.year(2026), rank="county")
    # never the whole team's figure under a rank's heading
    assert {f.key: f.numerator for f in county[7]} == {"ranked.n": 6}

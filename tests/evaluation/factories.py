"""Evaluation test objects: the demo framework, a round over a team, assessors."""

from __future__ import annotations

import re

from app.evaluation.demo import build_framework
from app.evaluation.models import Evaluation
from app.evaluation.services import rounds
from tests.factories import make_user


def make_assessor(scope, *, username=None, team=None):
    user = make_user("assessor", team or scope, username=username, scopes=[])
    rounds.grant_assessor(None, user, scope)
    return user


def make_round(team, assessors=(), *, year=2027, min_ballots=5, framework=None):
    framework = framework or build_framework(year)
    round_ = rounds.create_round(
        None,
        title=f"{year}年度考核",
        purpose="annual",
        framework=framework,
        min_ballots=min_ballots,
    )
    rounds.add_team(None, round_, team)
    for user in assessors:
        rounds.add_assessor(None, round_, user)
    return round_


def subject_of(round_, user) -> Evaluation:
    return next(e for e in round_.subjects if e.user_id == user.id)


def team_subject(round_, team) -> Evaluation:
    return next(e for e in round_.subjects if e.kind == "team" and e.team_id == team.id)


def full_scores(evaluation, minus: int = 0) -> dict:
    return {
        s.id: (str(max(0, s.points - minus)), "依据")
        for d in evaluation.round.framework.dimensions
        for s in d.standards
    }


def login(app, user):
    client = app.test_client()
    assert client.login(user.username).status_code == 302
    return client


def page_text(response) -> str:
    """The page with its whitespace collapsed, for ``in`` checks."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))

"""Factories of the centre-group tests: a session, a plan with items."""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from app.auth.models import Team, User
from app.checkin.models import StudyPlan, StudySession
from app.checkin.services import plans, sessions

# 2027-03-10 09:00 in Shanghai is 01:00 UTC; the columns hold naive UTC.
START = datetime(2027, 3, 10, 1, 0)
CODE_RNG_SEED = 12


def make_session(
    secretary: User,
    team: Team,
    *,
    kind: str = "collective",
    starts_at: datetime = START,
    hours_long: float = 2,
    topic: str = "学习党的政治建设有关论述",
    seed: int = CODE_RNG_SEED,
) -> StudySession:
    return sessions.create_session(
        secretary,
        team,
        sessions.SessionFields(
            kind=kind,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours_long),
            topic=topic,
            place="三楼会议室",
            hours=2,
        ),
        rng=Random(seed),
    )


def make_plan(secretary: User, team: Team, *, year: int = 2027, items: int = 2) -> StudyPlan:
    plan = plans.open_plan(secretary, team, year)
    for month in range(1, items + 1):
        plans.add_item(
            secretary,
            plan,
            plans.ItemFields(month=month * 2, topic=f"第{month}次集体学习", kind="collective"),
        )
    return plan

"""``demo load`` ships a complete framework, an assessor, a round with ballots and a published
portrait, a democratic life meeting with its rectification list, and talks."""

from __future__ import annotations

from datetime import datetime

import time_machine

from app.auth.demo import DEMO_UNIT
from app.common.demo import load_demo
from app.evaluation.models import Framework
from app.evaluation.services import appraisal, ballots, frameworks, meetings, talks
from app.extensions import db

NOW = datetime(2027, 6, 15, 2, 0)  # 10:00 in Shanghai


def test_the_demo_has_a_whole_evaluation_year(app):
    with time_machine.travel(NOW, tick=False):
        context = load_demo()
        team = context["teams"][DEMO_UNIT]
        framework = db.session.scalars(db.select(Framework).where(Framework.year == 2027)).one()
        assert frameworks.max_total(framework) == 100
        assert len(framework.dimensions) == 5
        [leader] = [
            e
            for e in db.session.scalars(db.select(appraisal.Evaluation))
            if e.published_at and e.round.year == 2027
        ]
        portrait = appraisal.portrait(leader)
        assert portrait.prior_year == 2026 and None not in portrait.prior
        assert (
            leader.team_id == team.id
            and (leader.total, leader.grade) == (89, "较好")
            and leader.conclusion
        )
        summaries = ballots.summaries([leader])
        assert summaries[leader.id].shown
        [meeting] = meetings.team_meetings(team)
        report = meetings.report(meeting)
        assert (report.total, report.done) == (3, 1) and len(report.overdue) == 1
        assert len(talks.team_talks(team, 2027)) == 2
        assert talks.members_without_talk(team, 2027)

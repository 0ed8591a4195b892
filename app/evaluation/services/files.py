"""政治素质档案: what one cadre's political-quality file holds — published evaluations and
portraits by year, democratic-assessment grades (aggregate only), negative-list items found,
and the study record read from the figures registry."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.auth.models import User
from app.common import figures
from app.common.timeutil import to_local, utcnow
from app.evaluation.models import Evaluation, NegativeMark, RectificationItem, Talk
from app.evaluation.services import appraisal, ballots, meetings, talks


@dataclass
class YearEntry:
    evaluation: Evaluation
    portrait: appraisal.Portrait
    summary: ballots.Summary
    marks: list[NegativeMark] = field(default_factory=list)


@dataclass
class PoliticalFile:
    years: list[YearEntry]
    record_year: int
    record: list[figures.RecordEntry]
    rectifications: list[RectificationItem]
    talks: list[Talk]


def political_file(cadre: User) -> PoliticalFile:
    evaluations = appraisal.published_for(cadre.id)
    summaries = ballots.summaries(evaluations)
    years = [
        YearEntry(e, appraisal.portrait(e), summaries[e.id], [m for m in e.marks if m.counts])
        for e in evaluations
    ]
    year = evaluations[0].round.year if evaluations else to_local(utcnow()).year
    return PoliticalFile(
        years,
        year,
        figures.member_record(cadre.id, figures.Period.year(year)),
        meetings.items_for(cadre.id),
        talks.talks_for(cadre.id),
    )

"""The team assessment (领导班子政治功能研判) as an xlsx workbook."""

from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook

from app.auth.models import Team
from app.evaluation.models import Evaluation, EvaluationRound
from app.evaluation.services.ballots import Summary


def _clean(value):
    # a cell starting with = + - @ would be a formula in the reader's spreadsheet
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def team_workbook(
    round_: EvaluationRound, team: Team, subjects: list[Evaluation], summaries: dict[int, Summary]
) -> BytesIO:
    dims = round_.framework.dimensions
    book = Workbook()
    sheet = book.active
    sheet.title = _("班子研判")[:31]
    sheet.append([_clean(round_.title), _clean(team.name)])
    sheet.append(
        [_("对象")]
        + [d.name for d in dims]
        + [_("总分"), _("等次"), _("一票否决"), _("测评票数"), _("测评好和较好率")]
    )
    for e in subjects:
        summary = summaries.get(e.id)
        rate = summary.overall_good_rate([d.id for d in dims]) if summary else None
        sheet.append(
            [_clean(e.subject_name)]
            + [e.dimension_scores.get(str(d.id), "") for d in dims]
            + [
                e.total if e.total is not None else "",
                _clean(e.grade),
                _("是") if e.veto else "",
                summary.count if summary else 0,
                rate if rate is not None else "",
            ]
        )
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out

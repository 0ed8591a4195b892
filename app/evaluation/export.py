"""The team assessment (领导班子政治功能研判) as an xlsx workbook."""

from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook

from app.evaluation.services.team_assessment import TeamAssessment


def _clean(value):
    # a cell starting with = + - @ would be a formula in the reader's spreadsheet
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def team_workbook(assessment: TeamAssessment) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = _("班子研判")[:31]
    sheet.append([_clean(assessment.round.title), _clean(assessment.team.name)])
    sheet.append(
        [_("对象")]
        + [name for _id, name in assessment.dimensions]
        + [_("总分"), _("等次"), _("一票否决"), _("测评票数"), _("测评好和较好率")]
    )
    for row in assessment.rows:
        sheet.append(
            [_clean(row.name)]
            + [score if score is not None else "" for score in row.scores]
            + [
                row.total if row.total is not None else "",
                _clean(row.grade),
                _("是") if row.veto else "",
                row.summary.count,
                row.good_rate if row.good_rate is not None else "",
            ]
        )
    return _saved(book)


def _saved(book: Workbook) -> BytesIO:
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def file_workbook(cadre, political_file, labels: dict[str, dict[str, str]]) -> BytesIO:
    """政治素质档案 as a workbook: evaluations by year, rectification items, talks (no
    confidential record), the study record. Ballots only as counts and rates."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("历年评价")[:31]
    sheet.append([_clean(cadre.name), _clean(cadre.team.full_name if cadre.team else "")])
    sheet.append(
        [_("年度"), _("考察"), _("考察类型"), _("总分"), _("等次"), _("一票否决")]
        + [_("测评票数"), _("测评好和较好率"), _("负面清单事项"), _("评价结论")]
    )
    for entry in political_file.years:
        e = entry.evaluation
        dims = [d.id for d in e.round.framework.dimensions]
        rate = entry.summary.overall_good_rate(dims)
        sheet.append(
            [
                e.round.year,
                _clean(e.round.title),
                labels["purpose"].get(e.round.purpose, e.round.purpose),
                e.total,
                _clean(e.grade),
                _("是") if e.veto else "",
                entry.summary.count,
                rate if rate is not None else "",
                _clean("；".join(m.item.title for m in entry.marks)),
                _clean(e.conclusion),
            ]
        )
    items = book.create_sheet(_("整改事项")[:31])
    items.append([_("问题"), _("整改措施"), _("完成时限"), _("状态"), _("整改佐证")])
    for i in political_file.rectifications:
        items.append(
            [
                _clean(i.problem),
                _clean(i.measure),
                i.due_on,
                labels["rectification"].get(i.status, i.status),
                _clean(i.evidence),
            ]
        )
    talks = book.create_sheet(_("谈心谈话")[:31])
    talks.append([_("谈话日期"), _("类型"), _("谈话人")])
    for t in political_file.talks:
        talks.append([t.held_on, labels["talk"].get(t.kind, t.kind), _clean(t.talker)])
    record = book.create_sheet(_("学习档案")[:31])
    record.append([_("日期"), _("事项"), _("说明")])
    for r in political_file.record:
        when = r.when.isoformat() if hasattr(r.when, "isoformat") else str(r.when)
        record.append([when, _clean(r.title), _clean(r.detail)])
    return _saved(book)

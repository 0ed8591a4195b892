"""An exam's results by team (app/quiz/exams/services/team_results.py) as tables and charts."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from app.quiz.exams.services.team_results import BUCKETS, Counts, TeamResults
from app.stats.tables import Table, display


def status_labels() -> dict[str, str]:
    return {"not_started": _("未开始"), "in_progress": _("答题中"), "submitted": _("已交卷")}


def _minutes(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 60, 1)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def counts_row(name: str, counts: Counts) -> list:
    return [
        name,
        counts.audience,
        counts.not_started,
        counts.in_progress,
        counts.submitted,
        counts.participation,
        _percent(counts.average),
        counts.pass_rate,
    ]


def counts_headings() -> list[str]:
    return [
        _("单位"),
        _("应考人数"),
        _("未开始"),
        _("答题中"),
        _("已交卷"),
        _("参与率"),
        _("平均分（百分制）"),
        _("合格率"),
    ]


def summary_table(results: TeamResults) -> Table:
    c = results.counts
    rows = [
        [_("应考人数"), c.audience],
        [_("未开始"), c.not_started],
        [_("答题中"), c.in_progress],
        [_("已交卷"), c.submitted],
        [_("参与率"), display(c.participation, rate=True)],
    ]
    if results.scores_visible:
        rows += [
            [_("已出成绩"), c.scored],
            [_("平均分（百分制）"), _percent(c.average)],
            [_("中位数（百分制）"), _percent(results.median)],
        ]
        if results.has_pass_mark:
            rows += [[_("合格人数"), c.passed], [_("合格率"), display(c.pass_rate, rate=True)]]
    return Table(_("概况"), [_("项目"), _("数值")], rows)


def units_table(results: TeamResults) -> Table:
    return Table(
        _("下级单位对比"),
        counts_headings(),
        [counts_row(u.team.name, u.counts) for u in results.units],
        rate_columns=(5, 7),
    )


def comparison_table(units: list[tuple[str, Counts]]) -> Table:
    """Every unit side by side, by participation then pass rate (rates, never raw points)."""
    rows = [counts_row(name, counts) for name, counts in units]
    rows.sort(key=lambda row: (-(row[5] or 0), -(row[7] or 0), row[0]))
    return Table(_("各单位对比"), counts_headings(), rows, rate_columns=(5, 7))


def distribution_table(results: TeamResults) -> Table:
    labels = [f"{10 * i}–{10 * i + 9}" for i in range(BUCKETS - 1)] + ["90–100"]
    return Table(
        _("分数分布"),
        [_("分数段"), _("人数")],
        [[label, count] for label, count in zip(labels, results.distribution, strict=True)],
    )


def categories_table(results: TeamResults) -> Table:
    return Table(
        _("按知识点"),
        [_("知识点"), _("作答题次"), _("得分率")],
        [[g.name, g.answered, g.rate] for g in results.categories],
        rate_columns=(2,),
    )


def questions_table(results: TeamResults) -> Table:
    return Table(
        _("按试题"),
        [_("试题"), _("作答次数"), _("答对次数"), _("得分率")],
        [[g.name, g.answered, g.correct, g.rate] for g in results.questions],
        rate_columns=(3,),
    )


def members_table(results: TeamResults) -> Table:
    labels = status_labels()
    headings = [_("姓名"), _("登录名"), _("所在班子"), _("状态")]
    if results.scores_visible:
        headings += [_("得分（百分制）"), _("是否合格"), _("用时（分钟）")]
    rows = []
    for m in results.members:
        row = [m.name, m.username, m.team_name, labels[m.status]]
        if results.scores_visible:
            passed = None if m.passed is None else (_("合格") if m.passed else _("不合格"))
            row += [_percent(m.percent), passed, _minutes(m.time_used)]
        rows.append(row)
    return Table(_("成员成绩"), headings, rows)


def not_started_table(results: TeamResults) -> Table:
    return Table(
        _("尚未参加"),
        [_("姓名"), _("登录名"), _("所在班子")],
        [[m.name, m.username, m.team_name] for m in results.not_started],
    )


def all_tables(results: TeamResults) -> list[Table]:
    tables = [summary_table(results)]
    if results.units:
        tables.append(units_table(results))
    if results.scores_visible:
        tables += [distribution_table(results), categories_table(results)]
        if results.questions_visible:
            tables.append(questions_table(results))
    tables += [not_started_table(results), members_table(results)]
    return tables


def bar_chart(table: Table, label_column: int, value_column: int, *, rate: bool = False) -> dict:
    """The chart data a page's ``data-chart`` attribute carries (static/js/stats_charts.js)."""
    values = [row[value_column] for row in table.rows]
    if rate:
        values = [None if v is None else round(v * 100, 1) for v in values]
    return {
        "type": "bar",
        "labels": [str(row[label_column]) for row in table.rows],
        "series": [{"name": table.headings[value_column], "values": values}],
        "percent": rate,
    }

"""Dashboards: the secretary's (统计看板), the administrator's overview with drill-down, the
cadre's own figures; the one-click reminder; the ranking setting."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.models import RANKS, Team, User
from app.auth.services import rank_labels
from app.common.errors import DomainError
from app.common.figures import Period, member_record
from app.common.permissions import role_required
from app.extensions import db
from app.notify.services import notify
from app.stats import dashboard, services, settings
from app.stats.policy import team_scope_required
from app.stats.tables import Table, display
from app.stats.views.blueprint import bp
from app.stats.views.exports import export_response


def _period() -> Period:
    start, end = request.args.get("start", ""), request.args.get("end", "")
    try:
        return dashboard.parse_period(start, end)
    except dashboard.PeriodError as error:
        flash(str(error), "danger")
        return dashboard.default_period()


def _scope_teams() -> list[Team]:
    if current_user.is_admin:
        return services.comparable_units()
    return sorted(current_user.secretary_teams, key=lambda t: t.path)


def _chosen_team(teams: list[Team]) -> Team | None:
    wanted = request.args.get("team", type=int)
    if wanted is not None:
        team = db.session.get(Team, wanted)
        if team is None or not current_user.can_oversee_team(team):
            abort(403)
        return team
    return teams[0] if teams else None


def _first_rate_chart(table: Table, kind: str = "bar") -> dict | None:
    if not table.rate_columns or not table.rows:
        return None
    series = [
        {
            "name": table.headings[i],
            "values": [None if r[i] is None else round(r[i] * 100, 1) for r in table.rows],
        }
        for i in table.rate_columns
    ]
    return {
        "type": kind,
        "labels": [str(r[0]) for r in table.rows],
        "series": series,
        "percent": True,
    }


def _trend_teams(teams: list[Team], team: Team | None) -> list[Team]:
    """A secretary's trend covers each of their teams (and a sub-team they opened); an
    administrator's, whose teams are every unit, the unit they opened."""
    if team is None:
        return []
    if current_user.is_admin:
        return [team]
    return teams if team in teams else [*teams, team]


def _dashboard_tables(period: Period):
    teams = _scope_teams()
    team = _chosen_team(teams)
    overview, trends = dashboard.teams_and_trends(
        teams, _trend_teams(teams, team), period, _("各单位情况")
    )
    read = dashboard.member_figures(team, period) if team else None
    members = (
        dashboard.members_table(team, period, ranking=settings.ranking_enabled(), read=read)
        if team
        else None
    )
    return teams, team, overview, trends, members, read


@bp.route("/stats/")
@role_required("secretary", "admin")
def dashboard_page():
    period = _period()
    teams, team, overview, trends, members, read = _dashboard_tables(period)
    return render_template(
        "stats/dashboard.html",
        period=period,
        teams=teams,
        team=team,
        overview=overview,
        overview_chart=_first_rate_chart(overview),
        trends=[(trend, _first_rate_chart(trend, "line")) for trend in trends],
        members=members,
        reminders=dashboard.reminders(team, period, read) if team else [],
    )


@bp.route("/stats/dashboard.<fmt>")
@role_required("secretary", "admin")
def dashboard_export(fmt: str):
    period = _period()
    _teams, _team, overview, trends, members, _read = _dashboard_tables(period)
    tables = [t for t in (overview, *trends, members) if t is not None]
    return export_response(tables, fmt, f"dashboard-{period.start}-{period.end}")


@bp.route("/stats/teams/<int:team_id>/remind/<int:user_id>", methods=["POST"])
@role_required("secretary", "admin")
@team_scope_required
def remind_member(team: Team, user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.team is None or not user.team.is_within(team):
        abort(404)
    notify(
        user,
        _l("%(name)s提醒您：请按时完成应参加的考试和必修课程。", name=current_user.name),
        url_for("stats.my_figures"),
    )
    db.session.commit()
    flash(_("已提醒 %(n)s", n=user.name), "success")
    return redirect(
        url_for(
            "stats.dashboard_page",
            team=team.id,
            start=request.args.get("start", ""),
            end=request.args.get("end", ""),
        )
    )


def _overview(period: Period):
    team_id = request.args.get("team", type=int)
    rank = request.args.get("rank", "")
    if rank and rank not in RANKS:
        flash(_("未知职级“%(r)s”", r=rank), "danger")
        rank = ""
    team = db.session.get(Team, team_id) if team_id else None
    if team_id and team is None:
        abort(404)
    units = sorted(team.children, key=lambda t: t.path) if team else services.comparable_units()
    title = _("%(t)s的下级单位", t=team.name) if team else _("各单位")
    table = dashboard.teams_table(units, period, title, rank=rank or None)
    table = dashboard.composite(table, settings.composite_weights())
    members = (
        dashboard.members_table(team, period, ranking=settings.ranking_enabled())
        if team is not None and not units
        else None
    )
    return team, units, rank, table, members


@bp.route("/stats/overview")
@role_required("admin")
def overview():
    period = _period()
    team, units, rank, table, members = _overview(period)
    return render_template(
        "stats/overview.html",
        period=period,
        team=team,
        units=units,
        rank=rank,
        ranks=rank_labels(),
        table=table,
        chart=_first_rate_chart(table),
        members=members,
        ranking=settings.ranking_enabled(),
        weights=settings.composite_weights(),
        weight_keys=dashboard.rate_columns_of(table),
    )


@bp.route("/stats/overview.<fmt>")
@role_required("admin")
def overview_export(fmt: str):
    period = _period()
    _team, _units, _rank, table, members = _overview(period)
    return export_response([t for t in (table, members) if t], fmt, "overview")


@bp.route("/stats/settings", methods=["POST"])
@role_required("admin")
def update_settings():
    raw = {
        name[len("weight:") :]: value
        for name, value in request.form.items()
        if name.startswith("weight:")
    }
    try:
        settings.set_composite_weights(current_user, raw)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("stats.overview"))
    settings.set_ranking(current_user, request.form.get("individual_ranking") == "1")
    db.session.commit()
    flash(_("统计设置已保存"), "success")
    return redirect(url_for("stats.overview"))


@bp.route("/stats/me")
@role_required("cadre")
def my_figures():
    period = _period()
    figures = dashboard.own_figures(current_user, period)
    table = Table(
        _("我的学习情况"),
        [_("项目"), _("本人"), _("本班子平均")],
        [[f.label, f.mine, f.team] for f in figures],
    )
    rates = {f.label for f in figures if f.rate}
    return render_template(
        "stats/me.html",
        period=period,
        table=table,
        rates=rates,
        record=member_record(current_user.id, period),
        display=display,
    )

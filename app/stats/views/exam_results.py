"""An exam's results by team: the secretary's scope, the exam's score policy; the admin's
units side by side."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from app.auth.models import Team
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.exams.models import Exam
from app.quiz.exams.services import team_results
from app.stats import exam_tables, services
from app.stats.policy import team_scope_required
from app.stats.views.blueprint import bp
from app.stats.views.exports import export_response

PER_PAGE = 100  # members on a page; the exports hold everyone


def _exam_or_404(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None or exam.status == "draft":
        abort(404)
    return exam


@bp.route("/teams/<int:team_id>/exams")
@role_required("secretary", "admin")
@team_scope_required
def team_exams(team: Team):
    exams = team_results.exams_for_team(team)
    return render_template("stats/team_exams.html", team=team, exams=exams)


@bp.route("/stats/exams/<int:exam_id>/teams/<int:team_id>")
@role_required("secretary", "admin")
@team_scope_required
def exam_results(team: Team, exam_id: int):
    exam = _exam_or_404(exam_id)
    page = max(1, request.args.get("page", 1, type=int))
    results = team_results.team_results(exam, team, current_user, page=page, per_page=PER_PAGE)
    tables = exam_tables.all_tables(results)
    charts = {}
    if results.scores_visible:
        distribution = exam_tables.distribution_table(results)
        charts[distribution.title] = exam_tables.bar_chart(distribution, 0, 1)
    if results.units:
        units = exam_tables.units_table(results)
        charts[units.title] = exam_tables.bar_chart(units, 0, 5, rate=True)
    return render_template(
        "stats/exam_results.html",
        team=team,
        exam=exam,
        results=results,
        tables=tables,
        charts=charts,
        page=page,
        pages=max(1, -(-results.counts.audience // PER_PAGE)),
    )


@bp.route("/stats/exams/<int:exam_id>/teams/<int:team_id>.<fmt>")
@role_required("secretary", "admin")
@team_scope_required
def exam_results_export(team: Team, exam_id: int, fmt: str):
    exam = _exam_or_404(exam_id)
    results = team_results.team_results(exam, team, current_user)
    return export_response(exam_tables.all_tables(results), fmt, f"exam-{exam.id}-team-{team.id}")


@bp.route("/stats/exams/<int:exam_id>/units")
@role_required("admin")
def exam_units(exam_id: int):
    exam = _exam_or_404(exam_id)
    table = _units_table(exam)
    chart = exam_tables.bar_chart(table, 0, 5, rate=True)
    return render_template("stats/exam_units.html", exam=exam, table=table, chart=chart)


@bp.route("/stats/exams/<int:exam_id>/units.<fmt>")
@role_required("admin")
def exam_units_export(exam_id: int, fmt: str):
    exam = _exam_or_404(exam_id)
    return export_response([_units_table(exam)], fmt, f"exam-{exam.id}-units")


def _units_table(exam: Exam):
    units = services.comparable_units()
    counts = team_results.unit_counts(exam, units, True)
    return exam_tables.comparison_table([(u.full_name, counts[u.id]) for u in units])

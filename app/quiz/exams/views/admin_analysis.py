"""试题分析: an exam's statistics with Moodle's definitions, a score histogram drawn as
inline SVG, and the xlsx export of all results and the analysis."""

from __future__ import annotations

from flask import Response, render_template, request

from app.common.permissions import role_required
from app.quiz.exams import analysis
from app.quiz.exams.analysis_export import analysis_workbook
from app.quiz.exams.models import Exam
from app.quiz.exams.services import item_analysis as exam_analysis
from app.quiz.exams.views._helpers import get_or_404
from app.quiz.exams.views.blueprint import admin_bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The histogram's drawing box (SVG user units).
CHART = {"width": 420, "height": 180, "top": 10, "bottom": 30, "left": 30, "bar_gap": 4}


def histogram_bars(counts: list[int]) -> list[dict]:
    """Bars of the score histogram in SVG coordinates (presentation attributes only: the
    Content-Security-Policy forbids inline styles)."""
    plot_height = CHART["height"] - CHART["top"] - CHART["bottom"]
    slot = (CHART["width"] - CHART["left"]) / len(counts)
    highest = max(counts) or 1
    width = 100 // len(counts)
    bars = []
    for index, count in enumerate(counts):
        height = plot_height * count / highest
        x = CHART["left"] + index * slot
        bars.append(
            {
                "x": round(x + CHART["bar_gap"] / 2, 1),
                "y": round(CHART["top"] + plot_height - height, 1),
                "width": round(slot - CHART["bar_gap"], 1),
                "height": round(height, 1),
                "count": count,
                "label": f"{index * width}",
                "label_x": round(x + slot / 2, 1),
            }
        )
    return bars


def _choice():
    return request.args.get("which", "first"), request.args.get("by", "question")


@admin_bp.route("/<int:exam_id>/analysis")
@role_required("admin")
def analysis_page(exam_id: int):
    exam = get_or_404(Exam, exam_id)
    which, by = _choice()
    data = exam_analysis.analyse_exam(exam, which, by)
    quiz = data.result.quiz
    return render_template(
        "exams/admin/analysis.html",
        exam=exam,
        data=data,
        quiz=quiz,
        items=list(data.result.items.values()),
        bars=histogram_bars(quiz.histogram),
        chart=CHART,
        which=quiz.which,
        by=by if by in exam_analysis.BY_OPTIONS else "question",
        which_labels=exam_analysis.which_labels(),
        flag_labels=exam_analysis.flag_labels(),
        words=exam_analysis.export_labels(),
        which_options=analysis.WHICH_OPTIONS,
    )


@admin_bp.route("/<int:exam_id>/analysis.xlsx")
@role_required("admin")
def analysis_xlsx(exam_id: int):
    exam = get_or_404(Exam, exam_id)
    which, by = _choice()
    data = exam_analysis.analyse_exam(exam, which, by)
    body = analysis_workbook(
        exam.title,
        data.result.quiz,
        data.result.items,
        data.labels,
        exam_analysis.results_rows(data.attempts),
        exam_analysis.export_labels(),
    )
    return Response(
        body,
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename=exam-{exam.id}-analysis.xlsx"},
    )

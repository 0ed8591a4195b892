"""Item analysis of an exam (试题分析): graded attempts → ``app.quiz.exams.analysis`` records,
and the rows and words of the results export.

Items are keyed by question lineage (one question, whatever version a sitting saw), or by
position in the paper (``by="position"``: the slot, as Moodle analyses random questions —
rule-drawn papers then share one set of items and get a CIC).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common.timeutil import to_local
from app.extensions import db
from app.quiz.bank.services.banks import type_labels
from app.quiz.exams import analysis
from app.quiz.exams.models import Attempt, AttemptItem, Exam

BY_OPTIONS = ("question", "position")


@dataclass
class ExamAnalysis:
    result: analysis.Analysis
    labels: dict[Any, str]
    attempts: list[Attempt]
    ungraded: int  # submitted attempts left out: essays still to mark


def _graded_attempts(exam: Exam) -> tuple[list[Attempt], int]:
    submitted = db.session.scalars(
        select(Attempt)
        .where(Attempt.exam_id == exam.id, Attempt.status == "submitted")
        .options(
            selectinload(Attempt.items).selectinload(AttemptItem.question),
            selectinload(Attempt.answers),
            selectinload(Attempt.user),
        )
        .order_by(Attempt.submitted_at, Attempt.id)
    ).all()
    graded = [a for a in submitted if a.graded]
    return graded, len(submitted) - len(graded)


def _key(item: AttemptItem, by: str):
    return item.position if by == "position" else item.question.lineage_id


def attempt_marks(attempts: list[Attempt], by: str = "question") -> list[analysis.AttemptMarks]:
    records = []
    for attempt in attempts:
        scores = {a.question_id: a.score for a in attempt.answers}
        marks, maxima = {}, {}
        for item in attempt.items:
            key = _key(item, by)
            marks[key] = float(scores.get(item.question_id) or 0)
            maxima[key] = float(item.points)
        records.append(
            analysis.AttemptMarks(
                attempt_id=attempt.id,
                user_id=attempt.user_id,
                attempt_number=attempt.number,
                total=float(attempt.score or 0),
                max_total=float(attempt.max_score),
                marks=marks,
                item_max=maxima,
                submitted_at=attempt.submitted_at,
            )
        )
    return records


def item_labels(attempts: list[Attempt], by: str) -> dict[Any, str]:
    labels, types = {}, type_labels()
    for attempt in attempts:
        for item in attempt.items:
            key = _key(item, by)
            if key in labels:
                continue
            if by == "position":
                labels[key] = _("第 %(n)d 题", n=item.position)
            else:
                stem = " ".join(item.question.stem.split())
                stem = stem if len(stem) <= 40 else stem[:40] + "…"
                labels[key] = f"[{types.get(item.question.type, '')}] {stem}"
    return labels


def analyse_exam(exam: Exam, which: str = "first", by: str = "question") -> ExamAnalysis:
    which = which if which in analysis.WHICH_OPTIONS else "first"
    by = by if by in BY_OPTIONS else "question"
    attempts, ungraded = _graded_attempts(exam)
    pass_mark = float(exam.pass_mark) if exam.pass_mark is not None else None
    result = analysis.analyse(attempt_marks(attempts, by), which, pass_mark)
    return ExamAnalysis(result, item_labels(attempts, by), attempts, ungraded)


def results_rows(attempts: list[Attempt]) -> list[dict[str, Any]]:
    """One row per attempt for the 成绩 sheet (local times, Excel has no time zones)."""
    rows = []
    for attempt in attempts:
        user = attempt.user
        rows.append(
            {
                "name": user.name,
                "login": user.username,
                "team": user.team.full_name if user.team else "",
                "started": to_local(attempt.started_at).replace(tzinfo=None),
                "submitted": to_local(attempt.submitted_at).replace(tzinfo=None)
                if attempt.submitted_at
                else None,
                "score": float(attempt.score) if attempt.score is not None else None,
                "passed": attempt.passed,
            }
        )
    return rows


def flag_labels() -> dict[str, str]:
    return {
        "facility_low": _("得分率低于 20%（过难）"),
        "facility_high": _("得分率高于 90%（过易）"),
        "efficiency_low": _("区分效率低于 15%"),
        "negative_covariance": _("与总分负相关"),
    }


def which_labels() -> dict[str, str]:
    return {
        "first": _("每人首次作答"),
        "highest": _("每人最高分作答"),
        "last": _("每人最后一次作答"),
        "all": _("全部作答"),
    }


def export_labels() -> dict[str, str]:
    """The export's words in the current language."""
    words = {
        "sheet_results": _("成绩"),
        "sheet_quiz": _("试卷统计"),
        "sheet_items": _("试题分析"),
        "name": _("姓名"),
        "login": _("登录名"),
        "team": _("单位"),
        "started": _("开始时间"),
        "submitted": _("交卷时间"),
        "score": _("得分"),
        "passed": _("是否及格"),
        "yes": _("是"),
        "no": _("否"),
        "figure": _("统计项"),
        "value": _("数值"),
        "exam": _("试卷"),
        "which": _("分析的作答"),
        "attempts_first": _("首次作答数"),
        "attempts_all": _("全部作答数"),
        "n": _("分析的作答数"),
        "max_total": _("满分"),
        "mean": _("平均分"),
        "mean_pct": _("平均分（%）"),
        "median": _("中位数"),
        "median_pct": _("中位数（%）"),
        "sd": _("标准差"),
        "sd_pct": _("标准差（%）"),
        "skewness": _("偏度"),
        "kurtosis": _("峰度"),
        "cic": _("内部一致性系数 CIC（%）"),
        "error_ratio": _("误差比（%）"),
        "standard_error": _("标准误"),
        "standard_error_pct": _("标准误（%）"),
        "pass_rate": _("及格率（%）"),
        "histogram": _("分数段分布"),
        "band": _("分数段"),
        "count": _("人次"),
        "number": _("序号"),
        "item": _("试题"),
        "item_n": _("作答数"),
        "max_mark": _("满分"),
        "intended_weight": _("预定权重（%）"),
        "facility": _("难度系数（得分率 %）"),
        "item_sd": _("标准差（%）"),
        "discrimination_index": _("区分度（%）"),
        "discriminative_efficiency": _("区分效率（%）"),
        "effective_weight": _("有效权重（%）"),
        "flags": _("需复核"),
    }
    words.update(flag_labels())
    words.update({f"which_{k}": v for k, v in which_labels().items()})
    return words

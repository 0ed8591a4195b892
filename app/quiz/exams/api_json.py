"""The JSON shapes of the exam API (see ``app/openapi.yaml``). Option ids are the attempt's
opaque tokens; responses use them, never the question's own option indices."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from app.common.markup import render_markdown
from app.extensions import db
from app.quiz.bank.models import Question
from app.quiz.exams.models import Attempt, AttemptAnswer, AttemptItem
from app.quiz.exams.services.attempts import response_to_api
from app.quiz.exams.services.my_exams import MyExam
from app.quiz.exams.services.results import ResultView, inline_html


def iso(value: datetime | None) -> str | None:
    """Naive UTC → ``2026-05-01T08:00:00.000Z``."""
    if value is None:
        return None
    return value.isoformat(timespec="milliseconds") + "Z"


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@lru_cache(maxsize=8192)
def _stem_html(text: str) -> str:
    # Thousands of cadres load the same papers at the same hour: render each text once.
    return str(render_markdown(text))


@lru_cache(maxsize=16384)
def _option_html(text: str) -> str:
    return str(inline_html(text))


def question_json(item: AttemptItem, question: Question) -> dict[str, Any]:
    options = [
        {"id": item.option_ids[i], "html": _option_html(question.options[i])}
        for i in item.option_order or []
    ]
    return {
        "id": question.id,
        "type": question.type,
        "stem_html": _stem_html(question.stem),
        "points": number(item.points),
        "options": options,
        "blanks": len(question.answer or []) if question.type == "blank" else 0,
    }


def attempt_state(attempt: Attempt, now: datetime) -> dict[str, Any]:
    """What the exam page needs to render and resume: the paper, saved answers, clock."""
    rows = db.session.execute(
        select(AttemptItem, Question)
        .join(Question, Question.id == AttemptItem.question_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
    ).all()
    saved = {
        a.question_id: a
        for a in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        )
    }
    answers, seqs = {}, {}
    for item, question in rows:
        answer = saved.get(question.id)
        if answer is not None:
            answers[str(question.id)] = response_to_api(item, question.type, answer.response)
            seqs[str(question.id)] = answer.seq
    exam = attempt.exam
    return {
        "attempt_id": attempt.id,
        "exam_id": exam.id,
        "exam_title": exam.title,
        "status": attempt.status,
        "deadline": iso(attempt.deadline),
        "server_time": iso(now),
        "grace_seconds": exam.grace_seconds,
        "focus_losses": attempt.focus_losses,
        "focus_loss_limit": exam.focus_loss_limit,
        "questions": [question_json(item, question) for item, question in rows],
        "answers": answers,
        "seqs": seqs,
        "flags": [question.id for item, question in rows if item.flagged],
    }


def exam_entry(entry: MyExam) -> dict[str, Any]:
    exam = entry.exam
    attempt = entry.current or entry.last_submitted
    return {
        "id": exam.id,
        "title": exam.title,
        "kind": exam.kind,
        "status": entry.state,
        "opens_at": iso(exam.opens_at),
        "closes_at": iso(exam.closes_at),
        "duration_minutes": exam.duration_minutes,
        "attempts_allowed": exam.attempts_allowed,
        "attempts_used": entry.attempts_used,
        "can_start": entry.can_start,
        "reason": entry.reason,
        "attempt_id": attempt.id if attempt is not None else None,
        "score": number(entry.best_score),
        "max_score": number(entry.best_attempt.max_score) if entry.best_attempt else None,
    }


def result_json(view: ResultView) -> dict[str, Any]:
    attempt = view.attempt
    used = view.time_used
    body: dict[str, Any] = {
        "attempt_id": attempt.id,
        "exam_id": attempt.exam_id,
        "status": attempt.status,
        "submitted_at": iso(attempt.submitted_at),
        "auto_submitted": attempt.auto_submitted,
        "time_used_seconds": int(used.total_seconds()) if used is not None else None,
        "score_visible": view.score_visible,
        "review_visible": view.review_visible,
        "message": view.message,
    }
    if view.score_visible:
        pass_mark = attempt.exam.pass_mark
        body.update(
            score=number(attempt.score),
            max_score=number(attempt.max_score),
            pass_mark=number(pass_mark),
            passed=attempt.passed,
            graded=attempt.graded,
            breakdown=[
                {
                    "category": g.name,
                    "points": number(g.points),
                    "score": number(g.score),
                    "count": g.count,
                    "pending": g.pending,
                }
                for g in view.breakdown
            ],
        )
    if view.review_visible:
        body["items"] = [_review_json(item, view.score_visible) for item in view.items]
    return body


def _review_json(item, with_score: bool) -> dict[str, Any]:
    data = {
        "question_id": item.question_id,
        "position": item.position,
        "type": item.type,
        "stem_html": str(item.stem_html),
        "points": number(item.points),
        "options": [
            {"id": o.id, "html": str(o.html), "chosen": o.chosen, "correct": o.correct}
            for o in item.options
        ],
        "response": item.response,
        "correct": item.correct,
        "verdict": item.verdict,
        "answer_text": item.answer_text,
        "explanation_html": str(item.explanation_html),
        "source": item.source,
        "source_url": item.source_link[0] if item.source_link else None,
        "source_title": item.source_link[1] if item.source_link else None,
        "comment": item.comment,
        "withheld": item.withheld,
    }
    if with_score:
        data["score"] = number(item.score)
    return data

"""Marking submitted attempts: objective answers at submit (through ``app.quiz.bank.grading``),
essays by an administrator from the grading queue (阅卷), and the attempt's totals.

An attempt's total is final (``graded``) once every essay has a score.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.models import User
from app.common import audit, links
from app.common.errors import DomainError
from app.common.timeutil import utcnow
from app.extensions import db
from app.notify import services as notifications
from app.quiz.bank import grading
from app.quiz.bank.models import Question
from app.quiz.bank.points import score as clean_score
from app.quiz.exams import hooks as listeners
from app.quiz.exams.models import Attempt, AttemptAnswer, AttemptItem, Exam
from app.quiz.exams.services import tallies

MAX_COMMENT = 2000


def answers_by_question(attempt: Attempt) -> dict[int, AttemptAnswer]:
    return {answer.question_id: answer for answer in attempt.answers}


def mark_answer(
    item: AttemptItem, answer: AttemptAnswer, policy: str, question: Question | None = None
) -> None:
    """Objective mark of one answer (an essay stays unmarked unless left empty)."""
    question = question or item.question
    result = grading.mark(
        question.type, question.answer, answer.response, item.points, multiple_policy=policy
    )
    answer.score = result.score
    answer.correct = result.correct


def grade_attempt(attempt: Attempt) -> list[tuple[Question, bool]]:
    """Mark every item at submit, creating an empty answer for each unanswered one.
    Returns (question, correct) of the answers that now have a mark. Three queries (items,
    their questions, answers) and one flush, whatever the length of the paper."""
    items = attempt.items
    # Held here: the session keeps only weak references, and each item.question below must
    # come from it rather than from a query of its own.
    questions = {
        q.id: q
        for q in db.session.scalars(
            select(Question).where(Question.id.in_([item.question_id for item in items]))
        )
    }
    answers = answers_by_question(attempt)
    policy = attempt.exam.multiple_policy
    marked: list[tuple[Question, bool]] = []
    with db.session.no_autoflush:
        for item in items:
            question = questions[item.question_id]
            answer = answers.get(item.question_id)
            if answer is None:
                answer = AttemptAnswer(question_id=item.question_id, response=None, seq=0)
                attempt.answers.append(answer)
            mark_answer(item, answer, policy, question)
            if answer.correct is not None:
                marked.append((question, answer.correct))
    db.session.flush()
    refresh_totals(attempt)
    return marked


def refresh_totals(attempt: Attempt) -> None:
    """Score, full marks, graded and passed from the answers."""
    answers = answers_by_question(attempt)
    score, pending = Decimal(0), False
    for item in attempt.items:
        answer = answers.get(item.question_id)
        if answer is None or answer.score is None:
            pending = True
            continue
        score += Decimal(answer.score)
    attempt.max_score = sum((Decimal(i.points) for i in attempt.items), Decimal(0))
    attempt.score = score
    attempt.graded = not pending
    pass_mark = attempt.exam.pass_mark
    attempt.passed = None if pending or pass_mark is None else score >= pass_mark
    db.session.flush()
    tallies.forget(attempt)  # its team's stored sums by question are read again


# ---------------------------------------------------------------- essays


def essay_queue(exam: Exam | None = None, *, pending_only: bool = True):
    """Essay answers of submitted attempts (oldest submission first)."""
    query = (
        select(AttemptAnswer)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .join(Question, Question.id == AttemptAnswer.question_id)
        .where(Attempt.status == "submitted", Question.type == "essay")
        .order_by(Attempt.submitted_at, Attempt.id, AttemptAnswer.id)
    )
    if pending_only:
        query = query.where(AttemptAnswer.score.is_(None))
    if exam is not None:
        query = query.where(Attempt.exam_id == exam.id)
    return query


def pending_essay_count(exam: Exam | None = None) -> int:
    return db.session.scalar(select(func.count()).select_from(essay_queue(exam).subquery()))


def closed_exams_awaiting_marks(now) -> list[tuple[Exam, int]]:
    """Exams that have closed while essays of theirs are unmarked — their results are not
    final until marked — with how many, the longest closed first."""
    pending = essay_queue().subquery()
    rows = db.session.execute(
        select(Exam, func.count(pending.c.id))
        .join(Attempt, Attempt.exam_id == Exam.id)
        .join(pending, pending.c.attempt_id == Attempt.id)
        .where((Exam.status == "closed") | (Exam.closes_at <= now))
        .group_by(Exam.id)
        .order_by(Exam.closes_at, Exam.id)
    ).all()
    return [(exam, count) for exam, count in rows]


def item_for(answer: AttemptAnswer) -> AttemptItem:
    return db.session.scalar(
        select(AttemptItem).where(
            AttemptItem.attempt_id == answer.attempt_id,
            AttemptItem.question_id == answer.question_id,
        )
    )


def grade_essay(
    actor: User | None,
    answer: AttemptAnswer,
    score: Any,
    comment: str = "",
    now: datetime | None = None,
) -> None:
    """Score an essay 0..its points with a comment; the attempt's total follows."""
    attempt = answer.attempt
    if attempt.status != "submitted":
        raise DomainError(_("答卷尚未提交，不能评分"))
    if answer.question.type != "essay":
        raise DomainError(_("只有简答题需要人工评分"))
    item = item_for(answer)
    if score in (None, ""):
        raise DomainError(_("请填写得分"), "score")
    value = clean_score(score, "score", allow_zero=True)
    if value > item.points:
        raise DomainError(_("得分不能超过本题分值 %(p)s", p=format(item.points, "f")), "score")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(_("评语不能超过 %(n)d 个字", n=MAX_COMMENT), "comment")
    was_correct, first = answer.correct, answer.score is None
    answer.score = value
    answer.correct = value == item.points
    answer.comment = comment
    answer.graded_by = actor
    answer.graded_at = now or utcnow()
    db.session.flush()
    refresh_totals(attempt)
    if first and attempt.graded:
        # the last essay of the sitting: tell the cadre (once: the key names the sitting)
        notifications.notify(
            attempt.user,
            _l("您在《%(t)s》中的简答题已评阅完毕", t=attempt.exam.title),
            links.url("quiz.attempt_result", attempt_id=attempt.id),
            now=now,
            kind="exam.marked",
            key=f"exam.marked:{attempt.id}",
        )
    audit.record(
        actor,
        "attempt.grade_essay",
        attempt,
        _("简答题评分：%(s)s / %(p)s", s=format(value, "f"), p=format(item.points, "f")),
        question=answer.question_id,
    )
    if first or was_correct != answer.correct:
        listeners.attempt_remarked(
            attempt, [(answer.question, answer.correct)], "exam" if first else "regrade"
        )

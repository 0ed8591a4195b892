"""练习: questions drawn from chosen knowledge points (or from the mistake book), answered
one at a time with immediate feedback. The daily quiz is answered through here too.

Responses use the question's own option indices (0 = A): a practice run shows options in
the bank's order, and nothing about the key is sent before the question is answered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.common.errors import DomainError
from app.common.markup import render_markdown
from app.common.timeutil import utcnow
from app.courses.services.sources import resolve_source_lesson
from app.extensions import db
from app.quiz.bank.grading import MalformedResponse, check_response, is_blank_response, mark
from app.quiz.bank.importers.base import LETTERS
from app.quiz.bank.models import Category, Question, QuestionBank
from app.quiz.bank.services.banks import check_practice_bank
from app.quiz.practice.models import PracticeAnswer, PracticeSession
from app.quiz.practice.services import daily_record, mistakes, serving
from app.quiz.practice.services.pool import AnswerRefused, pool_query

COUNT_CHOICES = (5, 10, 20, 30)
MAX_COUNT = 50

_random = random.SystemRandom()


def expected_shape(question_type: str) -> str:
    """What a response to this type must look like, for the one who sent another shape."""
    return {
        "single": _("单选题的答案应为一个选项序号（0 表示 A）"),
        "multiple": _("多选题的答案应为选项序号的列表（0 表示 A）"),
        "judge": _("判断题的答案应为 true 或 false"),
        "blank": _("填空题的答案应为每空一段文字组成的列表"),
    }.get(question_type, _("答案格式不正确"))


def _check_count(count: Any) -> int:
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise DomainError(_("题目数量应为整数"), "count") from None
    if not 1 <= count <= MAX_COUNT:
        raise DomainError(_("题目数量应在 1 到 %(n)d 之间", n=MAX_COUNT), "count")
    return count


def start_practice(
    user: User,
    bank: QuestionBank | None,
    cats: list[Category] | None = None,
    count: Any = 10,
    *,
    from_mistakes: bool = False,
) -> PracticeSession:
    """Draw ``count`` questions at random (fewer if fewer match). ``from_mistakes`` draws
    only the questions of the cadre's mistake book that are not yet mastered."""
    count = _check_count(count)
    cats = list(cats or [])
    if bank is None and cats:
        raise DomainError(_("请先选择题库"), "bank")
    if any(c.bank_id != bank.id for c in cats):
        raise DomainError(_("知识点不属于这个题库"), "categories")
    if bank is not None:
        check_practice_bank(bank)
    query = serving.servable(pool_query(bank, cats), user)
    if from_mistakes:
        open_lineages = mistakes.open_lineages(user)
        query = query.where(Question.lineage_id.in_(open_lineages))
    pool = list(db.session.scalars(query))
    if not pool:
        if from_mistakes and open_lineages:
            raise DomainError(
                _("错题本中待巩固的题目暂时都不能练习：它们正用于考试，或所在题库仅用于考试"),
                "from_mistakes",
            )
        if from_mistakes:
            raise DomainError(_("错题本中没有待巩固的题目"), "from_mistakes")
        raise DomainError(_("所选范围内没有可练习的题目"), "categories")
    session = PracticeSession(
        user_id=user.id,
        kind="mistakes" if from_mistakes else "practice",
        bank_id=bank.id if bank is not None else None,
        category_ids=[c.id for c in cats],
        question_ids=_random.sample(pool, min(count, len(pool))),
    )
    db.session.add(session)
    db.session.flush()
    return session


def session_questions(session: PracticeSession) -> list[Question]:
    """The session's questions in the order drawn."""
    rows = db.session.scalars(select(Question).where(Question.id.in_(session.question_ids)))
    by_id = {q.id: q for q in rows}
    return [by_id[qid] for qid in session.question_ids if qid in by_id]


def answers_by_question(session: PracticeSession) -> dict[int, PracticeAnswer]:
    return {a.question_id: a for a in session.answers}


@dataclass(frozen=True)
class Progress:
    total: int
    answered: int
    correct: int

    @property
    def finished(self) -> bool:
        return self.answered >= self.total

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0


def progress(session: PracticeSession) -> Progress:
    answers = session.answers
    return Progress(len(session.question_ids), len(answers), sum(a.correct for a in answers))


@dataclass(frozen=True)
class SourceLink:
    text: str
    url: str = ""
    title: str = ""


def source_link(question: Question, user: User | None = None) -> SourceLink:
    """Where the fact comes from: the lesson (URL and title) when the reference resolves
    for this user, and the source text always."""
    found = resolve_source_lesson(question.source_lesson, user) if question.source_lesson else None
    if found is None:
        return SourceLink(question.source or "")
    url, title = found
    return SourceLink(question.source or "", url, title)


def answer_display(question: Question) -> str:
    """The key as a cadre reads it: ``B``, ``AC``, 正确, ``北京 / 北平；…``."""
    answer = question.answer
    if question.type in ("single", "multiple"):
        return "".join(LETTERS[i] for i in answer or [] if 0 <= i < len(LETTERS))
    if question.type == "judge":
        return pgettext("judge", "正确") if answer else pgettext("judge", "错误")
    if question.type == "blank":
        return "；".join(" / ".join(alternatives) for alternatives in answer or [])
    return str(answer or "")


def response_display(question: Question, response: Any) -> str:
    """A cadre's own answer, written the way ``answer_display`` writes the key."""
    if response is None:
        return ""
    if question.type == "single":
        return LETTERS[response] if 0 <= response < len(LETTERS) else ""
    if question.type == "multiple":
        return "".join(LETTERS[i] for i in response if 0 <= i < len(LETTERS))
    if question.type == "judge":
        return pgettext("judge", "正确") if response else pgettext("judge", "错误")
    if question.type == "blank":
        return "；".join(str(s) for s in response)
    return str(response)


def blank_count(question: Question) -> int:
    return len(question.answer or []) if question.type == "blank" else 0


@dataclass(frozen=True)
class Feedback:
    """What a cadre sees once a question is answered (and only then)."""

    question: Question
    response: Any
    correct: bool | None
    fraction: Decimal | None
    correct_answer: Any
    correct_answer_text: str
    explanation_html: Markup
    source: SourceLink
    already_answered: bool = False
    withheld: bool = False  # an exam holds the question back: no key, verdict nor explanation


def feedback_for(
    user: User,
    question: Question,
    answer: PracticeAnswer,
    *,
    already: bool = False,
    withheld: bool = False,
) -> Feedback:
    if withheld:
        return Feedback(
            question=question,
            response=answer.response,
            correct=None,
            fraction=None,
            correct_answer=None,
            correct_answer_text="",
            explanation_html=Markup(""),
            source=source_link(question, user),
            already_answered=already,
            withheld=True,
        )
    return Feedback(
        question=question,
        response=answer.response,
        correct=answer.correct,
        fraction=Decimal(answer.fraction),
        correct_answer=question.answer,
        correct_answer_text=answer_display(question),
        explanation_html=render_markdown(question.explanation),
        source=source_link(question, user),
        already_answered=already,
    )


def answer(
    user: User,
    session: PracticeSession,
    question_id: int,
    response: Any,
    *,
    now: datetime | None = None,
) -> Feedback:
    """Mark one answer and note it in the mistake book. A question is answered once:
    answering it again returns the first answer's feedback unchanged."""
    now = now or utcnow()
    if question_id not in session.question_ids:
        raise AnswerRefused(_("本次练习中没有这道题"), "not_in_session")
    question = db.session.get(Question, question_id)
    if question is None:
        raise AnswerRefused(_("本次练习中没有这道题"), "not_in_session")
    if serving.hidden_ids(user, [question], now):
        raise AnswerRefused(_("这道题正用于考试，暂不能练习，答案与解析也暂不显示"), "withheld")
    existing = answers_by_question(session).get(question_id)
    if existing is not None:
        return feedback_for(user, question, existing, already=True)
    if session.kind == "daily":
        daily_record.ensure_open(session, now)
    elif session.finished_at is not None:
        raise AnswerRefused(_("本次练习已结束"), "closed")
    try:
        canonical = check_response(question.type, response, len(question.options or []))
    except MalformedResponse:
        raise AnswerRefused(expected_shape(question.type), "malformed") from None
    if is_blank_response(question.type, canonical):
        raise AnswerRefused(_("请先作答再提交"), "malformed")
    result = mark(question.type, question.answer, canonical, 1)
    row = PracticeAnswer(
        session_id=session.id,
        question_id=question.id,
        response=canonical,
        correct=bool(result.correct),
        fraction=result.fraction,
        answered_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same answer sent twice at once (a double tap)
        db.session.expire(session, ["answers"])
        existing = answers_by_question(session).get(question_id)
        if existing is None:
            raise
        return feedback_for(user, question, existing, already=True)
    db.session.expire(session, ["answers"])
    mistakes.record_answer(
        user,
        question,
        bool(result.correct),
        "daily" if session.kind == "daily" else "practice",
        from_book=session.kind == "mistakes",
        at=now,
    )
    if progress(session).finished and session.finished_at is None:
        _finish(session, now)
    db.session.flush()
    return feedback_for(user, question, row)


def _finish(session: PracticeSession, now: datetime) -> None:
    session.finished_at = now
    if session.kind == "daily":
        daily_record.complete(session, now)


def finish(session: PracticeSession, *, now: datetime | None = None) -> None:
    """End a practice run early; the questions left unanswered stay unanswered. A daily
    quiz ends only when every question is answered."""
    if session.finished_at is not None:
        return
    if session.kind == "daily":
        raise DomainError(_("每日答题需要答完全部题目"))
    session.finished_at = now or utcnow()
    db.session.flush()


def session_feedback(
    user: User, session: PracticeSession, questions: list[Question] | None = None
) -> dict[int, Feedback]:
    """question id → the feedback of each answered question of the session; questions an
    exam now withholds come without key, verdict or explanation."""
    questions = session_questions(session) if questions is None else questions
    answers = answers_by_question(session)
    answered = [q for q in questions if q.id in answers]
    hidden = serving.hidden_ids(user, answered)
    return {q.id: feedback_for(user, q, answers[q.id], withheld=q.id in hidden) for q in answered}


def recent_sessions(user: User, limit: int = 5) -> list[PracticeSession]:
    return list(
        db.session.scalars(
            select(PracticeSession)
            .where(PracticeSession.user_id == user.id, PracticeSession.kind != "daily")
            .order_by(PracticeSession.started_at.desc(), PracticeSession.id.desc())
            .limit(limit)
        )
    )


def present(question: Question) -> dict:
    """The question as a cadre sees it before answering: no key, no explanation."""
    return {
        "id": question.id,
        "type": question.type,
        "stem_html": str(render_markdown(question.stem)),
        "options": [
            {"id": index, "letter": LETTERS[index], "html": str(escape(text))}
            for index, text in enumerate(question.options or [])
        ],
        "blanks": blank_count(question),
    }


def banks_with_questions(user: User | None = None) -> list[tuple[QuestionBank, int]]:
    """Banks that have something to practise (for ``user``), with how many questions, by
    name."""
    counted = (
        select(Question.bank_id, func.count(Question.id))
        .where(Question.id.in_(serving.servable(pool_query().order_by(None), user)))
        .group_by(Question.bank_id)
    )
    counts = dict(db.session.execute(counted).all())
    if not counts:
        return []
    rows = db.session.scalars(
        select(QuestionBank).where(QuestionBank.id.in_(counts)).order_by(QuestionBank.name)
    )
    return [(bank, counts[bank.id]) for bank in rows]

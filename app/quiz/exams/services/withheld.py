"""Questions an exam withholds (暂不公开的题目): the one rule that keeps an exam's key out
of practice, the daily quiz, the mistake book and other exams' reviews.

An exam of kind ``level_test`` or ``exam``, published or closed, whose audience includes
the cadre (or that the cadre has sat), withholds from that cadre every lineage (all
versions of a question) of its fixed paper and of its draw pool — every question version
its rules match, whatever its status, so a question drawn and later retired or re-edited
stays covered:

- while it has not closed, an upcoming exam included (its key is the same leak);
- after the close while its review is not released: ``review_policy`` ``never`` never
  releases it, and a sitting still in progress (the grace after the close) keeps it back
  from its own cadre until it is submitted.

``withheld_lineages_query`` gives it as SQL (a select of lineage ids, for ``NOT IN``),
``withheld_lineages`` as a set; ``bank_holds`` answers the bank's "who holds this bank back"
hook. Practice reads it through the published module ``app.quiz.exams.withheld``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, exists, false, func, or_, select, union
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.bank.models import Category, Question, QuestionBank
from app.quiz.bank.services.holds import BankHold
from app.quiz.exams.models import Attempt, Exam, ExamItem, ExamRule
from app.quiz.exams.services.audience import audience_condition

WITHHOLDING_KINDS = ("level_test", "exam")


def lineage_of():
    """A question row's lineage id; a first version may carry NULL (rows written before
    the lineage was set) and then is its own lineage."""
    return func.coalesce(Question.lineage_id, Question.id)


def _still_secret(now: datetime, user: User | None):
    """SQL on ``Exam``: its key is not released (to ``user``, when given) at ``now``."""
    not_closed = and_(Exam.status == "published", Exam.closes_at > now)
    conditions = [not_closed, Exam.review_policy == "never"]
    if user is not None:
        conditions.append(
            exists().where(
                Attempt.exam_id == Exam.id,
                Attempt.user_id == user.id,
                Attempt.status == "in_progress",
            )
        )
    return or_(*conditions)


def withholding_exams_query(user: User, now: datetime | None = None) -> Select:
    """Ids of the exams that withhold their questions from ``user`` at ``now``."""
    now = now or utcnow()
    sat = exists().where(Attempt.exam_id == Exam.id, Attempt.user_id == user.id)
    return select(Exam.id).where(
        Exam.kind.in_(WITHHOLDING_KINDS),
        Exam.status.in_(("published", "closed")),
        or_(audience_condition(user), sat),
        _still_secret(now, user),
    )


def exam_lineages_query(exam_ids: Select) -> Select:
    """Lineage ids of the fixed papers and draw pools of the exams ``exam_ids`` selects."""
    paper = (
        select(lineage_of().label("lineage"))
        .join(ExamItem, ExamItem.question_id == Question.id)
        .where(ExamItem.exam_id.in_(exam_ids))
    )
    rule_category = aliased(Category)
    question_category = aliased(Category)
    in_category = or_(
        ExamRule.category_id.is_(None),
        exists().where(
            rule_category.id == ExamRule.category_id,
            question_category.id == Question.category_id,
            question_category.bank_id == rule_category.bank_id,
            question_category.path.startswith(rule_category.path),
        ),
    )
    pool = (
        select(lineage_of().label("lineage"))
        .join(
            ExamRule,
            and_(
                ExamRule.bank_id == Question.bank_id,
                ExamRule.type == Question.type,
                Question.difficulty >= ExamRule.difficulty_min,
                Question.difficulty <= ExamRule.difficulty_max,
            ),
        )
        .where(ExamRule.exam_id.in_(exam_ids), in_category)
    )
    both = union(paper, pool).subquery()
    return select(both.c.lineage)


def withheld_lineages_query(
    user: User | None, now: datetime | None = None, *, except_exam_id: int | None = None
) -> Select:
    """SQL: the lineage ids withheld from ``user`` at ``now`` (none for an administrator or
    nobody); ``except_exam_id`` leaves out what only that exam withholds (its own review)."""
    if user is None or user.is_admin:
        return select(Question.id).where(false())
    exams = withholding_exams_query(user, now)
    if except_exam_id is not None:
        exams = exams.where(Exam.id != except_exam_id)
    return exam_lineages_query(exams)


def withheld_lineages(
    user: User | None, now: datetime | None = None, *, except_exam_id: int | None = None
) -> set[int]:
    """``withheld_lineages_query`` as a set."""
    if user is None or user.is_admin:
        return set()
    query = withheld_lineages_query(user, now, except_exam_id=except_exam_id)
    return set(db.session.scalars(query))


def is_withheld(user: User | None, question: Question, now: datetime | None = None) -> bool:
    lineage = question.lineage_id or question.id
    return lineage in withheld_lineages(user, now)


def not_withheld(user: User | None, now: datetime | None = None):
    """SQL on ``Question``: the row's lineage is not withheld from ``user``."""
    return lineage_of().not_in(withheld_lineages_query(user, now))


# ---------------------------------------------------------------- the bank page's hook


def bank_holds(bank: QuestionBank, now: datetime | None = None) -> list[BankHold]:
    """The exams that hold questions of ``bank`` back from practice (from their audiences)
    now, and until when: the close, the release of the answers, or for ever."""
    now = now or utcnow()
    uses_bank = or_(
        exists().where(
            ExamItem.exam_id == Exam.id,
            ExamItem.question_id == Question.id,
            Question.bank_id == bank.id,
        ),
        exists().where(ExamRule.exam_id == Exam.id, ExamRule.bank_id == bank.id),
    )
    in_progress = exists().where(Attempt.exam_id == Exam.id, Attempt.status == "in_progress")
    exams = db.session.scalars(
        select(Exam)
        .where(
            Exam.kind.in_(WITHHOLDING_KINDS),
            Exam.status.in_(("published", "closed")),
            or_(_still_secret(now, None), in_progress),
            uses_bank,
        )
        .order_by(Exam.closes_at, Exam.id)
    )
    holds = []
    for exam in exams:
        if exam.review_policy == "never":
            holds.append(BankHold(exam.id, exam.title, exam.opens_at, None, forever=True))
        elif exam.has_closed(now):  # sittings in their grace: until they are submitted
            holds.append(BankHold(exam.id, exam.title, exam.opens_at, None))
        else:
            holds.append(BankHold(exam.id, exam.title, exam.opens_at, exam.closes_at))
    return holds

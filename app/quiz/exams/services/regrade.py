"""Regrade (重新评分): when an administrator corrects a used question's key, the edit makes
a new version; submitted attempts that saw an older version with another key are moved to
the corrected version and re-marked. Every changed attempt is audit-logged and its cadre
notified; the mistake book hears of a changed mark if the attempt's marks have been
released to it (``listeners``). Attempts still in progress keep their snapshot (their page
holds the question's id) and can be regraded once submitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.models import User
from app.common import audit, links
from app.common.errors import DomainError
from app.common.timeutil import utcnow
from app.extensions import db
from app.notify import services as notifications
from app.quiz.bank.models import Question
from app.quiz.exams import hooks as listeners
from app.quiz.exams.models import Attempt, AttemptAnswer, AttemptItem, Exam
from app.quiz.exams.services import marking
from app.quiz.exams.services.assembly import latest_version
from app.quiz.exams.services.attempts import lock_attempt


@dataclass
class RegradeOffer:
    latest: Question
    old_versions: list[Question]
    submitted: int  # attempts that would be re-marked
    in_progress: int  # attempts to regrade after they are submitted


@dataclass
class RegradeResult:
    items: int = 0
    changed_attempts: list[Attempt] = field(default_factory=list)


def _stale_versions(latest: Question) -> list[Question]:
    """Older versions of the lineage whose key differs from the latest one."""
    return list(
        v
        for v in db.session.scalars(
            select(Question)
            .where(Question.lineage_id == latest.lineage_id, Question.id != latest.id)
            .order_by(Question.version)
        )
        if v.answer != latest.answer
    )


def _counts(ids: list[int]) -> dict[str, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Attempt.status, func.count(AttemptItem.id))
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.question_id.in_(ids))
        .group_by(Attempt.status)
    )
    return dict(rows.all())


def regrade_offer(question: Question) -> RegradeOffer | None:
    """What a regrade of this question's lineage would touch, or None if nothing."""
    latest = latest_version(question)
    if latest is None or latest.type == "essay":
        return None
    stale = _stale_versions(latest)
    counts = _counts([v.id for v in stale])
    if not counts.get("submitted") and not counts.get("in_progress"):
        return None
    return RegradeOffer(latest, stale, counts.get("submitted", 0), counts.get("in_progress", 0))


def exam_offers(exam: Exam) -> list[RegradeOffer]:
    """Questions of this exam's attempts whose key has been corrected since."""
    old_ids = db.session.scalars(
        select(AttemptItem.question_id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Question, Question.id == AttemptItem.question_id)
        .where(Attempt.exam_id == exam.id, Question.is_latest.is_(False))
        .distinct()
    ).all()
    offers, seen = [], set()
    for question in db.session.scalars(select(Question).where(Question.id.in_(old_ids))):
        if question.lineage_id in seen:
            continue
        seen.add(question.lineage_id)
        offer = regrade_offer(question)
        if offer is not None and offer.submitted:
            offers.append(offer)
    return offers


def regrade_question(
    actor: User | None, question: Question, now: datetime | None = None
) -> RegradeResult:
    """Re-mark every submitted attempt that saw a version of this question with another key
    against the latest version."""
    now = now or utcnow()
    latest = latest_version(question)
    if latest.type == "essay":
        raise DomainError(_("简答题由人工评分，无需重新评分"))
    stale = _stale_versions(latest)
    for old in stale:
        if old.type != latest.type or len(old.options or []) != len(latest.options or []):
            raise DomainError(
                _(
                    "第 %(v)d 版与最新版本的题型或选项数量不同，无法自动重新评分",
                    v=old.version,
                )
            )
    result = RegradeResult()
    items = db.session.scalars(
        select(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.question_id.in_([v.id for v in stale]), Attempt.status == "submitted")
        .order_by(AttemptItem.attempt_id)
    ).all()
    for item in items:
        attempt = lock_attempt(item.attempt_id)
        old_id = item.question_id
        answer = db.session.scalar(
            select(AttemptAnswer).where(
                AttemptAnswer.attempt_id == attempt.id, AttemptAnswer.question_id == old_id
            )
        )
        before_score, before_correct = attempt.score, answer.correct if answer else None
        item.question = latest
        if answer is None:
            answer = AttemptAnswer(attempt_id=attempt.id, response=None)
            db.session.add(answer)
        answer.question = latest
        db.session.flush()
        marking.mark_answer(item, answer, attempt.exam.multiple_policy, latest)
        db.session.expire(attempt, ["answers"])
        marking.refresh_totals(attempt)
        result.items += 1
        if answer.correct != before_correct and answer.correct is not None:
            listeners.attempt_remarked(attempt, [(latest, answer.correct)], "regrade")
        if attempt.score != before_score:
            result.changed_attempts.append(attempt)
            audit.record(
                actor,
                "attempt.regrade",
                attempt,
                _(
                    "题目 %(q)d 更正答案后重新评分：%(a)s → %(b)s",
                    q=latest.lineage_id,
                    a=format(before_score or 0, "f"),
                    b=format(attempt.score, "f"),
                ),
                question=latest.id,
                previous_question=old_id,
            )
            notifications.notify(
                attempt.user,
                _l("《%(t)s》有题目更正了答案，您的成绩已重新评定", t=attempt.exam.title),
                links.url("quiz.attempt_result", attempt_id=attempt.id),
                now=now,
                kind="exam.regraded",
            )
    audit.record(
        actor,
        "question.regrade",
        latest,
        _(
            "题目 %(q)d 重新评分：%(n)d 份答卷，其中 %(c)d 份成绩变化",
            q=latest.lineage_id,
            n=result.items,
            c=len(result.changed_attempts),
        ),
    )
    db.session.flush()
    return result

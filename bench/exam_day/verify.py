"""After the run: is every acknowledged save in the database? Read with SQL through
SQLAlchemy, straight from the tables, not through the API under test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, select

from bench.exam_day.load import Cadre


@dataclass
class Check:
    acknowledged: int = 0  # (attempt, question) pairs with an applied save
    lost: int = 0
    newer_unacknowledged: int = 0  # a later save whose answer never came back, stored
    submits_acknowledged: int = 0
    submits_missing: int = 0
    samples: list[str] = field(default_factory=list)


def _to_stored(qtype: str, option_ids: list[str], response: Any) -> Any:
    """The API's response → the stored shape (the question's original option indices)."""
    if qtype == "single":
        return option_ids.index(response)
    if qtype == "multiple":
        return sorted({option_ids.index(r) for r in response})
    return response


def check_answers(url: str, cadres: list[Cadre]) -> Check:
    from app.quiz.bank.models import Question
    from app.quiz.exams.models import Attempt, AttemptAnswer, AttemptItem

    engine = create_engine(url)
    ids = [c.attempt_id for c in cadres if c.attempt_id]
    stored: dict[tuple[int, int], tuple[int, Any]] = {}
    layout: dict[tuple[int, int], tuple[str, list[str]]] = {}
    status: dict[int, str] = {}
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for a, q, response, seq in conn.execute(
                select(
                    AttemptAnswer.attempt_id,
                    AttemptAnswer.question_id,
                    AttemptAnswer.response,
                    AttemptAnswer.seq,
                ).where(AttemptAnswer.attempt_id.in_(chunk))
            ):
                stored[(a, q)] = (seq, response)
            for a, q, option_ids, qtype in conn.execute(
                select(
                    AttemptItem.attempt_id,
                    AttemptItem.question_id,
                    AttemptItem.option_ids,
                    Question.type,
                )
                .join(Question, Question.id == AttemptItem.question_id)
                .where(AttemptItem.attempt_id.in_(chunk))
            ):
                layout[(a, q)] = (qtype, list(option_ids or []))
            for a, s in conn.execute(
                select(Attempt.id, Attempt.status).where(Attempt.id.in_(chunk))
            ):
                status[a] = s
    engine.dispose()

    check = Check()
    for cadre in cadres:
        if cadre.submitted:
            check.submits_acknowledged += 1
            if status.get(cadre.attempt_id) != "submitted":
                check.submits_missing += 1
        for qid, (seq, response) in cadre.acked.items():
            key = (cadre.attempt_id, qid)
            check.acknowledged += 1
            qtype, option_ids = layout[key]
            expected = _to_stored(qtype, option_ids, response)
            row = stored.get(key)
            if row is not None and row[0] > seq and row[0] <= cadre.seq.get(qid, 0):
                check.newer_unacknowledged += 1
            elif row is None or row[0] != seq or row[1] != expected:
                check.lost += 1
                if len(check.samples) < 5:
                    check.samples.append(
                        f"attempt {key[0]} question {qid}: acknowledged seq {seq} "
                        f"{expected!r}, stored {row!r}"
                    )
    return check

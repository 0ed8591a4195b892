"""Paper assembly (组卷): fixed items, or rules drawn afresh for every attempt.

Rules draw only active latest versions. A rule that cannot be satisfied is refused with a
message naming it, when the rules are saved, when the exam is published and at a draw.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.auth.models import User
from app.common import audit
from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.models import Category, Question, QuestionBank
from app.quiz.bank.points import score as clean_score
from app.quiz.bank.question_types import CHOICE_TYPES, QUESTION_TYPES
from app.quiz.bank.services import categories
from app.quiz.bank.services.banks import check_exam_bank, type_labels
from app.quiz.exams.models import Exam, ExamItem, ExamRule

MAX_ITEMS = 500


@dataclass
class PaperEntry:
    question: Question
    points: Decimal


# ---------------------------------------------------------------- fixed items


def latest_version(question: Question) -> Question:
    if question.is_latest:
        return question
    return db.session.scalar(
        select(Question).where(
            Question.lineage_id == question.lineage_id, Question.is_latest.is_(True)
        )
    )


def _check_editable(exam: Exam) -> None:
    if exam.status != "draft":
        raise DomainError(_("考试已发布，试卷不能再修改"))


def add_items(
    actor: User | None,
    exam: Exam,
    questions: Iterable[Question],
    points: Any = None,
    *,
    pin_version: bool = False,
) -> int:
    """Append questions (each lineage once); ``points`` None takes each question's own
    points, else 1. Returns how many were added."""
    _check_editable(exam)
    have = {item.question.lineage_id for item in exam.items}
    position = max((item.position for item in exam.items), default=0)
    fixed = clean_score(points) if points not in (None, "") else None
    added = 0
    for question in questions:
        if question.lineage_id in have:
            continue
        check_exam_bank(question.bank, "items")
        if len(exam.items) >= MAX_ITEMS:
            raise DomainError(_("一份试卷最多 %(n)d 道题", n=MAX_ITEMS))
        position += 1
        value = fixed or question.points or Decimal(1)
        exam.items.append(
            ExamItem(question=question, points=value, position=position, pin_version=pin_version)
        )
        have.add(question.lineage_id)
        added += 1
    db.session.flush()
    if added:
        audit.record(actor, "exam.items", exam, _("向试卷添加 %(n)d 道题", n=added))
    return added


def update_items(
    actor: User | None,
    exam: Exam,
    points: dict[int, Any],
    remove: Iterable[int] = (),
    order: dict[int, int] | None = None,
) -> None:
    """Change items' points (``{item id: points}``), order (``{item id: position}``) and
    remove some (item ids)."""
    _check_editable(exam)
    remove = set(remove)
    by_id = {item.id: item for item in exam.items}
    for item_id, value in points.items():
        if item_id in by_id and item_id not in remove:
            by_id[item_id].points = clean_score(value, f"points_{item_id}")
    for item_id in remove:
        if item_id in by_id:
            exam.items.remove(by_id[item_id])
    if order:
        for item_id, position in order.items():
            if item_id in by_id and item_id not in remove:
                by_id[item_id].position = int(position)
    for number, item in enumerate(sorted(exam.items, key=lambda i: (i.position, i.id)), 1):
        item.position = number
    db.session.flush()
    audit.record(actor, "exam.items", exam, _("修改试卷题目"), removed=sorted(remove))


def resolve_item(item: ExamItem) -> Question:
    return item.question if item.pin_version else latest_version(item.question)


# ---------------------------------------------------------------- rules


def describe_rule(rule: ExamRule, number: int) -> str:
    """``规则 2（题库 X / 知识点 Y / 单选题 / 难度 1–3 / 5 道）`` — how messages name a rule."""
    parts = [rule.bank.name if rule.bank else "?"]
    if rule.category is not None:
        parts.append(rule.category.full_name)
    parts.append(type_labels().get(rule.type, rule.type))
    parts.append(_("难度 %(a)d–%(b)d", a=rule.difficulty_min, b=rule.difficulty_max))
    parts.append(ngettext("%(num)d 道", "%(num)d 道", rule.count))
    return _("规则 %(n)d（%(d)s）", n=number, d=" / ".join(parts))


def pool_query(rule: ExamRule):
    """Active latest questions a rule may draw."""
    query = select(Question).where(
        Question.bank_id == rule.bank_id,
        Question.is_latest.is_(True),
        Question.status == "active",
        Question.type == rule.type,
        Question.difficulty >= rule.difficulty_min,
        Question.difficulty <= rule.difficulty_max,
    )
    if rule.category is not None:
        query = query.where(Question.category_id.in_(categories.subtree_ids_query(rule.category)))
    return query


def pool_size(rule: ExamRule) -> int:
    return db.session.scalar(select(func.count()).select_from(pool_query(rule).subquery()))


def _clean_rule(spec: dict[str, Any], number: int) -> ExamRule:
    bank = spec.get("bank")
    if not isinstance(bank, QuestionBank):
        raise DomainError(_("规则 %(n)d：请选择题库", n=number), "rules")
    check_exam_bank(bank, "rules")
    category = spec.get("category")
    if category is not None and (not isinstance(category, Category) or category.bank_id != bank.id):
        raise DomainError(_("规则 %(n)d：知识点不属于所选题库", n=number), "rules")
    qtype = spec.get("type")
    if qtype not in QUESTION_TYPES:
        raise DomainError(_("规则 %(n)d：请选择题型", n=number), "rules")
    try:
        low = int(spec.get("difficulty_min") or 1)
        high = int(spec.get("difficulty_max") or 5)
        count = int(spec.get("count"))
    except (TypeError, ValueError):
        raise DomainError(_("规则 %(n)d：难度和题数应为整数", n=number), "rules") from None
    if not 1 <= low <= high <= 5:
        raise DomainError(_("规则 %(n)d：难度范围应在 1–5 之间且下限不大于上限", n=number), "rules")
    if not 1 <= count <= MAX_ITEMS:
        raise DomainError(_("规则 %(n)d：题数应在 1 到 %(m)d 之间", n=number, m=MAX_ITEMS), "rules")
    try:
        points = clean_score(spec.get("points_each"), "rules")
    except DomainError as exc:
        raise DomainError(_("规则 %(n)d：%(m)s", n=number, m=exc.message), "rules") from None
    return ExamRule(
        position=number,
        bank=bank,
        bank_id=bank.id,
        category=category,
        type=qtype,
        difficulty_min=low,
        difficulty_max=high,
        count=count,
        points_each=points,
    )


def set_rules(actor: User | None, exam: Exam, specs: list[dict[str, Any]]) -> None:
    """Replace the rules. Each spec: bank, category (or None), type, difficulty_min,
    difficulty_max, count, points_each. Refuses a rule its pool cannot satisfy."""
    _check_editable(exam)
    rules = [_clean_rule(spec, number) for number, spec in enumerate(specs, 1)]
    if sum(rule.count for rule in rules) > MAX_ITEMS:
        raise DomainError(_("一份试卷最多 %(n)d 道题", n=MAX_ITEMS), "rules")
    for number, rule in enumerate(rules, 1):
        _check_rule(rule, number)
    exam.rules.clear()
    db.session.flush()
    for rule in rules:
        exam.rules.append(rule)
    db.session.flush()
    audit.record(actor, "exam.rules", exam, _("设置抽题规则 %(n)d 条", n=len(rules)))


def _check_rule(rule: ExamRule, number: int) -> None:
    available = pool_size(rule)
    if available < rule.count:
        raise DomainError(
            _(
                "%(r)s只有 %(a)d 道可用题目，少于要求的 %(n)d 道",
                r=describe_rule(rule, number),
                a=available,
                n=rule.count,
            ),
            "rules",
        )


# ---------------------------------------------------------------- the paper


def check_paper(exam: Exam) -> None:
    """The exam has a paper that can be drawn now; DomainError names what is missing."""
    if exam.assembly == "fixed":
        if not exam.items:
            raise DomainError(_("试卷还没有题目"), "items")
        for item in exam.items:
            check_exam_bank(item.question.bank, "items")
            question = resolve_item(item)
            if question is None or not question.is_active:
                raise DomainError(
                    _(
                        "试卷第 %(n)d 题（题目 %(q)d）已停用",
                        n=item.position,
                        q=item.question.lineage_id,
                    ),
                    "items",
                )
        return
    if not exam.rules:
        raise DomainError(_("还没有设置抽题规则"), "rules")
    for number, rule in enumerate(exam.rules, 1):
        check_exam_bank(rule.bank, "rules")
        _check_rule(rule, number)
    draw_paper(exam, random.Random(0))


def draw_paper(exam: Exam, rng: random.Random | None = None) -> list[PaperEntry]:
    """The questions and points of one sitting, in the order they will be shown. Rules
    draw with two queries whatever their number (every candidate's id, lineage, type,
    difficulty and category at once; then the chosen questions), since thousands of cadres
    start the same test within a minute."""
    rng = rng or random.SystemRandom()
    if exam.assembly == "fixed":
        entries = [PaperEntry(resolve_item(item), item.points) for item in exam.items]
    else:
        entries = _draw_by_rules(exam, rng)
    if exam.shuffle_questions:
        rng.shuffle(entries)
    return entries


def _draw_by_rules(exam: Exam, rng: random.Random) -> list[PaperEntry]:
    rules = list(exam.rules)
    candidates = db.session.execute(
        select(
            Question.id,
            Question.lineage_id,
            Question.bank_id,
            Question.type,
            Question.difficulty,
            Question.category_id,
        ).where(
            Question.bank_id.in_({rule.bank_id for rule in rules}),
            Question.type.in_({rule.type for rule in rules}),
            Question.is_latest.is_(True),
            Question.status == "active",
        )
    ).all()
    subtrees = _category_subtrees({rule.category_id for rule in rules} - {None})
    lineage = {c.id: c.lineage_id for c in candidates}
    taken: set[int] = set()
    picks: list[tuple[int, Decimal]] = []
    for number, rule in enumerate(rules, 1):
        allowed = subtrees.get(rule.category_id)
        ids = sorted(
            c.id
            for c in candidates
            if c.bank_id == rule.bank_id
            and c.type == rule.type
            and rule.difficulty_min <= c.difficulty <= rule.difficulty_max
            and (allowed is None or c.category_id in allowed)
            and c.lineage_id not in taken
        )
        if len(ids) < rule.count:
            raise DomainError(
                _(
                    "%(r)s只有 %(a)d 道可用题目，少于要求的 %(n)d 道",
                    r=describe_rule(rule, number),
                    a=len(ids),
                    n=rule.count,
                ),
                "rules",
            )
        for qid in rng.sample(ids, rule.count):
            taken.add(lineage[qid])
            picks.append((qid, rule.points_each))
    questions = {
        q.id: q
        for q in db.session.scalars(
            select(Question).where(Question.id.in_([qid for qid, _points in picks]))
        )
    }
    return [PaperEntry(questions[qid], points) for qid, points in picks]


def _category_subtrees(category_ids: set[int]) -> dict[int, set[int]]:
    """Each category's id → the ids of its subtree."""
    subtrees: dict[int, set[int]] = {}
    for category_id in category_ids:
        category = db.session.get(Category, category_id)
        subtrees[category_id] = set(db.session.scalars(categories.subtree_ids_query(category)))
    return subtrees


def option_layout(question: Question, shuffle: bool, rng: random.Random) -> tuple[list, list]:
    """(display order of original option indices, opaque id of each original option)."""
    count = len(question.options or []) if question.type in CHOICE_TYPES else 0
    order = list(range(count))
    if shuffle:
        rng.shuffle(order)
    ids: list[str] = []
    while len(ids) < count:
        token = secrets.token_urlsafe(6)
        if token not in ids:
            ids.append(token)
    return order, ids


def max_score(entries: Iterable[PaperEntry]) -> Decimal:
    return sum((entry.points for entry in entries), Decimal(0))


def paper_summary(exam: Exam) -> dict[str, Any]:
    """Question count and full marks the paper will have (rules: what each draw gives)."""
    if exam.assembly == "fixed":
        return {
            "count": len(exam.items),
            "max_score": sum((i.points for i in exam.items), Decimal(0)),
        }
    return {
        "count": sum(r.count for r in exam.rules),
        "max_score": sum((r.points_each * r.count for r in exam.rules), Decimal(0)),
    }

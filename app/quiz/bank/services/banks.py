"""Question banks (题库): create, rename, counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import User
from app.common import audit
from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.models import BANK_PURPOSES, Question, QuestionBank
from app.quiz.bank.question_types import QUESTION_TYPES

MAX_NAME = 100
PRACTICE_PURPOSES = ("both", "practice")  # banks practice and the daily quiz draw from


def type_labels() -> dict[str, str]:
    return {
        "single": _("单选题"),
        "multiple": _("多选题"),
        "judge": _("判断题"),
        "blank": _("填空题"),
        "essay": _("简答题"),
    }


def status_labels() -> dict[str, str]:
    return {"active": _("在用"), "retired": _("已停用")}


def purpose_labels() -> dict[str, str]:
    return {
        "both": _("考试和练习"),
        "exam": _("仅用于考试"),
        "practice": _("仅用于练习"),
    }


def clean_purpose(purpose: str | None) -> str:
    purpose = (purpose or "both").strip()
    if purpose not in BANK_PURPOSES:
        raise DomainError(_("未知的题库用途“%(p)s”", p=purpose), "purpose")
    return purpose


def practice_bank_ids():
    """SQL: ids of the banks practice and the daily quiz may draw from."""
    return select(QuestionBank.id).where(QuestionBank.purpose.in_(PRACTICE_PURPOSES))


def check_practice_bank(bank: QuestionBank) -> None:
    """A bank kept for exams is not practised."""
    if bank.purpose not in PRACTICE_PURPOSES:
        raise DomainError(_("题库“%(n)s”仅用于考试，不能用于练习", n=bank.name), "bank")


def check_exam_bank(bank: QuestionBank, field: str = "") -> None:
    """A bank kept for practice is not used in an exam."""
    if bank.purpose == "practice":
        raise DomainError(_("题库“%(n)s”仅用于练习，不能用于考试", n=bank.name), field)


def find_bank(name: str) -> QuestionBank | None:
    return db.session.scalar(select(QuestionBank).where(QuestionBank.name == (name or "").strip()))


def all_banks() -> list[QuestionBank]:
    return list(db.session.scalars(select(QuestionBank).order_by(QuestionBank.name)))


def clean_bank_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("题库名称不能为空"), "name")
    if len(name) > MAX_NAME:
        raise DomainError(_("题库名称不能超过 %(n)d 个字", n=MAX_NAME), "name")
    return name


def create_bank(
    actor: User | None, *, name: str, description: str = "", purpose: str = "both"
) -> QuestionBank:
    name = clean_bank_name(name)
    purpose = clean_purpose(purpose)
    if find_bank(name) is not None:
        raise DomainError(_("已有名为“%(n)s”的题库", n=name), "name")
    bank = QuestionBank(
        name=name, description=(description or "").strip(), purpose=purpose, created_by=actor
    )
    db.session.add(bank)
    db.session.flush()
    audit.record(actor, "question_bank.create", bank, _("创建题库 %(n)s", n=name))
    return bank


def update_bank(
    actor: User | None,
    bank: QuestionBank,
    *,
    name: str,
    description: str = "",
    purpose: str | None = None,
) -> None:
    """``purpose`` None keeps the bank's."""
    name = clean_bank_name(name)
    purpose = bank.purpose if purpose is None else clean_purpose(purpose)
    existing = find_bank(name)
    if existing is not None and existing is not bank:
        raise DomainError(_("已有名为“%(n)s”的题库", n=name), "name")
    old_name = bank.name
    bank.name = name
    bank.description = (description or "").strip()
    old_purpose, bank.purpose = bank.purpose, purpose
    db.session.flush()
    audit.record(
        actor,
        "question_bank.update",
        bank,
        _("修改题库 %(a)s → %(b)s", a=old_name, b=name),
        purpose=[old_purpose, purpose],
    )


@dataclass
class BankCounts:
    total: int = 0  # latest versions, every status
    active: int = 0
    retired: int = 0
    by_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(QUESTION_TYPES, 0))


def bank_counts(banks: list[QuestionBank] | None = None) -> dict[int, BankCounts]:
    """Counts of the latest versions per bank, by type and by status."""
    query = (
        select(Question.bank_id, Question.type, Question.status, func.count(Question.id))
        .where(Question.is_latest.is_(True))
        .group_by(Question.bank_id, Question.type, Question.status)
    )
    if banks is not None:
        query = query.where(Question.bank_id.in_([b.id for b in banks]))
    counts: dict[int, BankCounts] = {}
    if banks is not None:
        counts = {b.id: BankCounts() for b in banks}
    for bank_id, qtype, status, number in db.session.execute(query):
        entry = counts.setdefault(bank_id, BankCounts())
        entry.total += number
        if status == "active":
            entry.active += number
            entry.by_type[qtype] = entry.by_type.get(qtype, 0) + number
        else:
            entry.retired += number
    return counts

"""Questions: create, edit (a new version once an attempt has used it), retire, restore,
search."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from app.auth.models import User
from app.common import audit
from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank import points
from app.quiz.bank.importers import base
from app.quiz.bank.models import QUESTION_STATUSES, Category, Question, QuestionBank
from app.quiz.bank.question_types import QUESTION_TYPES
from app.quiz.bank.services import categories
from app.quiz.bank.services.usage import question_in_use

MAX_TITLE = 200
MAX_LESSON = 255
MAX_TAG = 50

CONTENT_FIELDS = (
    "type",
    "title",
    "stem",
    "options",
    "answer",
    "explanation",
    "difficulty",
    "points",
    "category_id",
    "source",
    "source_lesson",
    "tags",
)


def fingerprint(qtype: str, stem: str, options: list[str] | tuple[str, ...] = ()) -> str:
    """What makes two questions "the same": type, normalised stem (``stem_fingerprint``) and,
    for choice questions, the normalised options in any order — so the many "下列说法正确的
    是（ ）" questions with different options are not duplicates of each other."""
    parts = [qtype, base.stem_fingerprint(stem)]
    if qtype in base.CHOICE_TYPES:
        parts += sorted(base.stem_fingerprint(o) for o in options)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def answer_from_text(qtype: str, text: str, option_count: int = 0) -> Any:
    """The import conventions (``ABD``, 正确/错误, ``a/b|c``, free text) → the normalised
    answer; DomainError on ``answer`` when it cannot be read."""
    if qtype in base.CHOICE_TYPES:
        value, problem = base.parse_choice_answer(text, option_count)
    elif qtype == "judge":
        value, problem = base.parse_judge_answer(text)
    elif qtype == "blank":
        value, problem = base.parse_blank_answer(text)
    else:
        value, problem = (text or "").strip(), None
    if problem:
        raise DomainError(problem, "answer")
    return value


def answer_to_text(question: Question | base.ParsedQuestion) -> str:
    """The normalised answer in the import conventions, for forms and pages."""
    answer = question.answer
    if question.type in base.CHOICE_TYPES:
        return base.format_choice_answer(list(answer or []))
    if question.type == "judge":
        return base.format_judge_answer(bool(answer)) if isinstance(answer, bool) else ""
    if question.type == "blank":
        return base.format_blank_answer(answer or [])
    return str(answer or "")


def clean_tags(tags: Any) -> list[str]:
    if isinstance(tags, str):
        tags = base.parse_tags(tags)
    cleaned = list(dict.fromkeys(t.strip() for t in tags or () if t and t.strip()))
    for tag in cleaned:
        if len(tag) > MAX_TAG:
            raise DomainError(_("标签“%(t)s”超过 %(n)d 个字", t=tag[:10], n=MAX_TAG), "tags")
    return cleaned


def _values(bank: QuestionBank, fields: dict[str, Any]) -> dict[str, Any]:
    """Checked, normalised column values; DomainError naming the field at fault."""
    qtype = fields.get("type")
    if qtype not in QUESTION_TYPES:
        raise DomainError(_("未知题型“%(t)s”", t=qtype or ""), "type")
    options = [str(o).strip() for o in fields.get("options") or ()]
    if qtype not in base.CHOICE_TYPES:
        options = []
    try:
        difficulty = int(3 if fields.get("difficulty") in (None, "") else fields["difficulty"])
    except (TypeError, ValueError):
        raise DomainError(_("难度应为 1–5"), "difficulty") from None
    answer = fields.get("answer")
    if qtype == "essay":
        answer = str(answer or "").strip()
    category: Category | None = fields.get("category")
    if category is not None and category.bank_id != bank.id:
        raise DomainError(_("知识点不属于这个题库"), "category")
    values = {
        "type": qtype,
        "title": str(fields.get("title") or "").strip(),
        "stem": str(fields.get("stem") or "").strip(),
        "options": options,
        "answer": answer,
        "explanation": str(fields.get("explanation") or "").strip(),
        "difficulty": difficulty,
        "points": points.question_points(fields.get("points")),
        "category_id": category.id if category is not None else None,
        "source": str(fields.get("source") or "").strip(),
        "source_lesson": str(fields.get("source_lesson") or "").strip(),
        "tags": clean_tags(fields.get("tags")),
    }
    parsed = base.ParsedQuestion(
        type=qtype,
        stem=values["stem"],
        options=options,
        answer=answer,
        difficulty=difficulty,
    )
    for key, message in base.problems(parsed):
        raise DomainError(message, key)
    if len(values["title"]) > MAX_TITLE:
        raise DomainError(_("标题不能超过 %(n)d 个字", n=MAX_TITLE), "title")
    if len(values["source_lesson"]) > MAX_LESSON:
        raise DomainError(_("关联课时不能超过 %(n)d 个字符", n=MAX_LESSON), "source_lesson")
    values["fingerprint"] = fingerprint(qtype, values["stem"], options)
    return values


def find_duplicate(
    bank: QuestionBank, fp: str, *, exclude_lineage: int | None = None
) -> Question | None:
    query = select(Question).where(
        Question.bank_id == bank.id, Question.is_latest.is_(True), Question.fingerprint == fp
    )
    if exclude_lineage is not None:
        query = query.where(Question.lineage_id != exclude_lineage)
    return db.session.scalars(query.order_by(Question.id)).first()


def _refuse_duplicate(bank: QuestionBank, fp: str, exclude_lineage: int | None = None) -> None:
    existing = find_duplicate(bank, fp, exclude_lineage=exclude_lineage)
    if existing is not None:
        raise DomainError(
            _("题库中已有相同的题目（编号 %(id)d）", id=existing.lineage_id or existing.id), "stem"
        )


def create_question(actor: User | None, bank: QuestionBank, **fields: Any) -> Question:
    """Fields: type, stem, options, answer (normalised), explanation, difficulty, points,
    category (a Category of this bank or None), source, source_lesson, tags, title."""
    values = _values(bank, fields)
    _refuse_duplicate(bank, values["fingerprint"])
    question = Question(bank=bank, created_by=actor, **values)
    db.session.add(question)
    db.session.flush()
    question.lineage_id = question.id
    db.session.flush()
    audit.record(actor, "question.create", question, _("在题库 %(b)s 中新建题目", b=bank.name))
    return question


def changed_fields(question: Question, values: dict[str, Any]) -> list[str]:
    return [key for key in CONTENT_FIELDS if getattr(question, key) != values[key]]


def update_question(
    actor: User | None, question: Question, *, audit_it: bool = True, **fields: Any
) -> Question:
    """Apply the fields; returns the question as it now stands. Once an attempt has used
    this version it is kept as it was and a new version takes the changes."""
    if not question.is_latest:
        raise DomainError(_("这是题目的历史版本，只能修改最新版本"))
    values = _values(question.bank, fields)
    changes = changed_fields(question, values)
    if not changes:
        return question
    _refuse_duplicate(question.bank, values["fingerprint"], exclude_lineage=question.lineage_id)
    if question_in_use(question):
        new = Question(
            bank=question.bank,
            created_by=actor,
            status=question.status,
            version=question.version + 1,
            lineage_id=question.lineage_id,
            previous_version_id=question.id,
            **values,
        )
        question.is_latest = False
        db.session.add(new)
        db.session.flush()
        if audit_it:
            audit.record(
                actor,
                "question.new_version",
                new,
                _("题目已被作答，修改后生成第 %(v)d 版", v=new.version),
                previous=question.id,
                fields=changes,
            )
        return new
    for key in CONTENT_FIELDS + ("fingerprint",):
        setattr(question, key, values[key])
    db.session.flush()
    if audit_it:
        audit.record(actor, "question.update", question, _("修改题目"), fields=changes)
    return question


def _set_status(actor: User | None, question: Question, status: str) -> None:
    if not question.is_latest:
        raise DomainError(_("这是题目的历史版本，只能操作最新版本"))
    if question.status == status:
        return
    question.status = status
    db.session.flush()
    action = "question.retire" if status == "retired" else "question.restore"
    audit.record(actor, action, question, question.stem[:80])


def retire_question(actor: User | None, question: Question) -> None:
    """停用: new exams no longer draw it; attempts that used it keep it."""
    _set_status(actor, question, "retired")


def restore_question(actor: User | None, question: Question) -> None:
    _set_status(actor, question, "active")


def versions_of(question: Question) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.lineage_id == question.lineage_id)
            .order_by(Question.version.desc())
        )
    )


def escape_like(text: str) -> str:
    """``text`` as a literal inside LIKE: %, _ and the escape character mean themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def question_query(
    bank: QuestionBank,
    *,
    text: str = "",
    qtype: str = "",
    difficulty: int | None = None,
    category: Category | None = None,
    status: str = "",
) -> Select:
    """Latest versions of the bank's questions matching the filters, newest first. ``text``
    is a substring of the stem (Chinese or not; case-insensitive for Latin letters); a
    category includes its sub-categories."""
    query = select(Question).where(Question.bank_id == bank.id, Question.is_latest.is_(True))
    text = (text or "").strip()
    if text:
        query = query.where(Question.stem.ilike(f"%{escape_like(text)}%", escape="\\"))
    if qtype:
        if qtype not in QUESTION_TYPES:
            raise DomainError(_("未知题型“%(t)s”", t=qtype), "type")
        query = query.where(Question.type == qtype)
    if difficulty:
        query = query.where(Question.difficulty == difficulty)
    if category is not None:
        query = query.where(Question.category_id.in_(categories.subtree_ids_query(category)))
    if status:
        if status not in QUESTION_STATUSES:
            raise DomainError(_("未知状态“%(s)s”", s=status), "status")
        query = query.where(Question.status == status)
    return query.order_by(Question.lineage_id.desc())


def search_questions(bank: QuestionBank, *, page: int, per_page: int, **filters: Any):
    """One page (Flask-SQLAlchemy ``Pagination``) of ``question_query``."""
    return db.paginate(
        question_query(bank, **filters), page=page, per_page=per_page, error_out=False
    )


def to_parsed(question: Question) -> base.ParsedQuestion:
    """The question as importers and exporters see it."""
    value = question.points
    if value is not None:
        value = Decimal(format(Decimal(value).normalize(), "f"))
    answer = question.answer
    if question.type in base.CHOICE_TYPES:
        answer = list(answer or [])
    elif question.type == "blank":
        answer = [list(alternatives) for alternatives in answer or []]
    return base.ParsedQuestion(
        type=question.type,
        stem=question.stem,
        options=list(question.options or []),
        answer=answer,
        explanation=question.explanation,
        difficulty=question.difficulty,
        category=question.category.names if question.category else [],
        points=value,
        source=question.source,
        source_lesson=question.source_lesson,
        tags=list(question.tags or []),
        title=question.title,
    )

"""Importing question files into a bank — all or nothing by default, or every valid question.

Every question of every file is checked first (the importer's own checks, then the bank's:
duplicates inside the file, lengths the columns can hold). By default any error and nothing
is written except the ``ImportBatch`` that records the rejection, with every reason at once.
With ``skip_invalid`` the questions that have problems are left out instead and listed in the
batch's skipped report (file coordinates, field, reason), downloadable as .xlsx; a problem
with the file as a whole (unreadable, no bank) still refuses it, as does a file in which no
question is valid.

Duplicates follow ``on_duplicate``: ``skip`` / ``update`` say what happens to a question the
bank already holds (same ``fingerprint``, latest version; an update goes through
``update_question``, so a question an attempt has used gets a new version) and keep the
first of several copies inside the file, reporting the later ones as skipped; ``refuse``
makes any duplicate, in the file or in the bank, an error.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import insert, select, update

from app.auth.models import User
from app.common import audit
from app.common.errors import DomainError
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.bank import points
from app.quiz.bank.importers import FORMATS, parse
from app.quiz.bank.importers.base import (
    ImportIssue,
    ParsedQuestion,
    QuestionImportError,
    check_size,
    validate,
)
from app.quiz.bank.importers.detect import detect_format
from app.quiz.bank.models import ImportBatch, Question, QuestionBank
from app.quiz.bank.services import banks, categories, questions

ON_DUPLICATE = ("skip", "update", "refuse")
MAX_SKIPPED_KEPT = 5000
MAX_ERRORS_KEPT = 500  # in the batch record; the caller's outcome holds them all
CHUNK = 500

# called as questions are written: (how many more are done, how many there are in all)
Progress = Callable[[int, int], None]


@dataclass
class DuplicateMatch:
    """A question of the file that the bank already holds."""

    location: str
    question_id: int  # the bank question's lineage (its number on the pages)
    action: str  # "skip", "update", "unchanged" or "in_file" (a later copy in the file)


@dataclass
class ImportOutcome:
    filename: str
    format: str = ""
    bank_name: str = ""
    dry_run: bool = False
    on_duplicate: str = "skip"
    skip_invalid: bool = False
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    # questions left out under ``skip_invalid`` (and later copies of a question in the file)
    skipped_issues: list[ImportIssue] = field(default_factory=list)
    # the file as a whole is wrong: skipping questions cannot help
    fatal: int = 0
    notes: list[ImportIssue] = field(default_factory=list)
    duplicates: list[DuplicateMatch] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    skipped: int = 0
    bank: QuestionBank | None = None
    batch: ImportBatch | None = None

    @property
    def accepted(self) -> bool:
        return not self.errors

    @property
    def outcome(self) -> str:
        if self.errors:
            return "rejected"
        return "dry_run" if self.dry_run else "accepted"

    @property
    def by_type(self) -> dict[str, int]:
        return dict(Counter(q.type for q in self.questions))

    @property
    def by_category(self) -> dict[str, int]:
        return dict(Counter("/".join(q.category) for q in self.questions))

    @property
    def skippable(self) -> bool:
        """Refused, but ``skip_invalid`` would import the valid questions it found."""
        return bool(self.errors) and not self.fatal and bool(self.questions)

    def error(self, location: str, message: str, field_name: str = "") -> None:
        self.errors.append(ImportIssue(location, message, field_name))

    def fatal_error(self, location: str, message: str, field_name: str = "") -> None:
        self.fatal += 1
        self.error(location, message, field_name)

    def invalid(self, location: str, message: str, field_name: str = "") -> None:
        """A problem with one question: an error, or a skipped question under skip_invalid."""
        issue = ImportIssue(location, message, field_name)
        (self.skipped_issues if self.skip_invalid else self.errors).append(issue)


def import_file(
    actor: User | None,
    data: bytes,
    filename: str,
    *,
    bank_name: str | None = None,
    fmt: str = "auto",
    dry_run: bool = False,
    on_duplicate: str = "skip",
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportOutcome:
    return import_files(
        actor,
        [(filename, data)],
        bank_name=bank_name,
        fmt=fmt,
        dry_run=dry_run,
        on_duplicate=on_duplicate,
        skip_invalid=skip_invalid,
        progress=progress,
    )


def import_files(
    actor: User | None,
    files: Sequence[tuple[str, bytes]],
    *,
    bank_name: str | None = None,
    fmt: str = "auto",
    dry_run: bool = False,
    on_duplicate: str = "skip",
    skip_invalid: bool = False,
    label: str | None = None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Import ``(filename, bytes)`` pairs into one bank as one batch. ``label`` names the
    batch (a directory); error locations carry the file name when there are several."""
    if on_duplicate not in ON_DUPLICATE:
        raise DomainError(_("重复题目的处理方式只能是“跳过”“更新”或“拒绝”"), "on_duplicate")
    if fmt != "auto" and fmt not in FORMATS:
        raise DomainError(_("不支持的格式“%(f)s”", f=fmt), "format")
    outcome = ImportOutcome(
        filename=label or (files[0][0] if files else ""),
        dry_run=dry_run,
        on_duplicate=on_duplicate,
        skip_invalid=skip_invalid,
    )
    if not files:
        outcome.fatal_error(outcome.filename, _("没有找到可导入的文件"))
    file_banks, formats = _parse_all(outcome, files, fmt)
    outcome.format = ",".join(dict.fromkeys(formats))
    bank = _resolve_bank(outcome, bank_name, file_banks)
    existing = _existing(bank)
    to_create, to_update = _check(outcome, bank, existing)
    nothing_valid = not to_create and not to_update and not outcome.duplicates
    if skip_invalid and outcome.accepted and nothing_valid and outcome.skipped_issues:
        outcome.fatal_error(
            outcome.filename, _("文件中没有一道有效的题目，全部题目都有问题（见跳过报告）")
        )
    if outcome.accepted and not dry_run:
        bank = bank or banks.create_bank(actor, name=outcome.bank_name)
        _write(actor, bank, to_create, to_update, progress)
    outcome.bank = bank
    if outcome.accepted:
        outcome.created, outcome.updated = len(to_create), len(to_update)
    else:
        outcome.skipped = 0
    _record(actor, outcome)
    return outcome


def _parse_all(
    outcome: ImportOutcome, files: Sequence[tuple[str, bytes]], fmt: str
) -> tuple[list[str], list[str]]:
    several = len(files) > 1
    file_banks: list[str] = []
    formats: list[str] = []
    for filename, data in files:
        try:
            check_size(data)
            file_fmt = detect_format(data, filename) if fmt == "auto" else fmt
            formats.append(file_fmt)
            result = parse(data, filename, file_fmt)
        except QuestionImportError as exc:
            outcome.fatal_error(filename, getattr(exc, "message", str(exc)))
            continue
        if not result.errors:
            # the importers validate; this guards the rule for every format alike
            for question in result.questions:
                result.errors.extend(validate(question))
        for issue in result.errors:
            if several:
                issue.location = f"{filename} {issue.location}".strip()
            (outcome.skipped_issues if outcome.skip_invalid else outcome.errors).append(issue)
        for note in result.notes:
            if several:
                note.location = f"{filename} {note.location}".strip()
            outcome.notes.append(note)
        for question in result.questions:
            if several:
                question.location = f"{filename} {question.location}".strip()
            outcome.questions.append(question)
        if result.bank_name:
            file_banks.append(result.bank_name.strip())
    return file_banks, formats


def _resolve_bank(
    outcome: ImportOutcome, bank_name: str | None, file_banks: list[str]
) -> QuestionBank | None:
    name = (bank_name or "").strip()
    if not name:
        named = list(dict.fromkeys(n for n in file_banks if n))
        if len(named) > 1:
            outcome.fatal_error(
                outcome.filename,
                _("文件指定的题库不一致（%(n)s），请指定导入到哪个题库", n="、".join(named)),
                _("题库"),
            )
            return None
        name = named[0] if named else ""
    if not name:
        outcome.fatal_error(
            outcome.filename, _("没有指定题库：请选择题库，或在文件中写明题库名称"), _("题库")
        )
        return None
    try:
        outcome.bank_name = banks.clean_bank_name(name)
    except DomainError as exc:
        outcome.bank_name = name[:100]
        outcome.fatal_error(outcome.filename, exc.message, _("题库"))
        return None
    return banks.find_bank(outcome.bank_name)


def _existing(bank: QuestionBank | None) -> dict[str, tuple[int, int]]:
    """Fingerprint → (id, lineage) of the bank's latest questions; ids only, so checking a
    large file against a large bank loads no question it does not need."""
    if bank is None or bank.id is None:
        return {}
    rows = db.session.execute(
        select(Question.fingerprint, Question.id, Question.lineage_id)
        .where(Question.bank_id == bank.id, Question.is_latest.is_(True))
        .order_by(Question.id)
    )
    found: dict[str, tuple[int, int]] = {}
    for fp, question_id, lineage_id in rows:
        found.setdefault(fp, (question_id, lineage_id or question_id))
    return found


def _problems(question: ParsedQuestion) -> list[tuple[str, str]]:
    """What the bank's columns cannot hold, as (field, message)."""
    problems = []
    if len(question.title) > questions.MAX_TITLE:
        problems.append((_("标题"), _("标题不能超过 %(n)d 个字", n=questions.MAX_TITLE)))
    if len(question.source_lesson) > questions.MAX_LESSON:
        problems.append((_("关联课时"), _("关联课时不能超过 %(n)d 个字符", n=questions.MAX_LESSON)))
    path_problem = categories.check_path(question.category)
    if path_problem:
        problems.append((_("知识点"), path_problem))
    try:
        points.question_points(question.points)
    except DomainError as exc:
        problems.append((_("分值"), exc.message))
    try:
        questions.clean_tags(question.tags)
    except DomainError as exc:
        problems.append((_("标签"), exc.message))
    return problems


def _same(existing: Question, question: ParsedQuestion) -> bool:
    current = questions.to_parsed(existing)
    keys = ("type", "stem", "options", "answer", "explanation", "difficulty", "category")
    keys += ("points", "source", "source_lesson", "tags", "title")
    return all(getattr(current, key) == getattr(question, key) for key in keys)


def _check(
    outcome: ImportOutcome, bank: QuestionBank | None, existing: dict[str, tuple[int, int]]
) -> tuple[list[tuple[ParsedQuestion, str]], list[tuple[Question, ParsedQuestion]]]:
    """Duplicates and column limits; returns what to create and what to update."""
    seen: dict[str, str] = {}
    to_create: list[tuple[ParsedQuestion, str]] = []
    to_update: list[tuple[Question, ParsedQuestion]] = []
    kept: list[ParsedQuestion] = []
    for question in outcome.questions:
        found = _problems(question)
        for field_name, message in found:
            outcome.invalid(question.location, message, field_name)
        if found and outcome.skip_invalid:
            continue
        fp = questions.fingerprint(question.type, question.stem.strip(), question.options)
        if fp in seen:
            message = _("与%(first)s的题目重复", first=seen[fp] or _("前面"))
            if outcome.on_duplicate == "refuse":
                outcome.error(question.location, message, _("题干"))
            else:
                # the first copy is kept, the later one reported
                outcome.skipped_issues.append(
                    ImportIssue(question.location, message + _("，已跳过"), _("题干"))
                )
                outcome.duplicates.append(DuplicateMatch(question.location, 0, "in_file"))
            continue
        seen[fp] = question.location
        kept.append(question)
        if fp not in existing:
            to_create.append((question, fp))
            continue
        match_id, lineage_id = existing[fp]
        if outcome.on_duplicate == "refuse":
            outcome.error(
                question.location,
                _("题库中已有相同的题目（题目 %(n)d）", n=lineage_id),
                _("题干"),
            )
            continue
        if outcome.on_duplicate == "skip":
            action = "skip"
        else:
            match = db.session.get(Question, match_id)
            action = "unchanged" if _same(match, question) else "update"
            if action == "update":
                to_update.append((match, question))
        if action != "update":
            outcome.skipped += 1
        outcome.duplicates.append(DuplicateMatch(question.location, lineage_id, action))
    outcome.questions = kept  # later copies inside the file (and skipped ones) left out
    return to_create, to_update


def _fields(question: ParsedQuestion, category) -> dict:
    return {
        "type": question.type,
        "title": question.title,
        "stem": question.stem,
        "options": question.options,
        "answer": question.answer,
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "points": question.points,
        "category": category,
        "source": question.source,
        "source_lesson": question.source_lesson,
        "tags": question.tags,
    }


def _write(
    actor: User | None,
    bank: QuestionBank,
    to_create: list[tuple[ParsedQuestion, str]],
    to_update: list[tuple[Question, ParsedQuestion]],
    progress: Progress | None,
) -> None:
    cache: dict = {}
    now = utcnow()
    total = len(to_create) + len(to_update)
    actor_id = getattr(actor, "id", None)
    for start in range(0, len(to_create), CHUNK):
        rows = []
        for question, fp in to_create[start : start + CHUNK]:
            category = categories.get_or_create_path(bank, question.category, cache)
            values = _fields(question, None)
            del values["category"]
            values["stem"] = question.stem.strip()
            values["points"] = points.question_points(question.points)
            values["tags"] = questions.clean_tags(question.tags)
            values.update(
                bank_id=bank.id,
                category_id=category.id if category else None,
                fingerprint=fp,
                created_by_id=actor_id,
                created_at=now,
                updated_at=now,
            )
            rows.append(values)
        # bulk INSERT: a 10,000-question file is twenty statements, not 10,000
        db.session.execute(insert(Question), rows)
        if progress:
            progress(len(rows), total)
    if to_create:
        db.session.execute(
            update(Question)
            .where(Question.bank_id == bank.id, Question.lineage_id.is_(None))
            .values(lineage_id=Question.id)
            .execution_options(synchronize_session=False)
        )
    for existing, question in to_update:
        category = categories.get_or_create_path(bank, question.category, cache)
        questions.update_question(actor, existing, audit_it=False, **_fields(question, category))
        if progress:
            progress(1, total)
    db.session.flush()


def _record(actor: User | None, outcome: ImportOutcome) -> None:
    batch = ImportBatch(
        actor_id=getattr(actor, "id", None),
        filename=outcome.filename[:255],
        format=outcome.format[:20],
        bank_id=outcome.bank.id if outcome.bank is not None else None,
        bank_name=outcome.bank_name[:100],
        on_duplicate=outcome.on_duplicate,
        total=len(outcome.questions),
        created_count=outcome.created,
        updated_count=outcome.updated,
        skipped_count=outcome.skipped,
        error_count=len(outcome.errors),
        outcome=outcome.outcome,
        counts={"by_type": outcome.by_type, "by_category": outcome.by_category},
        error_summary=[
            {"location": e.location, "field": e.field, "message": e.message}
            for e in outcome.errors[:MAX_ERRORS_KEPT]
        ],
        skip_invalid=outcome.skip_invalid,
        skipped_report=[
            {"location": e.location, "field": e.field, "message": e.message}
            for e in outcome.skipped_issues[:MAX_SKIPPED_KEPT]
        ],
        notes=[
            {"location": e.location, "field": e.field, "message": e.message}
            for e in outcome.notes[:MAX_ERRORS_KEPT]
        ],
    )
    db.session.add(batch)
    db.session.flush()
    outcome.batch = batch
    if outcome.dry_run:
        return  # a preview changes nothing: the import history keeps it, the audit log does not
    audit.record(
        actor,
        "questions.import",
        batch,
        _(
            "导入 %(f)s 到题库 %(b)s：新增 %(c)d，更新 %(u)d，跳过 %(s)d，错误 %(e)d，"
            "跳过的问题 %(i)d",
            f=outcome.filename,
            b=outcome.bank_name,
            c=outcome.created,
            u=outcome.updated,
            s=outcome.skipped,
            e=len(outcome.errors),
            i=len(outcome.skipped_issues),
        ),
        outcome=outcome.outcome,
        format=outcome.format,
    )


def recent_batches(limit: int | None = None):
    """A select of import batches, newest first."""
    query = select(ImportBatch).order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
    return query.limit(limit) if limit else query


REPORT_HEADERS = (_l("位置"), _l("字段"), _l("原因"))


def skipped_report_xlsx(batch: ImportBatch) -> bytes:
    """The batch's skipped report as a workbook: one row per problem, in the file's own
    coordinates, so the administrator can fix the source file and import those again."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_l("跳过的题目"))[:31]
    sheet.append([str(h) for h in REPORT_HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in batch.skipped_report or []:
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", str(row.get(key, "")))
                for key in ("location", "field", "message")
            ]
        )
    for column, width in zip("ABC", (28, 12, 80), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

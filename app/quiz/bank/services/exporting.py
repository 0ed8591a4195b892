"""Exporting a bank to a file: xlsx (the import template), GIFT, Moodle XML, native YAML."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from app.common.errors import DomainError
from app.common.timeutil import format_local, utcnow
from app.extensions import db
from app.quiz.bank.exporters import EXPORTERS, EXTENSIONS, export
from app.quiz.bank.models import Category, Question, QuestionBank
from app.quiz.bank.services.questions import to_parsed

MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gift": "text/plain; charset=utf-8",
    "moodle-xml": "application/xml",
    "native": "application/yaml",
}
# file extension → format, for ``questions export FILE`` without --format
FORMAT_BY_EXTENSION = {
    ".xlsx": "xlsx",
    ".gift": "gift",
    ".txt": "gift",
    ".xml": "moodle-xml",
    ".yaml": "native",
    ".yml": "native",
}


def export_formats() -> dict[str, str]:
    return {
        "xlsx": _("Excel 导入模板（.xlsx）"),
        "moodle-xml": _("Moodle XML（.xml）"),
        "gift": _("GIFT 文本（.txt，不含多空填空题）"),
        "native": _("本平台题库格式（.yaml）"),
    }


def format_for_filename(filename: str) -> str | None:
    lower = filename.lower()
    for extension, fmt in FORMAT_BY_EXTENSION.items():
        if lower.endswith(extension):
            return fmt
    return None


def bank_questions(bank: QuestionBank, *, include_retired: bool = False) -> list[Question]:
    """The latest versions, in the order they first entered the bank."""
    query = (
        select(Question)
        .where(Question.bank_id == bank.id, Question.is_latest.is_(True))
        .order_by(Question.lineage_id, Question.id)
    )
    if not include_retired:
        query = query.where(Question.status == "active")
    return list(db.session.scalars(query))


def safe_filename(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_.") or "questions"


def export_bank(
    bank: QuestionBank, fmt: str, *, include_retired: bool = False
) -> tuple[bytes, str, str]:
    """(file bytes, download name, mimetype). Retired questions stay out unless asked for:
    the formats have no status, so a re-import would bring them back as active."""
    if fmt not in EXPORTERS:
        raise DomainError(
            _("不支持的导出格式“%(f)s”，可选：%(all)s", f=fmt, all="、".join(EXPORTERS)), "format"
        )
    # with every category in the identity map, walking up the tree issues no queries
    tree = list(db.session.scalars(select(Category).where(Category.bank_id == bank.id)))
    parsed = [to_parsed(q) for q in bank_questions(bank, include_retired=include_retired)]
    del tree
    data = export(parsed, fmt, bank_name=bank.name)
    # the date also leaves browsers that drop the UTF-8 name something to call the file
    name = f"{safe_filename(bank.name)}-{format_local(utcnow(), '%Y%m%d')}{EXTENSIONS[fmt]}"
    return data, name, MIMETYPES[fmt]

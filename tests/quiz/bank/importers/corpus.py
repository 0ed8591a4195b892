"""The fixture corpus of ``fixtures/``: files shaped like the banks administrators bring from
other systems (issue 11), each read the way an upload is (``parse`` with format auto)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from app.quiz.bank.importers import parse
from app.quiz.bank.importers.base import ParseResult

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse_fixture(name: str, fmt: str = "auto") -> ParseResult:
    return parse(read(name), name, fmt)


def messages(items) -> list[str]:
    return [str(item) for item in items]


def as_xlsx(rows: list[list]) -> bytes:
    """A one-sheet workbook of ``rows``."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

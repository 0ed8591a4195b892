"""Building import files in tests: CSV text in a chosen encoding, .xlsx from rows."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import func, select

from app.auth.models import SecretaryScope, Team, User, UserRole
from app.common.audit import AuditLog
from app.extensions import db

HEADER = ["登录名", "姓名", "单位", "职级", "角色", "邮箱", "电话"]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig", header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list], header=HEADER, title_rows: list[list] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [*(title_rows or []), header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot() -> tuple:
    """Everything an import could change, to assert that a rejected one changed nothing."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, UserRole, SecretaryScope, Team, AuditLog)
    ) + (
        tuple(
            db.session.execute(
                select(
                    User.username,
                    User.name,
                    User.rank,
                    User.team_id,
                    User.email,
                    User.phone,
                    User.password_hash,
                ).order_by(User.id)
            ).all()
        ),
    )


def read_xlsx(data: bytes) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    return rows

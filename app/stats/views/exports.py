"""Download responses for statistics tables (xlsx and CSV)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort

from app.stats.tables import XLSX_TYPE, Table, to_csv, to_xlsx

FORMATS = ("xlsx", "csv")


def export_response(tables: list[Table], fmt: str, name: str) -> Response:
    if fmt == "xlsx":
        body, mimetype = to_xlsx(tables), XLSX_TYPE
    elif fmt == "csv":
        body, mimetype = to_csv(tables), "text/csv; charset=utf-8"
    else:
        abort(404)
    filename = f"{name}.{fmt}"
    ascii_name = "".join(c if c.isascii() and c.isalnum() or c in "-_." else "_" for c in filename)
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": (
                f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"
            )
        },
    )

"""Reading a user-import file (.xlsx or .csv) into numbered rows under a recognised header.

Files
    ``.xlsx`` (the first visible sheet with a header row; cached values, so a formula shows
    what Excel shows) or ``.csv`` in UTF-8 (with or without BOM), GBK/GB18030 (what Excel
    writes on Chinese Windows) or UTF-16 with BOM (Excel's "Unicode 文本"); comma, tab or
    semicolon separated. At most ``USER_IMPORT_MAX_BYTES``.
Header
    The first row among the first 20 that names a login-name and a name column. Names are
    matched after NFKC, case-folding and dropping spaces, ``_ - *`` and a note in brackets
    ("姓名（必填）"); unknown columns (序号, 备注 …) are ignored. See ``COLUMNS``.
Rows
    Numbered as the file shows them: Excel's row number, the CSV record number (a quoted
    cell holding line breaks is still one row).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

import openpyxl
from flask import current_app
from flask_babel import gettext as _

# field → accepted header names, already normalised (see ``_normalise_header``)
COLUMNS: dict[str, tuple[str, ...]] = {
    "username": ("登录名", "工号", "账号", "帐号", "用户名", "login", "username", "loginname"),
    "name": ("姓名", "name", "fullname"),
    "team": ("单位", "所在单位", "单位路径", "部门", "team", "teampath", "unit"),
    "rank": ("职级", "rank"),
    "roles": ("角色", "roles", "role"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "email", "mail"),
    "phone": ("电话", "手机", "手机号", "手机号码", "联系电话", "phone", "mobile", "tel"),
    "post": ("职务", "职位", "现任职务", "post", "position"),
    "password": ("初始密码", "密码", "password", "initialpassword"),
}
REQUIRED = ("username", "name", "team")
HEADER_SEARCH_ROWS = 20
DELIMITERS = (",", "\t", ";")
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a .xlsx expanding past this is a zip bomb


def _no_header_message() -> str:
    return _("没有找到表头：第一行应写明“登录名”“姓名”“单位”等列名（可对照导入模板）")


class FileRejected(Exception):
    """The file as a whole cannot be read; ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The rows under the header; ``label`` is a column's header as the file wrote it."""

    columns: dict[str, tuple[int, str]]  # field → (cell index, header as written)
    rows: list[tuple[int, list[Any]]]
    sheet: str = ""

    def label(self, name: str) -> str:
        if name in self.columns:
            return self.columns[name][1]
        return {
            "username": _("登录名"),
            "name": _("姓名"),
            "team": _("单位"),
            "rank": _("职级"),
            "roles": _("角色"),
            "password": _("初始密码"),
        }.get(name, name)


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{round(size / 1024 / 1024, 1):g} MB"
    if size >= 1024:
        return f"{round(size / 1024, 1):g} KB"
    return _("%(n)d 字节", n=size)


def read_table(data: bytes, filename: str) -> Table:
    limit = current_app.config["USER_IMPORT_MAX_BYTES"]
    if len(data) > limit:
        raise FileRejected(_("文件超过 %(size)s，请拆分后分批导入", size=size_label(limit)))
    if not data:
        raise FileRejected(_("文件为空"))
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xlsx":
        rows, sheet = _xlsx_rows(data)
    elif suffix == "csv":
        rows, sheet = _csv_rows(data), ""
    elif suffix == "xls":
        raise FileRejected(_("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 .csv"))
    else:
        raise FileRejected(_("只能导入 .xlsx 或 .csv 文件"))
    table = _find_header(rows, sheet)
    if not any(has_values(cells) for _number, cells in table.rows):
        raise FileRejected(_("文件中没有用户数据：表头下面没有填写任何行"))
    return table


def _xlsx_rows(data: bytes) -> tuple[list[tuple[int, list[Any]]], str]:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise FileRejected(
            _("文件是旧版 Excel（.xls）格式或已加密，请在 Excel 中另存为未加密的 .xlsx")
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise FileRejected(_("Excel 文件解压后过大，疑似异常文件，已拒绝导入"))
    except zipfile.BadZipFile as exc:
        raise FileRejected(_("不是有效的 .xlsx 文件：文件可能已损坏，或扩展名与内容不符")) from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles, validation …
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for sheet in workbook.worksheets:
                    if getattr(sheet, "sheet_state", "visible") != "visible":
                        continue
                    sheet.reset_dimensions()  # some writers record a wrong <dimension>
                    numbered = (
                        (n, list(r))
                        for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)
                    )
                    head = list(itertools.islice(numbered, HEADER_SEARCH_ROWS))
                    if _header_index(head) is not None:
                        return head + list(numbered), sheet.title
            finally:
                workbook.close()
    except Exception as exc:
        raise FileRejected(
            _("无法读取 Excel 文件：文件可能已损坏，或不是有效的 .xlsx 文件")
        ) from exc
    raise FileRejected(_no_header_message())


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return text
    raise FileRejected(
        _("无法识别文件编码：CSV 文件应为 UTF-8 或 GBK 编码（在 Excel 中另存为“CSV UTF-8”即可）")
    )


def _csv_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    if data[:4] == b"PK\x03\x04":
        raise FileRejected(_("该文件实际是 Excel 文件，请把扩展名改为 .xlsx 后再导入"))
    text = _decode(data).lstrip("\ufeff")
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    delimiter = ","
    for candidate in DELIMITERS:
        try:
            sample = [(n, row) for n, row in enumerate(csv.reader(lines, delimiter=candidate))]
        except csv.Error:
            continue
        if _header_index(sample) is not None:
            delimiter = candidate
            break
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            rows.append((number, row))
    except csv.Error as exc:
        raise FileRejected(
            _("第 %(n)d 行：CSV 格式错误，请检查引号是否成对", n=len(rows) + 1)
        ) from exc
    return rows


def _normalise_header(value: Any) -> str:
    text = unicodedata.normalize("NFKC", cell_text(value)).lower()
    text = re.sub(r"[(\[（【].*?[)\]）】]$", "", text)
    return re.sub(r"[\s_\-*]+", "", text)


_HEADER_FIELDS = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}


def _header_index(rows: list[tuple[int, list[Any]]]) -> int | None:
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {_HEADER_FIELDS.get(_normalise_header(c)) for c in cells}
        if {"username", "name"} <= found:
            return index
    return None


def _find_header(rows: list[tuple[int, list[Any]]], sheet: str) -> Table:
    index = _header_index(rows)
    if index is None:
        raise FileRejected(_no_header_message())
    columns: dict[str, tuple[int, str]] = {}
    for position, cell in enumerate(rows[index][1]):
        name = _HEADER_FIELDS.get(_normalise_header(cell))
        if name is None:
            continue
        if name in columns:
            raise FileRejected(
                _(
                    "表头中“%(a)s”和“%(b)s”是同一列，请只保留一个",
                    a=columns[name][1],
                    b=cell_text(cell),
                )
            )
        columns[name] = (position, cell_text(cell))
    table = Table(columns, rows[index + 1 :], sheet)
    missing = [table.label(name) for name in REQUIRED if name not in columns]
    if missing:
        raise FileRejected(_("缺少必填列：%(c)s", c="、".join(missing)))
    return table


def cell_text(value: Any) -> str:
    """Cell text as the user sees it: None → "", 13800138000.0 → "13800138000"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").replace("\xa0", " ").strip()


def has_values(cells: list[Any]) -> bool:
    return any(cell_text(c) for c in cells)

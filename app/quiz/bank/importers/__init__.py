"""Question importers: one module per format behind the interface in ``base``.

``parse(data, filename, fmt="auto")`` is the single entry point the service uses.
"""

from __future__ import annotations

import importlib

from flask_babel import gettext as _

from .base import ImportRejected, ParseResult, check_size
from .detect import detect_format

# format name → module (each module exposes ``parse(data: bytes, filename: str) -> ParseResult``)
FORMATS: dict[str, str] = {
    "xlsx": "xlsx",
    "csv": "csv_format",
    "docx": "docx_format",
    "txt": "chinese_text",
    "aiken": "aiken",
    "gift": "gift",
    "moodle-xml": "moodle_xml",
    "native": "native",
}


def parse(data: bytes, filename: str, fmt: str = "auto") -> ParseResult:
    check_size(data)
    if not data:
        raise ImportRejected(_("文件为空"))
    if fmt == "auto":
        fmt = detect_format(data, filename)
    if fmt not in FORMATS:
        raise ImportRejected(_("不支持的格式“%(f)s”", f=fmt))
    module = importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
    return module.parse(data, filename)

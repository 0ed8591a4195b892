"""Question exporters: ``ParsedQuestion`` lists → the bytes of a file.

Each module ``<name>`` exposes ``export_<name>(questions, bank_name="") -> bytes``; modules
are imported only when used, so a format whose module is missing fails on use, not on
import. Importing an export gives the same questions back (native, Moodle XML, xlsx); what
GIFT cannot hold is listed in ``gift``'s docstring.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

from app.quiz.bank.importers.base import ParsedQuestion

# format name (as on the command line) → module name
EXPORTERS: dict[str, str] = {
    "xlsx": "xlsx",
    "gift": "gift",
    "moodle-xml": "moodle_xml",
    "native": "native",
}
EXTENSIONS: dict[str, str] = {
    "xlsx": ".xlsx",
    "gift": ".gift.txt",
    "moodle-xml": ".xml",
    "native": ".yaml",
}


def get_exporter(fmt: str) -> Callable[..., bytes]:
    if fmt not in EXPORTERS:
        raise ValueError(f"不支持的导出格式“{fmt}”，可选：{'、'.join(EXPORTERS)}")
    module = importlib.import_module(f"{__name__}.{EXPORTERS[fmt]}")
    return getattr(module, f"export_{EXPORTERS[fmt]}")


def export(questions: list[ParsedQuestion], fmt: str, bank_name: str = "") -> bytes:
    exporter = get_exporter(fmt)
    if "bank_name" in inspect.signature(exporter).parameters:
        return exporter(questions, bank_name=bank_name)
    return exporter(questions)

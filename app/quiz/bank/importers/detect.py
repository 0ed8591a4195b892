"""Which importer a file needs, decided from its content, not its name.

Order of the checks:

1. Binary containers. A ZIP (``PK\\x03\\x04``) is opened with ``zipfile`` behind a
   zip-bomb guard (``open_zip``) and is ``xlsx`` if it holds ``xl/workbook.xml``, ``docx`` if
   it holds ``word/document.xml``; any other ZIP (.ods, .pptx, a plain archive) is refused
   with a message saying what it is. An OLE compound file (``D0 CF 11 E0``) is either a
   password-protected Office file (it holds ``EncryptionInfo`` / ``EncryptedPackage``
   streams) or a legacy .xls/.doc/.wps/.et; both are refused, saying how to fix it.
   PDF, RTF, HTML-disguised-as-xls, images and other archives are refused by name.
2. Text, decoded with ``base.decode_text`` (UTF-8 with or without BOM, UTF-16 with BOM,
   GB18030). Then, first match wins: ``<?xml`` / ``<quiz`` → ``moodle-xml``; a top-level
   ``questions:`` key → ``native``; a ``.csv``/``.tsv`` name or a first non-empty line naming
   题型 and 题干 (or type and stem) split by commas/tabs → ``csv``; option lines followed by
   ``ANSWER: X`` → ``aiken``; GIFT markers (``::title::``, ``$CATEGORY:``, ``{=…}`` answer
   blocks) → ``gift``; anything else → ``txt`` (the Chinese 一、单选题 / 1. / A. / 答案： layout).

``open_office_package`` is the same container check for an importer called with an explicit
format, so a .xls renamed .xlsx gets the same plain answer whichever way it arrives.
"""

from __future__ import annotations

import io
import re
import zipfile

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .base import ImportRejected, decode_text

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
# Deflate tops out near 1032:1; real Office XML compresses 5–50:1, a sheet of identical
# cells maybe 150:1. Anything past this on a sizeable member is a bomb, not a question bank.
MAX_COMPRESSION_RATIO = 300
RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# lazy: ImportRejected translates them when raised
ENCRYPTED_MESSAGE = _l("文件已加密，请取消密码保护后再导入")
XLS_MESSAGE = _l("这是旧版 Excel .xls 文件，请在 Excel 中另存为 .xlsx 后再导入")
DOC_MESSAGE = _l("这是旧版 Word .doc 文件，请在 Word 中另存为 .docx 后再导入")
UNKNOWN_MESSAGE = _l(
    "无法识别的文件格式。支持 Excel（.xlsx）、Word（.docx）、CSV、文本（.txt）"
    "以及 Aiken、GIFT、Moodle XML 和本平台题库格式"
)

_LABELS = {"xlsx": "Excel .xlsx", "docx": "Word .docx"}
_PARTS = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def open_zip(data: bytes) -> zipfile.ZipFile:
    """Open ``data`` as a ZIP after checking it cannot expand into something huge.

    ``zipfile`` never inflates a member past the size its directory declares (it stops and
    reports a bad CRC instead), so checking the declared sizes up front is enough.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # crafted headers raise BadZipFile, ValueError, OSError, …
        raise ImportRejected(_("文件已损坏，无法按压缩格式打开")) from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ImportRejected(_("压缩包内文件数量异常，疑似恶意文件，已拒绝导入"))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ImportRejected(ENCRYPTED_MESSAGE)
        total += info.file_size
        if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise ImportRejected(_("文件压缩比例异常，疑似“压缩炸弹”，已拒绝导入"))
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ImportRejected(_("文件解压后超过 200 MB，疑似“压缩炸弹”，已拒绝导入"))
    return archive


def _zip_kind(archive: zipfile.ZipFile) -> str:
    names = {name.lower() for name in archive.namelist()}
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        raise ImportRejected(
            _("这是 PowerPoint 文件，不能导入题库；请把题目整理到 Excel 或 Word 中")
        )
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype")[:100]
        except Exception:
            mimetype = b""
        if b"spreadsheet" in mimetype:
            raise ImportRejected(_("这是 OpenDocument 表格（.ods），请另存为 Excel .xlsx 后再导入"))
        if b"text" in mimetype:
            raise ImportRejected(_("这是 OpenDocument 文档（.odt），请另存为 Word .docx 后再导入"))
    raise ImportRejected(_("这是 ZIP 压缩包，不能直接导入；请解压后导入其中的 Excel 或 Word 文件"))


def _reject_ole(data: bytes) -> None:
    """Every OLE compound file is refused; say which kind it is."""
    if _utf16("EncryptionInfo") in data or _utf16("EncryptedPackage") in data:
        raise ImportRejected(ENCRYPTED_MESSAGE)
    if _utf16("WordDocument") in data:
        raise ImportRejected(DOC_MESSAGE)
    if _utf16("Workbook") in data or _utf16("Book") in data:
        raise ImportRejected(XLS_MESSAGE)
    raise ImportRejected(
        _("这是旧版 Office 文件（如 .xls、.doc、WPS 格式），请另存为 .xlsx 或 .docx 后再导入")
    )


def _reject_known_binary(data: bytes) -> None:
    head = data[:16]
    if head.startswith(b"%PDF"):
        raise ImportRejected(_("PDF 文件不能直接导入，请把题目复制到 Word 或 Excel 模板中"))
    if head.startswith(b"{\\rtf"):
        raise ImportRejected(_("这是 RTF 文件，请在 Word 中另存为 .docx 后再导入"))
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        raise ImportRejected(_("这是图片文件，不能导入题库"))
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        raise ImportRejected(_("这是压缩包，不能直接导入；请解压后导入其中的 Excel 或 Word 文件"))


def open_office_package(data: bytes, kind: str) -> zipfile.ZipFile:
    """For an importer told the format: the guarded ZIP of an ``xlsx``/``docx`` file, or
    ``ImportRejected`` saying why the bytes are not one."""
    if data.startswith(OLE_SIGNATURE):
        _reject_ole(data)
    if not data.startswith(ZIP_SIGNATURES):
        _reject_known_binary(data)
        raise ImportRejected(_("文件不是有效的 %(kind)s 文件", kind=_LABELS[kind]))
    archive = open_zip(data)
    names = {name.lower() for name in archive.namelist()}
    if _PARTS[kind] not in names:
        other = _zip_kind(archive)
        raise ImportRejected(
            _(
                "文件实际是 %(actual)s 格式，不是 %(kind)s，请选择正确的导入格式",
                actual=_LABELS[other],
                kind=_LABELS[kind],
            )
        )
    return archive


# ---------------------------------------------------------------- text formats

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HTML_START = re.compile(
    r"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<meta\s)",
    re.S,
)
_HEADER_NAMES = (("题型", "题干"), ("type", "stem"))
_AIKEN_OPTION = re.compile(r"^[A-Z]\s*[.)]\s*\S", re.M)
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*:\s*[A-Z]\s*$", re.M)
_GIFT_MARKERS = (
    re.compile(r"^[ \t]*::[^:\n]*::", re.M),
    re.compile(r"^[ \t]*\$CATEGORY[ \t]*:", re.M),
    re.compile(r"\{\s*(?:[=~#]|T(?:RUE)?\s*\}|F(?:ALSE)?\s*\})", re.I),
)


def _looks_like_csv_header(line: str) -> bool:
    if "," not in line and "\t" not in line:
        return False
    lowered = line.lower()
    return any(all(name in lowered for name in names) for names in _HEADER_NAMES)


def _text_kind(text: str, filename: str) -> str:
    stripped = text.lstrip("\ufeff \t\r\n")
    head = stripped[:2000].lower()
    # only a document that starts like a web page is one: a question may well quote
    # "<html …>" in its text (Aiken, GIFT or a Chinese bank about web pages)
    if _HTML_START.match(head):
        raise ImportRejected(
            _(
                "这是网页（HTML）格式的文件（有些系统导出的“.xls”其实是网页），"
                "请在 Excel 中打开后另存为 .xlsx 再导入"
            )
        )
    if "mso-application" in head:
        raise ImportRejected(
            _("这是 Office 2003 XML 格式的文件，请在 Excel 或 Word 中另存为 .xlsx / .docx 后再导入")
        )
    if head.startswith(("<?xml", "<quiz")):
        return "moodle-xml"
    if re.search(r"^questions\s*:", stripped, re.M):
        return "native"
    first_line = next((line for line in stripped.splitlines() if line.strip()), "")
    if filename.lower().endswith((".csv", ".tsv")) or _looks_like_csv_header(first_line):
        return "csv"
    answer = _AIKEN_ANSWER.search(stripped)
    if answer and _AIKEN_OPTION.search(stripped, 0, answer.start()):
        return "aiken"
    if any(marker.search(stripped) for marker in _GIFT_MARKERS):
        return "gift"
    return "txt"


def looks_like_text_table(data: bytes) -> bool:
    """Tab- or comma-separated text (UTF-8 or GBK) rather than a real workbook: what some
    systems export under an .xlsx/.xls name."""
    if not data or data.startswith((OLE_SIGNATURE, *ZIP_SIGNATURES)):
        return False
    try:
        text = decode_text(data[:65536] if len(data) <= 65536 else _cut(data))
    except ImportRejected:
        return False
    head = text.lstrip("\ufeff \t\r\n")[:2000].lower()
    if head.startswith("<") or _CONTROL.search(text[:4096]):
        return False
    lines = [line for line in text.splitlines()[:5] if line.strip()]
    return bool(lines) and all("\t" in line or "," in line or "，" in line for line in lines[:2])


def _cut(data: bytes) -> bytes:
    """The first 64 KB, cut at a line end so no multi-byte character is split."""
    end = data.rfind(b"\n", 0, 65536)
    return data[: end if end > 0 else 65536]


def detect_format(data: bytes, filename: str) -> str:
    """One of ``xlsx csv docx txt aiken gift moodle-xml native``, or ``ImportRejected``."""
    if not data:
        raise ImportRejected(_("文件为空"))
    if data.startswith(OLE_SIGNATURE):
        _reject_ole(data)
    if data.startswith(ZIP_SIGNATURES):
        with open_zip(data) as archive:
            return _zip_kind(archive)
    _reject_known_binary(data)
    if (filename or "").lower().endswith((".xlsx", ".xls")) and looks_like_text_table(data):
        return "csv"
    try:
        text = decode_text(data)
    except ImportRejected:
        raise ImportRejected(UNKNOWN_MESSAGE) from None
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > max(2, len(sample) // 1000):
        raise ImportRejected(UNKNOWN_MESSAGE)
    return _text_kind(text, filename or "")

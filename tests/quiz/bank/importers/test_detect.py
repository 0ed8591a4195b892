"""Format detection: by content first, with plain refusals for what cannot be imported."""

from __future__ import annotations

import io
import os
import zipfile

import docx
import openpyxl
import pytest

from app.quiz.bank.importers.base import ImportRejected
from app.quiz.bank.importers.detect import (
    DOC_MESSAGE,
    ENCRYPTED_MESSAGE,
    OLE_SIGNATURE,
    UNKNOWN_MESSAGE,
    XLS_MESSAGE,
    detect_format,
    open_zip,
)


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ole(*streams: str) -> bytes:
    padding = b"\0" * 512
    return OLE_SIGNATURE + padding + b"".join(s.encode("utf-16-le") + padding for s in streams)


def rejection(data: bytes, filename: str = "题库") -> str:
    with pytest.raises(ImportRejected) as caught:
        detect_format(data, filename)
    return caught.value.message


@pytest.mark.parametrize("filename", ["题库.xlsx", "题库.txt", "题库", "题库.docx"])
def test_office_files_by_content_not_name(filename):
    assert detect_format(xlsx_bytes(), filename) == "xlsx"
    assert detect_format(docx_bytes(), filename) == "docx"


def test_legacy_office_files_are_named():
    assert rejection(ole("Root Entry", "Workbook", "SummaryInformation"), "题库.xls") == XLS_MESSAGE
    assert rejection(ole("Root Entry", "WordDocument", "1Table"), "题库.doc") == DOC_MESSAGE
    assert "旧版 Office" in rejection(ole("Root Entry", "Contents"))


def test_encrypted_office_file():
    data = ole("Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces")
    assert rejection(data, "题库.xlsx") == ENCRYPTED_MESSAGE
    assert ENCRYPTED_MESSAGE == "文件已加密，请取消密码保护后再导入"


def test_zip_bomb_by_ratio():
    data = zip_bytes({"xl/workbook.xml": b"<workbook/>", "big.xml": b"\0" * (30 * 1024 * 1024)})
    assert "压缩炸弹" in rejection(data, "a.xlsx")


def test_zip_bomb_by_total_size():
    # many members, each small enough to escape the ratio check, together past 200 MB
    data = zip_bytes(
        {"xl/workbook.xml": b"<workbook/>"}
        | {f"xl/media/{n}.bin": b"\0" * (9 * 1024 * 1024) for n in range(24)},
        level=1,
    )
    assert "200 MB" in rejection(data, "a.xlsx")


def test_declared_sizes_bound_what_zipfile_inflates():
    """The guard trusts declared sizes; zipfile refuses to inflate past them."""
    data = bytearray(zip_bytes({"word/document.xml": b"a" * 100_000}))
    archive = open_zip(bytes(data))
    info = archive.getinfo("word/document.xml")
    # lie in the central directory: claim 10 bytes
    offset = data.rindex(b"PK\x01\x02")
    data[offset + 24 : offset + 28] = (10).to_bytes(4, "little")
    lying = zipfile.ZipFile(io.BytesIO(bytes(data)))
    with pytest.raises(zipfile.BadZipFile):
        lying.read("word/document.xml")
    assert info.file_size == 100_000


def test_other_zips_are_named():
    assert "ZIP 压缩包" in rejection(zip_bytes({"a.txt": b"x"}), "题库.zip")
    assert ".ods" in rejection(
        zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    )
    assert "PowerPoint" in rejection(zip_bytes({"ppt/presentation.xml": b"<p/>"}))
    assert "已损坏" in rejection(b"PK\x03\x04" + os.urandom(200))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n...", "PDF"),
        (b"{\\rtf1\\ansi 1. question", "RTF"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "图片"),
        (b"Rar!\x1a\x07\x00" + b"\0" * 20, "压缩包"),
        (b'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><table>', "HTML"),
        (b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook/>', "2003 XML"),
    ],
)
def test_other_binaries_and_lookalikes_are_named(data, expected):
    assert expected in rejection(data)


def test_unknown_binary():
    assert rejection(bytes(range(256)) * 4) == UNKNOWN_MESSAGE
    assert rejection(b"\x00\x01\x02\x03binary\x00\x00\x00\x05") == UNKNOWN_MESSAGE


def test_empty_file():
    assert rejection(b"") == "文件为空"


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz></quiz>', "a.xml", "moodle-xml"),
        ('  <quiz>\n<question type="truefalse"/></quiz>', "a.txt", "moodle-xml"),
        ("bank: 理论学习\nquestions:\n  - type: single\n", "a.yaml", "native"),
        ("题型,题干,选项A,答案\n单选题,题,甲,A\n", "a.txt", "csv"),
        ("type,stem,answer\njudge,x,true\n", "bank", "csv"),
        ("题型\t题干\t答案\n判断题\t说法\t对\n", "a.txt", "csv"),
        ("随便什么\n", "a.csv", "csv"),
        ("党的政治建设是党的什么建设？\nA. 根本性\nB. 基础性\nANSWER: A\n", "a.txt", "aiken"),
        ("::Q1:: 党的政治建设是党的{=根本性 ~基础性}建设。\n", "a.txt", "gift"),
        ("$CATEGORY: 理论学习\n\n说法。{T}\n", "a.gift", "gift"),
        ("中心组学习很重要。{TRUE}\n", "a.txt", "gift"),
        (
            "一、单选题\n1. 党的政治建设是党的（ ）建设。\nA．根本性 B．基础性\n答案：A\n",
            "a.txt",
            "txt",
        ),
        ("1. 党的政治建设是党的（ ）建设。\nA. 根本性\nB. 基础性\n答案：A\n", "a", "txt"),
    ],
)
def test_text_formats(text, filename, expected):
    assert detect_format(text.encode("utf-8"), filename) == expected


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-16"])
def test_text_encodings(encoding):
    text = "一、单选题\n1. 党的政治建设是党的（ ）建设。\nA．根本性 B．基础性\n答案：A\n"
    assert detect_format(text.encode(encoding), "题库.txt") == "txt"
    csv_text = "题型,题干,答案\n判断题,说法,对\n"
    assert detect_format(csv_text.encode(encoding), "题库") == "csv"

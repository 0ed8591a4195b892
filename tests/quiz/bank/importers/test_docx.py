"""Word (.docx) banks: paragraphs in the text layout, Word lists, template tables."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from app.quiz.bank.importers import docx_format
from app.quiz.bank.importers.base import ImportRejected, ParseResult
from app.quiz.bank.importers.detect import DOC_MESSAGE, ENCRYPTED_MESSAGE, OLE_SIGNATURE


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def parse_document(document) -> ParseResult:
    return docx_format.parse(to_bytes(document), "题库.docx")


def paragraphs(*lines: str) -> ParseResult:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    return parse_document(document)


def messages(result: ParseResult) -> list[str]:
    return [str(issue) for issue in result.errors]


def test_paragraph_layout_every_type():
    result = paragraphs(
        "2024 年理论学习题库",
        "一、单项选择题（每题 2 分）",
        "1．党的政治建设是党的（ ）建设。",
        "A．根本性\tB．基础性\tC．长期性\tD．全局性",
        "【答案】A",
        "【解析】党的政治建设是党的根本性建设。",
        "二、多项选择题",
        "1、“四个意识”包括（ABCD）",
        "A、政治意识  B、大局意识  C、核心意识  D、看齐意识",
        "三、判断题",
        "1. 中心组学习以集体学习研讨为主要形式。（√）",
        "四、填空题",
        "1. ____和____是党的指导思想。",
        "答案：马克思主义；毛泽东思想",
        "五、简答题",
        "1. 简述加强领导班子政治建设的意义。",
        "参考答案：",
        "（1）有利于坚定理想信念；",
        "（2）有利于严肃党内政治生活。",
    )
    assert result.errors == []
    single, multiple, judge, blank, essay = result.questions
    assert (single.type, single.answer, single.points) == ("single", [0], 2)
    assert single.options == ["根本性", "基础性", "长期性", "全局性"]
    assert single.explanation == "党的政治建设是党的根本性建设。"
    assert single.location == "第 3 段"
    assert (multiple.type, multiple.answer, multiple.stem) == (
        "multiple",
        [0, 1, 2, 3],
        "“四个意识”包括（ ）",
    )
    assert (judge.type, judge.answer) == ("judge", True)
    assert blank.answer == [["马克思主义"], ["毛泽东思想"]]
    assert essay.answer == "（1）有利于坚定理想信念；\n（2）有利于严肃党内政治生活。"
    assert essay.location == "第 16 段"


def test_soft_line_breaks_split_a_paragraph_into_lines():
    document = docx.Document()
    document.add_paragraph("三、判断题")
    paragraph = document.add_paragraph("1. 党的政治建设是党的根本性建设。")
    paragraph.add_run().add_break()
    paragraph.add_run("答案：对")
    result = parse_document(document)
    assert result.errors == []
    assert result.questions[0].answer is True


def test_errors_point_at_paragraphs():
    result = paragraphs(
        "一、单选题",
        "1.",
        "A.甲 B.乙",
        "答案：A",
        "2. 题（ ）",
        "A.甲",
        "B.乙",
        "C.丙",
        "D.丁",
        "答案：E",
        "二、多选题",
        "1. 题（ ）",
        "A.甲 B.乙 C.丙",
        "答案：B",
    )
    assert messages(result) == [
        "第 2 段，题干：题干为空",
        "第 10 段，答案：答案“E”不在选项中",
        "第 14 段，答案：多选题至少两个正确答案",
    ]


def add_numbering(document, abstract_id: int, fmt: str, text: str, nums: dict[int, int | None]):
    """An abstract list definition plus ``num`` instances (num id → start override)."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'
        ),
    )
    for num_id, start in nums.items():
        override = (
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            if start is not None
            else ""
        )
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                f'<w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
            )
        )


def numbered(document, text: str, num_id: int):
    paragraph = document.add_paragraph(text)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id
    return paragraph


def test_word_automatic_numbering_is_rendered():
    document = docx.Document()
    add_numbering(document, 90, "decimal", "%1、", {90: None})
    add_numbering(document, 91, "upperLetter", "%1．", {91: None, 92: 1})
    add_numbering(document, 92, "chineseCounting", "%1、", {93: None})
    numbered(document, "单选题", 93)
    numbered(document, "党的政治建设是党的（ ）建设。", 90)
    for option in ["根本性", "基础性", "长期性"]:
        numbered(document, option, 91)
    document.add_paragraph("答案：A")
    numbered(document, "中心组学习的第一责任人是（ ）。", 90)
    for option in ["党委（党组）书记", "秘书"]:
        numbered(document, option, 92)
    document.add_paragraph("答案：A")
    numbered(document, "判断题", 93)
    document.add_paragraph("1. 学习很重要。（√）", style="List Bullet")
    result = parse_document(document)
    assert result.errors == []
    first, second, third = result.questions
    assert first.options == ["根本性", "基础性", "长期性"]
    assert second.options == ["党委（党组）书记", "秘书"]
    assert (first.type, second.type, third.type) == ("single", "single", "judge")


def test_list_number_style_numbering():
    document = docx.Document()
    document.add_paragraph("三、判断题")
    document.add_paragraph("党的政治建设是党的根本性建设。（√）", style="List Number")
    document.add_paragraph("可以不参加中心组学习。（×）", style="List Number")
    result = parse_document(document)
    assert result.errors == []
    assert [q.answer for q in result.questions] == [True, False]


def template_table(document, rows: list[list[str]]):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    return table


def test_table_with_template_header_reads_like_excel():
    document = docx.Document()
    document.add_paragraph("题库")
    table = template_table(
        document,
        [
            ["题型", "题干", "选项A", "选项B", "正确答案"],
            ["判断题", "一", "", "", "对"],
            ["", "二", "", "", "错"],
            ["选择", "三", "甲", "乙", "A"],
            ["单选题", "四", "甲", "乙", "C"],
        ],
    )
    table.cell(1, 0).merge(table.cell(2, 0))
    result = parse_document(document)
    assert messages(result) == [
        "第 1 个表格第 4 行，题型：未知题型“选择”",
        "第 1 个表格第 5 行，正确答案：答案“C”不在选项中",
    ]
    assert [(q.stem, q.answer, q.location) for q in result.questions] == [
        ("一", True, "第 1 个表格第 2 行"),
        ("二", False, "第 1 个表格第 3 行"),
    ]


def test_paragraphs_tables_and_paragraphs_keep_document_order():
    document = docx.Document()
    document.add_paragraph("一、单选题")
    document.add_paragraph("1. 甲（ ）")
    document.add_paragraph("A.a B.b")
    template_table(document, [["题型", "题干", "答案"], ["判断题", "乙", "对"]])
    document.add_paragraph("答案：A")  # belongs to nothing: the question ended at the table
    document.add_paragraph("2. 丙（ ）")
    document.add_paragraph("A.a B.b")
    document.add_paragraph("答案：B")
    result = parse_document(document)
    assert [q.stem for q in result.questions] == ["乙", "丙（ ）"]
    assert messages(result)[0] == "第 2 段，答案：答案为空"
    assert "第 4 段，答案：“答案”前面没有题目（题干应以题号开头，如“1.”）" in messages(result)


def test_other_tables_are_read_as_text():
    document = docx.Document()
    document.add_paragraph("三、判断题")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "1. 说法一。"
    table.cell(0, 1).text = "答案：对"
    table.cell(1, 0).text = "2. 说法二。"
    table.cell(1, 1).text = "答案：也许"
    result = parse_document(document)
    assert [q.answer for q in result.questions] == [True]
    assert messages(result) == [
        "第 1 个表格第 2 行第 2 列，答案：判断题答案“也许”无法识别，请填写“正确”或“错误”"
    ]


def test_empty_document_is_rejected():
    with pytest.raises(ImportRejected, match="没有识别到任何题目"):
        parse_document(docx.Document())


def test_legacy_doc_and_encrypted_files():
    padding = b"\0" * 1024
    with pytest.raises(ImportRejected) as caught:
        docx_format.parse(OLE_SIGNATURE + padding + "WordDocument".encode("utf-16-le"), "a.docx")
    assert caught.value.message == DOC_MESSAGE
    with pytest.raises(ImportRejected) as caught:
        docx_format.parse(
            OLE_SIGNATURE + padding + "EncryptedPackage".encode("utf-16-le"), "a.docx"
        )
    assert caught.value.message == ENCRYPTED_MESSAGE


def rewrite(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


@pytest.mark.parametrize(
    "member",
    [
        "word/document.xml",
        "[Content_Types].xml",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/numbering.xml",
    ],
)
def test_corrupt_members_become_import_rejected(member):
    document = docx.Document()
    document.add_paragraph("三、判断题")
    document.add_paragraph("1. 说法。（√）", style="List Number")
    data = rewrite(to_bytes(document), member, lambda xml: xml[: len(xml) // 2])
    with pytest.raises(ImportRejected, match="无法读取 Word 文件"):
        docx_format.parse(data, "a.docx")


def test_truncated_file_is_rejected():
    data = to_bytes(docx.Document())
    with pytest.raises(ImportRejected):
        docx_format.parse(data[: len(data) // 2], "a.docx")


def test_billion_laughs_in_document_xml():
    document = docx.Document()
    document.add_paragraph("三、判断题")
    document.add_paragraph("1. 说法。（√）")
    entities = b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"lol") * 10)
        for n in range(1, 10)
    )

    def bomb(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1]
        body = body.replace("说法".encode(), b"&lol9;")
        return b'<?xml version="1.0"?><!DOCTYPE w:document [' + entities + b"]>" + body

    # How fast a bomb is refused is measured in bench/import_bench.py.
    try:
        result = docx_format.parse(rewrite(to_bytes(document), "word/document.xml", bomb), "a.docx")
    except ImportRejected:
        pass
    else:
        assert all(len(q.stem) < 1000 for q in result.questions)


def test_xlsx_given_as_docx_is_named():
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with pytest.raises(ImportRejected, match="实际是 Excel .xlsx 格式"):
        docx_format.parse(buffer.getvalue(), "a.docx")

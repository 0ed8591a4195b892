"""The Chinese Excel template: what a user filling it in would notice."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest

from app.quiz.bank.exporters.xlsx import export_xlsx
from app.quiz.bank.importers import parse as parse_any
from app.quiz.bank.importers import xlsx
from app.quiz.bank.importers.base import ImportRejected, ParsedQuestion, ParseResult
from app.quiz.bank.importers.detect import ENCRYPTED_MESSAGE, OLE_SIGNATURE, XLS_MESSAGE

HEADER = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "答案",
    "解析",
    "难度",
    "知识点",
    "分值",
    "出处",
    "标签",
]
TEMPLATES = Path(__file__).resolve().parents[4] / "question_bank" / "templates"


def workbook_bytes(*sheets: tuple[str, list[list]], hidden: tuple[str, ...] = (), merges=()):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
        for sheet_title, ref in merges:
            if sheet_title == title:
                sheet.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def excel_style_xlsx(
    rows: list[list[str]], merges: tuple[str, ...] = (), prefix: str = ""
) -> bytes:
    """A workbook written the way Excel writes one: shared strings, explicit cell refs,
    optional namespace prefix — openpyxl itself writes inline strings."""
    from openpyxl.utils import get_column_letter

    strings: list[str] = []
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns{":" + prefix if prefix else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    row_xml = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            strings.append(value)
            ref = f"{get_column_letter(c)}{r}"
            cells.append(f'<{p}c r="{ref}" t="s"><{p}v>{len(strings) - 1}</{p}v></{p}c>')
        row_xml.append(f'<{p}row r="{r}">{"".join(cells)}</{p}row>')
    merge_xml = ""
    if merges:
        merge_xml = (
            f'<{p}mergeCells count="{len(merges)}">'
            + "".join(f'<{p}mergeCell ref="{ref}"/>' for ref in merges)
            + f"</{p}mergeCells>"
        )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {xmlns}>'
        f"<{p}sheetData>{''.join(row_xml)}</{p}sheetData>{merge_xml}</{p}worksheet>"
    )
    from xml.sax.saxutils import escape

    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="题库" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode())
    return out.getvalue()


EXCEL_ROWS = [
    ["题型", "题干", "选项A", "选项B", "答案"],
    ["单选题", "说法", "甲", "乙", "A"],
    [None, "题二", "甲", "乙", "B"],
]


@pytest.mark.parametrize("prefix", ["", "x"])
def test_excel_written_file_with_shared_strings_and_merges(prefix):
    result = xlsx.parse(excel_style_xlsx(EXCEL_ROWS, ("A2:A3",), prefix), "a.xlsx")
    assert result.errors == []
    assert [(q.type, q.answer) for q in result.questions] == [("single", [0]), ("single", [1])]


def parse_rows(rows: list[list], title: str = "Sheet1", **kwargs) -> ParseResult:
    return xlsx.parse(workbook_bytes((title, rows), **kwargs), "题库.xlsx")


def messages(result: ParseResult) -> list[str]:
    return [str(issue) for issue in result.errors]


def rewrite_member(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == name:
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


ALL_TYPES = [
    HEADER,
    [
        "单选题",
        "党的政治建设是党的（ ）建设。",
        "根本性",
        "基础性",
        "长期性",
        "全局性",
        "A",
        "十九大报告",
        2,
        "党的建设/政治建设",
        2,
        "党的十九大报告",
        "政治建设、班子",
    ],
    ["多选题", "“四个意识”包括（ ）", "政治意识", "大局意识", "核心意识", "看齐意识", "A、B、C、D"],
    ["判断题", "中心组学习以集体学习研讨为主要形式。", None, None, None, None, "正确"],
    ["填空题", "____是党的根本性建设。", None, None, None, None, "党的政治建设/政治建设"],
    ["简答题", "简述加强领导班子政治建设的意义。", None, None, None, None, "（1）……\n（2）……"],
]


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_every_type_reads():
    result = parse_rows(ALL_TYPES)
    assert result.errors == []
    single, multiple, judge, blank, essay = result.questions
    assert single == ParsedQuestion(
        type="single",
        stem="党的政治建设是党的（ ）建设。",
        options=["根本性", "基础性", "长期性", "全局性"],
        answer=[0],
        explanation="十九大报告",
        difficulty=2,
        category=["党的建设", "政治建设"],
        points=Decimal("2"),
        source="党的十九大报告",
        tags=["政治建设", "班子"],
        location="工作表“Sheet1”第 2 行",
    )
    assert multiple.answer == [0, 1, 2, 3]
    assert judge.answer is True and judge.options == []
    assert blank.answer == [["党的政治建设", "政治建设"]]
    assert essay.answer == "（1）……\n（2）……"
    assert essay.location == "工作表“Sheet1”第 6 行"


@pytest.mark.parametrize(
    "header",
    [
        ["type", "stem", "option_a", "option_b", "answer", "explanation"],
        ["Type", "STEM", "Option A", "option-b", "Answer", "Explanation"],
        [" 题型 ", "题干 ", "选项Ａ", "选项Ｂ", "答案", "解析"],
        ["题型*", "题干（必填）", "选项a", "选项 B", "正确答案", "答案解析"],
        ["题型", "题干", "A", "B", "答案", "解析"],
    ],
)
def test_header_spellings(header):
    result = parse_rows([header, ["单选题", "题", "甲", "乙", "B", "因为"]])
    assert result.errors == []
    assert result.questions[0].options == ["甲", "乙"]
    assert result.questions[0].answer == [1]
    assert result.questions[0].explanation == "因为"


def test_column_order_is_free_and_unknown_columns_are_ignored():
    result = parse_rows(
        [
            ["序号", "答案", "选项B", "选项A", "题干", "备注", "题型"],
            [1, "A", "乙", "甲", "题", "随便写", "单选"],
        ]
    )
    assert result.errors == []
    assert result.questions[0].options == ["甲", "乙"]
    assert result.questions[0].answer == [0]


def test_header_below_a_title_row():
    result = parse_rows(
        [["2024 年理论学习题库"], [], HEADER, ["判断题", "说法", None, None, None, None, "对"]],
        merges=[("Sheet1", "A1:M1")],
    )
    assert result.errors == []
    assert result.questions[0].location == "工作表“Sheet1”第 4 行"


@pytest.mark.parametrize(
    ("type_cell", "expected"),
    [
        ("单选题", "single"),
        ("单选", "single"),
        ("单项选择题", "single"),
        ("多选", "multiple"),
        ("多项选择题", "multiple"),
        ("判断", "judge"),
        ("填空", "blank"),
        ("简答", "essay"),
        ("问答题", "essay"),
        ("single", "single"),
        ("Judge", "judge"),
        (" 判断题 ", "judge"),
    ],
)
def test_type_spellings(type_cell, expected):
    answers = {"single": "A", "multiple": "AB", "judge": "对", "blank": "x", "essay": "y"}
    options = ["甲", "乙"] if expected in ("single", "multiple") else [None, None]
    result = parse_rows([HEADER, [type_cell, "题", *options, None, None, answers[expected]]])
    assert result.errors == []
    assert result.questions[0].type == expected


def test_merged_type_and_category_cells_apply_to_every_covered_row():
    rows = [
        HEADER,
        ["单选题", "题一", "甲", "乙", None, None, "A", None, None, "党史"],
        [None, "题二", "甲", "乙", None, None, "B"],
        [None, "题三", "甲", "乙", None, None, "A"],
        ["判断题", "题四", None, None, None, None, "错"],
    ]
    result = parse_rows(rows, merges=[("Sheet1", "A2:A4"), ("Sheet1", "J2:J3")])
    assert result.errors == []
    assert [q.type for q in result.questions] == ["single", "single", "single", "judge"]
    assert [q.category for q in result.questions] == [["党史"], ["党史"], [], []]


def test_merged_ranges_in_several_sheets_and_headers():
    data = workbook_bytes(
        (
            "一",
            [
                HEADER,
                ["判断题", "甲", None, None, None, None, "对"],
                [None, "乙", None, None, None, None, "错"],
            ],
        ),
        ("二", [["说明"], HEADER, ["判断题", "丙", None, None, None, None, "对"]]),
        merges=[("一", "A2:A3"), ("二", "A1:C1")],
    )
    result = xlsx.parse(data, "a.xlsx")
    assert result.errors == []
    assert [(q.stem, q.location) for q in result.questions] == [
        ("甲", "工作表“一”第 2 行"),
        ("乙", "工作表“一”第 3 行"),
        ("丙", "工作表“二”第 3 行"),
    ]


def test_trailing_empty_rows_and_columns_are_ignored():
    data = workbook_bytes(
        ("Sheet1", [HEADER + [None, None], ["判断题", "说法", None, None, None, None, "对"]])
    )

    def widen(xml: bytes) -> bytes:
        # formatted but empty rows far below, as Excel leaves after deleting content
        empty = b"".join(
            b'<row r="%d"><c r="A%d" s="0"/><c r="Z%d" s="0"/></row>' % (n, n, n)
            for n in range(3, 2000)
        )
        return xml.replace(b"</sheetData>", empty + b"</sheetData>")

    data = rewrite_member(data, "xl/worksheets/sheet1.xml", widen)
    result = xlsx.parse(data, "a.xlsx")
    assert result.errors == []
    assert len(result.questions) == 1


def test_blank_rows_between_questions_are_skipped():
    result = parse_rows(
        [
            HEADER,
            ["判断题", "一", None, None, None, None, "对"],
            [],
            [None, "  ", None],
            ["判断题", "二", None, None, None, None, "错"],
        ]
    )
    assert result.errors == []
    assert [q.location for q in result.questions] == [
        "工作表“Sheet1”第 2 行",
        "工作表“Sheet1”第 5 行",
    ]


def test_numbers_stored_as_numbers():
    result = parse_rows(
        [
            HEADER,
            [
                "判断题",
                2024,
                None,
                None,
                None,
                None,
                1,
                None,
                3.0,
                None,
                2.5,
                dt.datetime(2023, 7, 1),
            ],
            ["判断题", "说法", None, None, None, None, 0, None, 5, None, 10],
            ["单选题", "题", 1, 2, 3, None, "C", None, None, None, 0.5],
            ["判断题", "说法", None, None, None, None, True],
        ]
    )
    assert result.errors == []
    first, second, third, fourth = result.questions
    assert first.stem == "2024"
    assert first.answer is True
    assert first.difficulty == 3
    assert first.points == Decimal("2.5")
    assert first.source == "2023-07-01"
    assert second.answer is False and second.points == Decimal("10")
    assert third.options == ["1", "2", "3"] and third.points == Decimal("0.5")
    assert fourth.answer is True


def test_spaces_around_cells_are_trimmed():
    result = parse_rows(
        [HEADER, ["  单选题 ", "  党的建设  ", " 甲 ", "乙\u3000", None, None, " b "]]
    )
    assert result.errors == []
    question = result.questions[0]
    assert (question.stem, question.options, question.answer) == ("党的建设", ["甲", "乙"], [1])


def test_judge_with_true_false_options_and_letter_answer():
    result = parse_rows([HEADER, ["判断题", "说法", "正确", "错误", None, None, "B"]])
    assert result.errors == []
    assert result.questions[0].answer is False
    assert result.questions[0].options == []


def test_every_sheet_with_a_header_is_read_hidden_and_instruction_sheets_are_not():
    data = workbook_bytes(
        ("单选", [HEADER, ["单选题", "题一", "甲", "乙", None, None, "A"]]),
        ("填写说明", [["列名", "说明"], ["题干", "题目正文"], ["题型", "单选题"]]),
        ("隐藏", [HEADER, ["单选题", "不应导入", "甲", "乙", None, None, "A"]]),
        ("判断", [HEADER, ["判断题", "题二", None, None, None, None, "错"]]),
        hidden=("隐藏",),
    )
    result = xlsx.parse(data, "a.xlsx")
    assert result.errors == []
    assert [(q.stem, q.location) for q in result.questions] == [
        ("题一", "工作表“单选”第 2 行"),
        ("题二", "工作表“判断”第 2 行"),
    ]


def test_repeated_header_row_starts_a_new_block():
    result = parse_rows(
        [
            HEADER,
            ["判断题", "一", None, None, None, None, "对"],
            [],
            HEADER,
            ["判断题", "二", None, None, None, None, "错"],
        ]
    )
    assert result.errors == []
    assert len(result.questions) == 2


def test_sheet_dimension_written_wrong_does_not_cut_rows():
    data = workbook_bytes(("Sheet1", ALL_TYPES))

    def shrink(xml: bytes) -> bytes:
        start = xml.index(b"<dimension")
        end = xml.index(b"/>", start) + 2
        return xml[:start] + b'<dimension ref="A1"/>' + xml[end:]

    result = xlsx.parse(rewrite_member(data, "xl/worksheets/sheet1.xml", shrink), "a.xlsx")
    assert result.errors == []
    assert len(result.questions) == 5
    assert result.questions[0].tags == ["政治建设", "班子"]


# ---------------------------------------------------------------- problems


def test_listed_errors_have_location_field_and_reason():
    result = parse_rows(
        [
            ["题型", "题干", "选项Ａ", "选项B", "选项C", "选项D", "正确答案"],
            ["单选题", "", "甲", "乙", "丙", "丁", "A"],
            ["单选题", "题", "甲", "乙", "丙", "丁", "E"],
            ["多选题", "题", "甲", "乙", "丙", "丁", "B"],
            ["选择", "题", "甲", "乙", "丙", "丁", "A"],
        ]
    )
    assert messages(result) == [
        "工作表“Sheet1”第 2 行，题干：题干为空",
        "工作表“Sheet1”第 3 行，正确答案：答案“E”不在选项中",
        "工作表“Sheet1”第 4 行，正确答案：多选题至少两个正确答案",
        "工作表“Sheet1”第 5 行，题型：未知题型“选择”",
    ]
    assert result.questions == []


def test_more_problems():
    result = parse_rows(
        [
            HEADER,
            ["", "题", "甲", "乙", None, None, "A"],
            ["单选题", "题", "甲", None, "丙", None, "A"],
            ["单选题", "题", "甲", None, None, None, "A"],
            ["判断题", "题", None, None, None, None, "也许"],
            ["填空题", "____和____", None, None, None, None, "甲"],
            ["单选题", "题", "甲", "乙", None, None, "A", None, 16, None, "两分"],
            ["单选题", "题", "甲", "乙", None, None, ""],
            ["单选题", "题", "甲", "乙", None, None, "AB"],
        ]
    )
    assert messages(result) == [
        "工作表“Sheet1”第 2 行，题型：题型为空",
        "工作表“Sheet1”第 3 行，选项：存在空选项",
        "工作表“Sheet1”第 4 行，选项：选择题至少需要 2 个选项",
        "工作表“Sheet1”第 5 行，答案：判断题答案“也许”无法识别，请填写“正确”或“错误”",
        "工作表“Sheet1”第 6 行，答案：题干有 2 处空，答案有 1 个（多个空的答案用“|”或“；”分隔）",
        "工作表“Sheet1”第 7 行，难度：难度“16”超出范围：请填写 1–5（或在表头注明 1–10 等）",
        "工作表“Sheet1”第 7 行，分值：分值“两分”不是数字",
        "工作表“Sheet1”第 8 行，答案：答案为空",
        "工作表“Sheet1”第 9 行，答案：单选题必须恰好有一个正确答案",
    ]


def test_header_missing_a_required_column():
    result = parse_rows([["题型", "题干", "选项A", "选项A"], ["单选题", "题", "甲", "乙"]])
    assert messages(result) == [
        "工作表“Sheet1”第 1 行：表头缺少“答案”列（可写作：答案、正确答案、参考答案、标准答案、"
        "正确选项）；本表的列是：题型、题干、选项A、选项A",
        "工作表“Sheet1”第 1 行：表头中“选项A”列重复",
    ]
    assert result.questions == []


def test_no_header_is_rejected():
    with pytest.raises(ImportRejected, match="没有识别出题目表头：工作表“Sheet1”第 1 行的列是"):
        parse_rows([["单选题", "题", "甲", "乙", "A"]])


def test_header_without_rows_is_rejected():
    with pytest.raises(ImportRejected, match="没有填写题目"):
        parse_rows([HEADER, [], []])


def test_legacy_and_encrypted_files_are_refused_plainly():
    padding = b"\0" * 1024
    xls = OLE_SIGNATURE + padding + "Workbook".encode("utf-16-le") + padding
    encrypted = (
        OLE_SIGNATURE
        + padding
        + "EncryptionInfo".encode("utf-16-le")
        + "EncryptedPackage".encode("utf-16-le")
        + padding
    )
    with pytest.raises(ImportRejected) as caught:
        xlsx.parse(xls, "题库.xlsx")
    assert caught.value.message == XLS_MESSAGE
    with pytest.raises(ImportRejected) as caught:
        xlsx.parse(encrypted, "题库.xlsx")
    assert caught.value.message == ENCRYPTED_MESSAGE


def test_docx_given_as_xlsx_is_named():
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with pytest.raises(ImportRejected, match="实际是 Word .docx 格式"):
        xlsx.parse(buffer.getvalue(), "a.xlsx")


@pytest.mark.parametrize(
    "member",
    [
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
        "xl/sharedStrings.xml",
        "[Content_Types].xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
    ],
)
def test_malformed_members_become_import_rejected(member):
    data = (
        excel_style_xlsx(EXCEL_ROWS)
        if "shared" in member
        else export_xlsx([ParsedQuestion("judge", "说法", answer=True)])
    )
    broken = rewrite_member(data, member, lambda xml: xml[: len(xml) // 2])
    with pytest.raises(ImportRejected):
        xlsx.parse(broken, "a.xlsx")


def test_sheet_part_missing_is_rejected():
    data = export_xlsx([ParsedQuestion("judge", "说法", answer=True)])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info.filename))
    with pytest.raises(ImportRejected):
        xlsx.parse(out.getvalue(), "a.xlsx")


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>\n"
)


@pytest.mark.parametrize(
    "member", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"]
)
def test_billion_laughs_is_refused_or_neutralised(member):
    data = excel_style_xlsx(EXCEL_ROWS)

    def bomb(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        body = body.replace("说法".encode(), b"&lol9;", 1)
        return LAUGHS + body

    # How fast a bomb is refused is measured in bench/import_bench.py.
    try:
        result = xlsx.parse(rewrite_member(data, member, bomb), "a.xlsx")
    except ImportRejected:
        pass
    else:
        assert all(len(q.stem) < 1000 for q in result.questions)


def test_zip_bomb_is_refused():
    data = export_xlsx([ParsedQuestion("judge", "说法", answer=True)])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
            target.writestr(info.filename, zipfile.ZipFile(io.BytesIO(data)).read(info.filename))
        target.writestr("xl/media/padding.bin", b"\0" * (40 * 1024 * 1024))
    with pytest.raises(ImportRejected, match="压缩炸弹"):
        xlsx.parse(out.getvalue(), "a.xlsx")


def test_wrong_bytes_are_rejected():
    with pytest.raises(ImportRejected, match="不是有效的 Excel .xlsx 文件"):
        xlsx.parse("不是表格的一段文字\n".encode(), "a.xlsx")


# ---------------------------------------------------------------- export and templates


def test_export_then_import_gives_the_same_questions():
    questions = [
        ParsedQuestion(
            "single",
            "=1+1 的结果（ ）",
            ["1", "2"],
            [1],
            "解析\n两行",
            4,
            ["理论", "哲学"],
            Decimal("2.5"),
            "教材",
            tags=["数", "算"],
        ),
        ParsedQuestion("multiple", "多选", list("甲乙丙丁戊己"), [0, 5], points=Decimal("0.5")),
        ParsedQuestion("judge", "判断\x07题", answer=False),
        ParsedQuestion("blank", "____和____", answer=[["马克思主义", "马列主义"], ["毛泽东思想"]]),
        ParsedQuestion("essay", "简答", answer="", title="标题", source_lesson="course/lesson#a"),
    ]
    result = xlsx.parse(export_xlsx(questions), "导出.xlsx")
    assert result.errors == []
    for question in result.questions:
        question.location = ""
    questions[2].stem = "判断题"
    assert result.questions == questions


def test_template_files_are_current_and_import_cleanly():
    template = (TEMPLATES / "题库导入模板.xlsx").read_bytes()
    with pytest.raises(ImportRejected, match="没有填写题目"):
        parse_any(template, "题库导入模板.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    assert workbook.sheetnames == ["题库", "填写说明"]
    sheet = workbook["题库"]
    assert [c.value for c in sheet[1]][:3] == ["题型", "题干", "选项A"]
    assert sheet.freeze_panes == "A2"
    assert any("单选题" in (v.formula1 or "") for v in sheet.data_validations.dataValidation)

    example = parse_any((TEMPLATES / "题库导入示例.xlsx").read_bytes(), "题库导入示例.xlsx")
    assert example.errors == []
    assert {q.type for q in example.questions} == {"single", "multiple", "judge", "blank", "essay"}


def test_a_thousand_question_file_imports_completely():
    # Its speed against a bare openpyxl read is measured in bench/import_bench.py.
    questions = [
        ParsedQuestion(
            "single",
            f"第 {n} 题：党的政治建设是党的（ ）建设。",
            ["根本性", "基础性", "长期性", "全局性"],
            [n % 4],
            "解析" * 10,
            3,
            ["党的建设", "政治建设"],
            Decimal("2"),
            "报告",
            tags=["甲", "乙"],
        )
        for n in range(1000)
    ]
    result = xlsx.parse(export_xlsx(questions), "a.xlsx")
    assert result.errors == []
    # every row, in order, none lost or merged
    assert [q.location.endswith(f"第 {n} 行") for n, q in enumerate(result.questions, 2)] == [
        True
    ] * 1000
    for question in result.questions:
        question.location = ""
    assert result.questions == questions

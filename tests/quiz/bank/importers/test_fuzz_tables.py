"""Generated and damaged files: importers answer with a ParseResult or a QuestionImportError,
never anything else; what they accept is valid; Excel, CSV and export agree."""

from __future__ import annotations

import contextlib
import csv
import io
from decimal import Decimal

import docx
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.quiz.bank.exporters.xlsx import export_xlsx
from app.quiz.bank.importers import chinese_text, csv_format, docx_format, xlsx
from app.quiz.bank.importers.base import (
    ParsedQuestion,
    ParseResult,
    QuestionImportError,
    validate,
)
from app.quiz.bank.importers.detect import detect_format
from app.quiz.bank.importers.table import HEADERS

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MY_FORMATS = {
    "xlsx": xlsx.parse,
    "csv": csv_format.parse,
    "docx": docx_format.parse,
    "txt": chinese_text.parse,
}


def accepted(result: ParseResult) -> None:
    """What an importer returns is well-formed: every question valid, every issue located."""
    assert isinstance(result, ParseResult)
    for question in result.questions:
        assert validate(question) == []
        assert question.location
    for issue in result.errors:
        assert issue.location and issue.message


def survives(parse, data: bytes, filename: str) -> ParseResult | None:
    try:
        result = parse(data, filename)
    except QuestionImportError:
        return None
    accepted(result)
    return result


# ---------------------------------------------------------------- generated tables

WORDS = [
    "单选题",
    "多选题",
    "判断题",
    "填空题",
    "简答题",
    "选择",
    "single",
    "A",
    "ABD",
    "E",
    "对",
    "×",
    "正确",
    "3",
    "2.5",
    "-1",
    "党的政治建设",
    "（ ）",
    "____",
    "甲|乙",
    "甲/乙",
    "  ",
    "题干",
    "题型",
    "答案",
    "理论/学习",
    "标签、二",
    "1",
    "0",
    "\n",
    "选项A",
]
cell = st.one_of(
    st.sampled_from(WORDS),
    st.text(alphabet="党建学习ABCDEa1 ，。、|/；（）_\n", max_size=12),
)
HEADER_ROW = [
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
    "标签",
]
rows = st.lists(st.lists(cell, max_size=len(HEADER_ROW)), max_size=12)


def as_xlsx(table: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in table:
        sheet.append([value if value != "" else None for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_csv(table: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    return buffer.getvalue().encode("utf-8")


def comparable(result: ParseResult | None):
    if result is None:
        return None
    questions = [(q.type, q.stem, q.options, q.answer, q.points, q.tags) for q in result.questions]
    errors = [(e.location.split("第")[-1], e.message, e.field) for e in result.errors]
    return questions, errors


@FUZZ
@given(body=rows, with_header=st.booleans())
def test_generated_tables_read_the_same_from_excel_and_csv(body, with_header):
    table = ([HEADER_ROW] if with_header else []) + body
    from_xlsx = survives(xlsx.parse, as_xlsx(table), "a.xlsx")
    from_csv = survives(csv_format.parse, as_csv(table), "a.csv")
    if with_header and from_xlsx is not None:
        assert comparable(from_xlsx) == comparable(from_csv)


# ---------------------------------------------------------------- generated text layouts

LINES = [
    "一、单选题",
    "二、多选题（每题2分）",
    "（三）判断题",
    "四、填空题",
    "五、简答题",
    "选择题",
    "1. 党的政治建设是党的（ ）建设。",
    "2、题（ A ）",
    "（3）说法。（√）",
    "第4题 ____和____",
    "1.",
    "A.甲 B.乙 C.丙 D.丁",
    "A、甲",
    "B．乙",
    "Ｃ．丙",
    "答案：A",
    "【答案】ABD",
    "答案：E",
    "答案：对",
    "答案：甲 乙",
    "答案：",
    "解析：因为",
    "【解析】",
    "难度：9",
    "难度：2",
    "分值：x",
    "知识点：a/b",
    "题型：选择",
    "题型：多选",
    "随便一行",
    "",
    "1. 第一点",
    "2. 第二点",
    # issue 11 layouts
    "判断",
    "单选题",
    "9.2025年全会强调（ ）",
    "题型：多选题",
    "难度系数：0.6",
    "出题人：某处",
    "答案：✔",
    "答案：❌",
    "true. 正确",
    "false. 错误",
    "第02讲 学习方法",
    "-----",
    "=====",
    "××党校内部资料",
    "第 3 页 共 9 页",
    "参考答案：",
    "（2）论述题干",
    "{1:SHORTANSWER:=甲}",
]
text_lines = st.lists(
    st.one_of(st.sampled_from(LINES), st.text(alphabet="1.、AB答案：（）√党", max_size=10)),
    max_size=25,
)


@FUZZ
@given(lines=text_lines)
def test_generated_text_layouts(lines):
    text = "\n".join(lines)
    survives(chinese_text.parse, text.encode("utf-8"), "a.txt")


@FUZZ
@given(lines=text_lines)
def test_generated_word_documents(lines):
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    survives(docx_format.parse, buffer.getvalue(), "a.docx")


# ---------------------------------------------------------------- damaged real files


def _samples() -> dict[str, bytes]:
    questions = [
        ParsedQuestion("single", "党的政治建设是党的（ ）建设。", ["根本性", "基础性"], [0]),
        ParsedQuestion("multiple", "四个意识", ["政治", "大局", "核心", "看齐"], [0, 1, 2, 3]),
        ParsedQuestion("judge", "说法", answer=True),
        ParsedQuestion("blank", "____是根本", answer=[["政治建设"]]),
    ]
    document = docx.Document()
    for line in ["一、单选题", "1. 题（ ）", "A.甲 B.乙", "答案：A"]:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=3)
    for c, value in enumerate(["题型", "题干", "答案"]):
        table.cell(0, c).text = value
    for c, value in enumerate(["判断题", "说法", "对"]):
        table.cell(1, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    text = "一、单选题\n1. 党的政治建设是党的（ ）建设。\nA. 根本性 B. 基础性\n答案：A\n解析：略\n"
    header = ",".join(HEADERS[k] for k in ("type", "stem", "option_a", "option_b", "answer"))
    return {
        "xlsx": export_xlsx(questions),
        "docx": buffer.getvalue(),
        "txt": text.encode("gbk"),
        "csv": (header + "\n单选题,题,甲,乙,A\n判断题,说法,,,对\n").encode("utf-8-sig"),
    }


SAMPLES = _samples()


def test_samples_are_valid_to_begin_with():
    for fmt, data in SAMPLES.items():
        result = MY_FORMATS[fmt](data, f"a.{fmt}")
        assert result.errors == [] and result.questions, fmt
        assert detect_format(data, f"a.{fmt}") == fmt


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**9), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 10**9), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10**9), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.integers(0, 10**9), st.integers(1, 64)),
)


def mutate(data: bytes, changes: list[tuple[str, int, int]]) -> bytes:
    buffer = bytearray(data)
    for kind, position, value in changes:
        if not buffer:
            break
        at = position % len(buffer)
        if kind == "flip":
            buffer[at] ^= value
        elif kind == "truncate":
            del buffer[at:]
        elif kind == "insert":
            buffer[at:at] = bytes([value]) * 3
        else:
            del buffer[at : at + value]
    return bytes(buffer)


@FUZZ
@given(
    fmt=st.sampled_from(sorted(SAMPLES)),
    changes=st.lists(mutation, min_size=1, max_size=4),
)
def test_damaged_files_only_raise_import_errors(fmt, changes):
    data = mutate(SAMPLES[fmt], changes)
    survives(MY_FORMATS[fmt], data, f"a.{fmt}")
    try:
        detected = detect_format(data, f"a.{fmt}")
    except QuestionImportError:
        return
    if detected in MY_FORMATS:
        survives(MY_FORMATS[detected], data, f"a.{fmt}")


@FUZZ
@given(data=st.binary(max_size=400), name=st.sampled_from(["a.xlsx", "a.csv", "a.txt", "a"]))
def test_arbitrary_bytes(data, name):
    for parse in MY_FORMATS.values():
        survives(parse, data, name)
    with contextlib.suppress(QuestionImportError):
        detect_format(data, name)


# ---------------------------------------------------------------- export round trip

# drawn, not filtered: a first character that is not a space, then anything
_PLAIN = "党的政治建设理论学习中心组领导班子abcXYZ0123456789，。！？：“”- "
plain = st.builds(
    lambda first, rest: (first + rest).strip(),
    st.sampled_from(_PLAIN.replace(" ", "")),
    st.text(alphabet=st.sampled_from(list(_PLAIN)), max_size=19),
)
tag = st.text(alphabet=st.sampled_from(list("党建学习班子abc12")), min_size=1, max_size=6)


@st.composite
def questions(draw) -> ParsedQuestion:
    kind = draw(st.sampled_from(["single", "multiple", "judge", "blank", "essay"]))
    options: list[str] = []
    if kind in ("single", "multiple"):
        options = draw(st.lists(plain, min_size=2, max_size=8))
        size = 1 if kind == "single" else draw(st.integers(2, len(options)))
        answer = sorted(draw(st.permutations(range(len(options))))[:size])
    elif kind == "judge":
        answer = draw(st.booleans())
    elif kind == "blank":
        answer = draw(st.lists(st.lists(plain, min_size=1, max_size=3), min_size=1, max_size=3))
    else:
        answer = draw(st.one_of(st.just(""), plain))
    return ParsedQuestion(
        type=kind,
        stem=draw(plain),
        options=options,
        answer=answer,
        explanation=draw(st.one_of(st.just(""), plain)),
        difficulty=draw(st.integers(1, 5)),
        category=draw(st.lists(plain, max_size=3)),  # the alphabet has no "/"
        points=draw(
            st.one_of(st.none(), st.sampled_from([Decimal("1"), Decimal("2.5"), Decimal("0.25")]))
        ),
        source=draw(st.one_of(st.just(""), plain)),
        tags=draw(st.lists(tag, max_size=3)),
        title=draw(st.one_of(st.just(""), plain)),
    )


@FUZZ
@given(bank=st.lists(questions(), min_size=1, max_size=8))
def test_export_then_import_round_trips(bank):
    result = xlsx.parse(export_xlsx(bank), "导出.xlsx")
    assert result.errors == []
    for question in result.questions:
        question.location = ""
    assert result.questions == bank

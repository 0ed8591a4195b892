"""CSV with the template's columns: encodings, delimiters, locations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.quiz.bank.importers import csv_format
from app.quiz.bank.importers.base import ImportRejected, ParseResult

CSV = (
    "题型,题干,选项A,选项B,选项C,选项D,答案,解析,难度,知识点,分值,出处,标签\n"
    "单选题,党的政治建设是党的（ ）建设。,根本性,基础性,长期性,全局性,A,十九大报告,2,"
    "党的建设/政治建设,2,党的十九大报告,政治建设、班子\n"
    '多选题,“四个意识”包括（ ）,政治意识,大局意识,核心意识,看齐意识,"A,B,C,D",,,,,,\n'
    "判断题,中心组学习以集体学习研讨为主要形式。,,,,,√,,,,,,\n"
    "填空题,____和____是指导思想。,,,,,马克思主义|毛泽东思想,,,,,,\n"
    '简答题,"简述意义，\n分两点回答。",,,,,"（1）……\n（2）……",,,,,,\n'
)


def parse(data: bytes) -> ParseResult:
    return csv_format.parse(data, "题库.csv")


def messages(result: ParseResult) -> list[str]:
    return [str(issue) for issue in result.errors]


def check_all_types(result: ParseResult) -> None:
    assert result.errors == []
    single, multiple, judge, blank, essay = result.questions
    assert single.options == ["根本性", "基础性", "长期性", "全局性"]
    assert single.answer == [0]
    assert single.category == ["党的建设", "政治建设"]
    assert single.points == Decimal("2")
    assert single.tags == ["政治建设", "班子"]
    assert multiple.answer == [0, 1, 2, 3]
    assert judge.answer is True
    assert blank.answer == [["马克思主义"], ["毛泽东思想"]]
    assert essay.stem == "简述意义，\n分两点回答。"
    assert essay.answer == "（1）……\n（2）……"


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.encode("gbk"),
        lambda text: text.encode("gb18030"),
        lambda text: text.replace("\n", "\r\n").encode("gbk"),
        lambda text: text.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "gbk-crlf", "utf-16-bom"],
)
def test_encodings_are_detected(encode):
    check_all_types(parse(encode(CSV)))


def test_gb18030_only_characters():
    text = "题型,题干,答案\n填空题,“𠮷”字的读音是____。,jí\n"
    result = parse(text.encode("gb18030"))
    assert result.questions[0].stem == "“𠮷”字的读音是____。"


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_delimiters(delimiter):
    text = CSV.replace('"A,B,C,D"', "ABCD").replace(",", delimiter)
    check_all_types(parse(text.encode("utf-8")))


def test_english_header_and_free_order():
    text = "answer,stem,type,option_b,option_a\nB,题,single,乙,甲\n"
    result = parse(text.encode())
    assert result.errors == []
    assert result.questions[0].options == ["甲", "乙"]
    assert result.questions[0].answer == [1]


def test_locations_count_rows_as_a_spreadsheet_shows_them():
    text = (
        "题型,题干,选项A,选项B,答案\n"
        '简答题,"两行\n题干",,,略\n'
        "\n"
        "单选题,,甲,乙,A\n"
        "单选题,题,甲,乙,E\n"
        "多选题,题,甲,乙,A\n"
        "选择,题,甲,乙,A\n"
    )
    assert messages(parse(text.encode("gbk"))) == [
        "第 4 行，题干：题干为空",
        "第 5 行，答案：答案“E”不在选项中",
        "第 6 行，答案：多选题至少两个正确答案",
        "第 7 行，题型：未知题型“选择”",
    ]


def test_trailing_empty_rows_and_columns():
    text = "题型,题干,答案,,,\n判断题,说法,对,,,\n,,,,,\n,,,,,\n\n"
    result = parse(text.encode())
    assert result.errors == []
    assert len(result.questions) == 1


def test_undecodable_file_is_rejected_naming_the_problem():
    with pytest.raises(ImportRejected, match="编码"):
        parse("题型,题干,答案\n".encode() + b"\xff\xfe\xfa\x80\x81\n")


def test_no_header_is_rejected():
    with pytest.raises(ImportRejected, match="没有识别出题目表头：第 1 行的列是"):
        parse("单选题,题,甲,乙,A\n".encode())


def test_header_only_is_rejected():
    with pytest.raises(ImportRejected, match="没有填写题目"):
        parse("题型,题干,答案\n".encode())


def test_header_missing_required_column():
    result = parse("题型,题干,选项A\n单选题,题,甲\n".encode())
    assert messages(result) == [
        "第 1 行：表头缺少“答案”列（可写作：答案、正确答案、参考答案、标准答案、正确选项）；"
        "本表的列是：题型、题干、选项A"
    ]


def test_title_line_above_header():
    result = parse("理论学习题库,,\n题型,题干,答案\n判断题,说法,错\n".encode())
    assert result.errors == []
    assert result.questions[0].location == "第 3 行"

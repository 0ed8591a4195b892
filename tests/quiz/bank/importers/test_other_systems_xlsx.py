"""Other systems' Excel templates (issue 11 §2), one fixture per pattern in ``fixtures/``."""

from __future__ import annotations

import pytest

from app.quiz.bank.importers import xlsx
from app.quiz.bank.importers.base import ImportRejected, read_difficulty
from tests.quiz.bank.importers.corpus import as_xlsx, messages, parse_fixture, read


def test_synonym_headers_on_a_later_row_type_words_words_for_difficulty():
    result = parse_fixture("xlsx_other_system_synonyms.xlsx")
    assert result.errors == []
    assert messages(result.notes) == [
        "工作表“试题导入”第 3 行：表头在这一行，前面的行（标题、说明）已忽略"
    ]
    got = [(q.type, q.answer, q.difficulty) for q in result.questions]
    assert got == [
        ("single", [0], 1),  # 简单
        ("multiple", [0, 1, 2], 3),  # 不定项选择, 中等
        ("judge", True, 1),  # 正确/错误 in the option columns, 容易
        ("blank", [["撤销党内职务"]], 3),  # 客观填空题, 一般
        ("essay", "个人服从组织，少数服从多数……", 5),  # 主观题, 困难
        ("essay", "错误。预备期为一年。", 4),  # 判断改错题 needs a written correction
        ("essay", "要点：违反廉洁纪律……", 2),  # 案例分析题, 基础
    ]
    first = result.questions[0]
    # option cells carried their own letters "A、…"
    assert first.options[0] == "党的全国代表大会和它所产生的中央委员会"
    assert first.options[1] == "中央政治局"
    assert result.questions[1].options == ["政治纪律", "组织纪律", "廉洁纪律", "交通纪律"]
    assert first.category == ["党章", "组织制度"] and first.explanation == "见党章第十条。"


def test_all_options_in_one_cell_split_on_lines_bars_and_semicolons():
    result = parse_fixture("xlsx_options_in_one_cell.xlsx")
    assert result.errors == []
    assert [q.options for q in result.questions] == [
        ["1", "2", "3", "4"],
        ["集体学习", "专题研讨", "个人自学"],
        ["党委书记", "组长", "秘书"],
    ]
    assert [q.category for q in result.questions] == [["第一章"], ["第一章"], ["第二章"]]


def test_one_row_per_option_is_read_as_one_question():
    result = parse_fixture("xlsx_one_row_per_option.xlsx")
    assert result.errors == []
    single, multiple = result.questions
    assert single.options == ["全体党员", "各级领导干部和公务员", "企业职工"]
    assert (single.type, single.answer, single.location) == ("single", [1], "工作表“题库”第 2 行")
    # the question written on its first row only, the rows below carrying options
    assert multiple.options == ["脱产培训", "网络培训", "出国旅游"]
    assert (multiple.type, multiple.answer) == ("multiple", [0, 1])


def test_difficulty_on_other_scales_is_mapped_to_one_to_five():
    result = parse_fixture("xlsx_difficulty_scales.xlsx")
    assert result.errors == []
    assert [q.difficulty for q in result.questions] == [1, 4, 5, 1, 3, 5, 2]
    assert messages(result.notes) == [
        "工作表“十分制”第 1 行：“难度”列最大为 10，按 1–10 分制换算为 1–5"
    ]


@pytest.mark.parametrize(
    ("raw", "top", "expected"),
    [
        ("简单", None, 1),
        ("较易", None, 2),
        ("中等", None, 3),
        ("较难", None, 4),
        ("困难", None, 5),
        ("3", None, 3),
        ("2", 3, 3),
        ("10", 10, 5),
        ("0.9", None, 1),
        ("0.2", None, 4),
    ],
)
def test_difficulty_words_and_scales(raw, top, expected):
    assert read_difficulty(raw, top)[:2] == (expected, None)


def test_unknown_option_headers_are_one_message_naming_found_and_expected():
    result = parse_fixture("xlsx_unknown_option_headers.xlsx")
    assert result.questions == []
    (message,) = messages(result.errors)
    assert "表头中没有识别出选项列，本表 240 道选择题都无法读取" in message
    assert "选项甲、选项乙、选项丙" in message and "选项1…选项8" in message


def test_no_recognised_header_names_the_columns_found_and_expected():
    with pytest.raises(ImportRejected) as caught:
        parse_fixture("xlsx_no_recognised_header.xlsx")
    assert "第 1 行的列是 编号、内容、备选项、标答" in caught.value.message
    assert "问题内容" in caught.value.message and "正确选项" in caught.value.message


@pytest.mark.parametrize(
    ("name", "kind", "encoding"),
    [("xlsx_really_tsv_utf8.xlsx", "制表符", "UTF-8"), ("xlsx_really_csv_gbk.xls", "逗号", "GBK")],
)
def test_text_named_xlsx_is_read_as_text_with_a_note(name, kind, encoding):
    result = parse_fixture(name)
    assert result.errors == [] and result.questions
    (note,) = messages(result.notes)
    assert kind in note and encoding in note
    # told it is Excel, the importer still reads it
    assert xlsx.parse(read(name), name).questions == result.questions


def test_one_row_per_option_with_unknown_option_header_is_explained():
    result = parse_fixture("xlsx_one_row_per_option_unnamed.xlsx")
    assert result.questions == []
    (message,) = messages(result.errors)
    assert "本表 3 道选择题都无法读取" in message and "答案项" in message
    assert "像是“一行一个选项”的排法" in message


def test_one_row_per_option_sheet_keeps_the_answer_of_questions_without_options():
    rows = [
        ["题型", "题干", "选项", "是否正确", "答案"],
        ["单选", "选择（ ）", "甲", "是", ""],
        ["单选", "选择（ ）", "乙", "否", ""],
        ["简答", "谈谈体会", None, None, "要点"],
        ["判断", "说法", "正确", "否", ""],
        ["判断", "说法", "错误", "是", ""],
    ]
    result = xlsx.parse(as_xlsx(rows), "a.xlsx")
    assert result.errors == []
    assert [(q.type, q.answer) for q in result.questions] == [
        ("single", [0]),
        ("essay", "要点"),
        ("judge", False),
    ]

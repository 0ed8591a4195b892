"""The Chinese text layout (.txt): every accepted spelling, every reported problem."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.quiz.bank.importers import chinese_text
from app.quiz.bank.importers.base import ImportRejected, ParseResult


def parse(text: str, encoding: str = "utf-8") -> ParseResult:
    return chinese_text.parse(text.encode(encoding), "题库.txt")


def only(text: str):
    result = parse(text)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def messages(result: ParseResult) -> list[str]:
    return [str(issue) for issue in result.errors]


SINGLE_BODY = "A. 根本性\nB. 基础性\nC. 长期性\nD. 全局性\n答案：A"


@pytest.mark.parametrize(
    "stem_line",
    [
        "1. 党的政治建设是党的（ ）建设。",
        "1、党的政治建设是党的（ ）建设。",
        "1．党的政治建设是党的（ ）建设。",
        "（1）党的政治建设是党的（ ）建设。",
        "(1) 党的政治建设是党的（ ）建设。",
        "1) 党的政治建设是党的（ ）建设。",
        "第1题 党的政治建设是党的（ ）建设。",
        "１．党的政治建设是党的（ ）建设。",
        "  12.  党的政治建设是党的（ ）建设。",
    ],
)
def test_stem_numbering_spellings(stem_line):
    question = only(f"一、单选题\n{stem_line}\n{SINGLE_BODY}")
    assert question.type == "single"
    assert question.stem == "党的政治建设是党的（ ）建设。"
    assert question.options == ["根本性", "基础性", "长期性", "全局性"]
    assert question.answer == [0]


@pytest.mark.parametrize("blank", ["（ ）", "（  ）", "(  )", "____", "（　）"])
def test_blank_spellings_stay_in_stem(blank):
    question = only(f"一、单选题\n1. 党的政治建设是党的{blank}建设。\n{SINGLE_BODY}")
    assert question.stem == f"党的政治建设是党的{blank}建设。".replace("\u3000", " ")


@pytest.mark.parametrize("marker", ["A.", "A、", "A．", "A)", "Ａ．", "(A)", "A：", "a."])
def test_option_marker_spellings_one_per_line(marker):
    letters = "ABCD" if marker[0] in "A(Ａ" else "abcd"
    if marker.startswith("Ａ"):
        letters = "ＡＢＣＤ"
    lines = []
    for letter, text in zip(letters, ["根本性", "基础性", "长期性", "全局性"], strict=True):
        spelled = marker.replace(marker.strip("()")[0], letter, 1)
        lines.append(f"{spelled}{text}")
    question = only(
        "一、单选题\n1. 党的政治建设是党的（ ）建设。\n" + "\n".join(lines) + "\n答案：A"
    )
    assert question.options == ["根本性", "基础性", "长期性", "全局性"]
    assert question.answer == [0]


@pytest.mark.parametrize(
    "line",
    [
        "A.根本性  B.基础性  C.长期性  D.全局性",
        "A．根本性　B．基础性　C．长期性　D．全局性",
        "A、根本性 B、基础性 C、长期性 D、全局性",
        "A.根本性\tB.基础性\tC.长期性\tD.全局性",
        "A.根本性B.基础性C.长期性D.全局性",
        "(A)根本性 (B)基础性 (C)长期性 (D)全局性",
    ],
)
def test_several_options_on_one_line(line):
    question = only(f"一、单选题\n1. 党的政治建设是党的（ ）建设。\n{line}\n答案：A")
    assert question.options == ["根本性", "基础性", "长期性", "全局性"]


def test_options_split_over_two_lines():
    question = only("一、单选题\n1. 题干（ ）\nA.甲  B.乙\nC.丙  D.丁\n答案：D")
    assert question.options == ["甲", "乙", "丙", "丁"]
    assert question.answer == [3]


def test_latin_letters_inside_an_option_do_not_split_it():
    question = only("一、单选题\n1. 指标（ ）\nA. GDP增速 B. CPI涨幅\n答案：B")
    assert question.options == ["GDP增速", "CPI涨幅"]


@pytest.mark.parametrize(
    "answer_line",
    [
        "答案：B",
        "答案:B",
        "答案: B",
        "【答案】B",
        "【答案】 B",
        "[答案]B",
        "正确答案：B",
        "参考答案：B",
        "标准答案：B",
        "答案：B。",
        "答案：Ｂ",
        "答案：b",
    ],
)
def test_answer_line_spellings(answer_line):
    question = only(f"一、单选题\n1. 题干（ ）\nA.甲\nB.乙\nC.丙\n{answer_line}")
    assert question.answer == [1]


@pytest.mark.parametrize("spelled", ["ABD", "A、B、D", "A,B,D", "A B D", "ＡＢＤ", "A，B，D"])
def test_multiple_answer_spellings(spelled):
    question = only(f"二、多选题\n1. 题干（ ）\nA.甲 B.乙 C.丙 D.丁\n答案：{spelled}")
    assert question.type == "multiple"
    assert question.answer == [0, 1, 3]


@pytest.mark.parametrize(
    "heading",
    [
        "二、多项选择题",
        "二、多选题（每题3分，共30分）",
        "（二）多选题",
        "第二部分 多选题",
        "多选题",
        "【多选题】",
        "二、不定项选择题",
    ],
)
def test_multiple_choice_headings(heading):
    question = only(f"{heading}\n1. 题干（ ）\nA.甲 B.乙 C.丙\n答案：AB")
    assert question.type == "multiple"


@pytest.mark.parametrize("heading", ["一、单选题", "（一）单选题", "一、单项选择题（每题2分）"])
def test_single_heading_sets_single(heading):
    question = only(f"{heading}\n1. 题干（ ）\nA.甲 B.乙 C.丙\n答案：C")
    assert question.type == "single"


@pytest.mark.parametrize(
    ("heading", "body", "type_", "answer"),
    [
        ("三、判断题", "1. 党的政治建设是党的根本性建设。\n答案：√", "judge", True),
        ("三、判断题", "1. 说法。\n答案：×", "judge", False),
        ("（三）判断正误题", "1. 说法。\n答案：对", "judge", True),
        ("三、是非题", "1. 说法。\n答案：错误", "judge", False),
        (
            "四、填空题",
            "1. 宗旨是____。\n答案：全心全意为人民服务",
            "blank",
            [["全心全意为人民服务"]],
        ),
        ("五、简答题", "1. 简述意义。\n答案：要点一", "essay", "要点一"),
        ("五、论述题", "1. 论述意义。\n答案：要点一", "essay", "要点一"),
        ("五、名词解释", "1. 四个意识\n答案：政治意识……", "essay", "政治意识……"),
    ],
)
def test_other_section_types(heading, body, type_, answer):
    question = only(f"{heading}\n{body}")
    assert question.type == type_
    assert question.answer == answer


@pytest.mark.parametrize(
    ("spelled", "expected"),
    [
        ("√", True),
        ("✓", True),
        ("对", True),
        ("正确", True),
        ("是", True),
        ("T", True),
        ("×", False),
        ("✗", False),
        ("错", False),
        ("错误", False),
        ("否", False),
        ("F", False),
        ("正确。", True),
    ],
)
def test_judge_answer_spellings(spelled, expected):
    assert only(f"判断题\n1. 说法。\n答案：{spelled}").answer is expected


def test_section_points_and_field_lines():
    question = only(
        "一、单项选择题（每小题 2 分，共 20 分）\n"
        "1. 党的政治建设是党的（ ）建设。\n"
        "A. 根本性  B. 基础性\n"
        "答案：A\n"
        "解析：党的政治建设是党的根本性建设，\n"
        "决定党的建设方向和效果。\n"
        "难度：2\n"
        "知识点：党的建设/政治建设\n"
        "出处：党的十九大报告\n"
        "标签：政治建设，领导班子\n"
    )
    assert question.points == Decimal("2")
    assert question.explanation == "党的政治建设是党的根本性建设，\n决定党的建设方向和效果。"
    assert question.difficulty == 2
    assert question.category == ["党的建设", "政治建设"]
    assert question.source == "党的十九大报告"
    assert question.tags == ["政治建设", "领导班子"]


def test_own_points_line_beats_section_points():
    question = only("一、单选题（每题2分）\n1. 题（ ）\nA.甲 B.乙\n答案：A\n分值：5")
    assert question.points == Decimal("5")


def test_points_note_line_after_heading():
    question = only(
        "一、单选题\n（本大题共 10 小题，每小题 1.5 分）\n1. 题（ ）\nA.甲 B.乙\n答案：A"
    )
    assert question.points == Decimal("1.5")


def test_bracketed_fields_inline():
    question = only("一、单选题\n1. 题干（ ）\nA.甲 B.乙\n【答案】B【解析】因为如此。")
    assert question.answer == [1]
    assert question.explanation == "因为如此。"


def test_inline_fields_after_spaces():
    question = only("一、单选题\n1. 题干（ ）\nA.甲 B.乙 C.丙    答案：C\n难度：4   知识点：党史")
    assert question.options == ["甲", "乙", "丙"]
    assert question.answer == [2]
    assert question.difficulty == 4
    assert question.category == ["党史"]


def test_answer_in_stem_brackets_without_answer_line():
    question = only("一、单选题\n1. 党的政治建设是党的（ A ）建设。\nA.根本性 B.基础性")
    assert question.answer == [0]
    assert question.stem == "党的政治建设是党的（ ）建设。"


def test_answer_in_stem_brackets_multiple():
    question = only("二、多选题\n1. “四个意识”包括（ABD）\nA.甲 B.乙 C.丙 D.丁")
    assert question.answer == [0, 1, 3]
    assert question.stem == "“四个意识”包括（ ）"


def test_answer_in_stem_agreeing_with_answer_line_is_blanked():
    question = only("一、单选题\n1. 题干（B）。\nA.甲 B.乙\n答案：B")
    assert question.stem == "题干（ ）。"


def test_bracket_that_disagrees_with_answer_line_is_left_alone():
    question = only("一、单选题\n1. 关于图（A）的说法（ ）\nA.甲 B.乙\n答案：B")
    assert question.stem == "关于图（A）的说法（ ）"
    assert question.answer == [1]


def test_judge_answer_in_stem_brackets():
    result = parse("三、判断题\n1. 党的政治建设是党的根本性建设。（√）\n2. 可以不学。（ × ）")
    assert result.errors == []
    assert [q.answer for q in result.questions] == [True, False]
    assert result.questions[0].stem == "党的政治建设是党的根本性建设。（ ）"


@pytest.mark.parametrize(
    ("stem", "answer_line", "expected"),
    [
        ("____和____是指导思想。", "马克思主义|毛泽东思想", [["马克思主义"], ["毛泽东思想"]]),
        ("____和____是指导思想。", "马克思主义；毛泽东思想", [["马克思主义"], ["毛泽东思想"]]),
        ("____和____是指导思想。", "马克思主义 毛泽东思想", [["马克思主义"], ["毛泽东思想"]]),
        ("（ ）和（ ）是指导思想。", "马克思主义、毛泽东思想", [["马克思主义"], ["毛泽东思想"]]),
        ("____是根本性建设。", "党的政治建设/政治建设", [["党的政治建设", "政治建设"]]),
        ("坚持____。", "党的领导、人民当家作主、依法治国", [["党的领导、人民当家作主、依法治国"]]),
        ("____、____、____", "甲、乙、丙", [["甲"], ["乙"], ["丙"]]),
    ],
)
def test_blank_answer_conventions(stem, answer_line, expected):
    question = only(f"四、填空题\n1. {stem}\n答案：{answer_line}")
    assert question.answer == expected


def test_blank_answers_written_in_brackets():
    question = only("四、填空题\n1. 中国共产党的根本宗旨是（全心全意为人民服务）。")
    assert question.answer == [["全心全意为人民服务"]]
    assert question.stem == "中国共产党的根本宗旨是（ ）。"


def test_blank_count_mismatch_is_reported():
    result = parse("四、填空题\n1. ____和____是指导思想。\n答案：马克思主义")
    assert messages(result) == [
        "第 3 行，答案：题干有 2 处空，答案有 1 个（多个空的答案用“|”或“；”分隔）"
    ]


def test_essay_answer_spans_lines_with_its_own_numbering():
    result = parse(
        "五、简答题\n"
        "1. 简述加强领导班子政治建设的意义。\n"
        "答案：\n"
        "1. 有利于坚定理想信念；\n"
        "2. 有利于严肃党内政治生活。\n"
        "解析：略\n"
        "2. 简述中心组学习的形式。\n"
        "参考答案：集体学习研讨为主。\n"
    )
    assert result.errors == []
    first, second = result.questions
    assert first.answer == "1. 有利于坚定理想信念；\n2. 有利于严肃党内政治生活。"
    assert first.explanation == "略"
    assert second.stem == "简述中心组学习的形式。"


def test_question_after_answer_list_reaching_its_number_is_split_off():
    result = parse(
        "五、简答题\n"
        "1. 简述意义。\n答案：\n1. 第一点\n"
        "2. 简述举措。\n答案：\n1. 甲\n2. 乙\n"
        "3. 谈谈体会。\n续一行\n答案：略\n"
    )
    assert result.errors == []
    assert [q.stem for q in result.questions] == ["简述意义。", "简述举措。", "谈谈体会。\n续一行"]
    assert [q.answer for q in result.questions] == ["1. 第一点", "1. 甲\n2. 乙", "略"]


def test_answer_list_reaching_next_number_stays_when_no_second_answer_follows():
    result = parse("五、简答题\n1. 题一。\n答案：\n1. 甲\n2. 乙\n解析：略\n2. 题二。\n答案：丙")
    assert result.errors == []
    assert [q.answer for q in result.questions] == ["1. 甲\n2. 乙", "丙"]


def test_explanation_numbered_in_other_style_stays_in_explanation():
    result = parse(
        "一、单选题\n1. 题（ ）\nA.甲 B.乙\n答案：A\n解析：\n（1）第一点\n（2）第二点\n"
        "2. 下一题（ ）\nA.甲 B.乙\n答案：B"
    )
    assert result.errors == []
    assert result.questions[0].explanation == "（1）第一点\n（2）第二点"
    assert len(result.questions) == 2


def test_multi_line_stem():
    question = only("五、简答题\n1. 阅读材料：\n某单位中心组……\n请谈谈你的看法。\n答案：略")
    assert question.stem == "阅读材料：\n某单位中心组……\n请谈谈你的看法。"


def test_generic_choice_heading_decides_by_answer():
    result = parse("一、选择题\n1. 甲（ ）\nA.a B.b\n答案：A\n2. 乙（ ）\nA.a B.b C.c\n答案：AC")
    assert [q.type for q in result.questions] == ["single", "multiple"]


def test_question_type_tag_overrides_section():
    question = only("一、单选题\n1.【多选题】题干（ ）\nA.甲 B.乙 C.丙\n答案：AB")
    assert question.type == "multiple"
    assert question.stem == "题干（ ）"


def test_type_field_line():
    question = only("1. 题干（ ）\n题型：多选\nA.甲 B.乙\n答案：AB")
    assert question.type == "multiple"


def test_type_inferred_without_headings():
    result = parse(
        "1. 单选（ ）\nA.甲 B.乙\n答案：A\n"
        "2. 判断。\n答案：对\n"
        "3. 填____空。\n答案：好\n"
        "4. 简答。\n答案：略\n"
    )
    assert result.errors == []
    assert [q.type for q in result.questions] == ["single", "judge", "blank", "essay"]


def test_judge_with_options_written_out():
    question = only("三、判断题\n1. 说法。\nA.正确 B.错误\n答案：B")
    assert question.answer is False
    assert question.options == []


def test_title_and_notes_before_first_question_are_ignored():
    result = parse(
        "2024 年度理论学习测试题库\n（内部资料）\n\n一、单选题\n说明：每题只有一个正确答案\n"
        "1. 题（ ）\nA.甲 B.乙\n答案：A"
    )
    assert result.errors == []
    assert len(result.questions) == 1


def test_encodings():
    text = "一、单选题\n1. 党的政治建设是党的（ ）建设。\nA.根本性 B.基础性\n答案：A\n"
    for data in (
        text.encode("gbk"),
        text.encode("gb18030"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("utf-16"),
        text.replace("\n", "\r\n").encode("utf-8"),
    ):
        result = chinese_text.parse(data, "a.txt")
        assert result.errors == []
        assert result.questions[0].stem == "党的政治建设是党的（ ）建设。"


# ---------------------------------------------------------------- problems


def test_empty_stem():
    result = parse("一、单选题\n1.\nA.甲 B.乙\n答案：A")
    assert messages(result) == ["第 2 行，题干：题干为空"]


def test_answer_not_among_options_points_at_answer_line():
    result = parse("一、单选题\n1. 题（ ）\nA.甲\nB.乙\nC.丙\nD.丁\n答案：E")
    assert messages(result) == ["第 7 行，答案：答案“E”不在选项中"]


def test_multiple_needs_two_answers():
    result = parse("二、多选题\n1. 题（ ）\nA.甲 B.乙 C.丙\n答案：B")
    assert messages(result) == ["第 4 行，答案：多选题至少两个正确答案"]


def test_unknown_type_line():
    result = parse("1. 题（ ）\n题型：选择\nA.甲 B.乙\n答案：A")
    assert "第 2 行，题型：未知题型“选择”" in messages(result)
    assert result.questions == []


def test_missing_answer():
    result = parse("一、单选题\n1. 题（ ）\nA.甲 B.乙\n2. 题二（ ）\nA.甲 B.乙\n答案：A")
    assert messages(result) == ["第 2 行，答案：答案为空"]
    assert len(result.questions) == 1


def test_bad_judge_answer():
    result = parse("三、判断题\n1. 说法。\n答案：也许")
    assert messages(result) == ["第 3 行，答案：判断题答案“也许”无法识别，请填写“正确”或“错误”"]


def test_unrecognised_line_between_questions():
    result = parse("一、单选题\n1. 题（ ）\nA.甲 B.乙\n答案：A\n本题考查政治建设。\n")
    assert messages(result) == [
        "第 5 行：无法识别的内容“本题考查政治建设。”：题目应以题号开头，"
        "答案、解析等应以“答案：”“解析：”开头"
    ]
    assert len(result.questions) == 1


def test_options_before_any_stem():
    result = parse("一、单选题\nA.甲 B.乙\n答案：A")
    assert messages(result)[0] == "第 2 行，选项：选项前面没有题干（题干应以题号开头，如“1.”）"


def test_missing_number_shows_as_second_answer():
    result = parse(
        "一、单选题\n1. 题一（ ）\nA.甲 B.乙\n答案：A\n解析：略\n题二（ ）\nA.甲 B.乙\n答案：B"
    )
    assert "第 8 行，答案：本题在第 4 行已有“答案”，请检查是否缺少题号" in messages(result)
    assert result.questions == []


def test_option_letters_out_of_order():
    result = parse("一、单选题\n1. 题（ ）\nA.甲\nC.丙\n答案：A")
    assert messages(result) == ["第 4 行，选项：选项“C”的位置应为“B”"]


def test_type_cannot_be_inferred():
    result = parse("1. 没有题型也没有答案的题")
    assert messages(result) == [
        "第 1 行，题型：无法判断题型：请在题目前加上“一、单选题”这样的题型标题"
    ]


def test_bad_difficulty_and_points():
    result = parse("一、单选题\n1. 题（ ）\nA.甲 B.乙\n答案：A\n难度：19\n分值：-1")
    assert messages(result) == [
        "第 5 行，难度：难度“19”超出范围：请填写 1–5（或在表头注明 1–10 等）",
        "第 6 行，分值：分值“-1”应大于 0 且不超过 1000",
    ]


def test_nothing_recognised_is_rejected():
    with pytest.raises(ImportRejected, match="没有识别到任何题目"):
        parse("这只是一段普通的文字。\n没有题目。")


def test_undecodable_bytes_are_rejected():
    with pytest.raises(ImportRejected, match="编码"):
        chinese_text.parse(b"1. \xff\xfe\xfa\x80 bad", "a.txt")

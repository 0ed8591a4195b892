"""Long Chinese text and Word banks (issue 11 §3), one fixture per pattern in ``fixtures/``."""

from __future__ import annotations

from app.quiz.bank.importers import chinese_text
from tests.quiz.bank.importers.corpus import messages, parse_fixture


def parse(text: str):
    return chinese_text.parse(text.encode(), "a.txt")


def test_a_wrapped_type_word_does_not_switch_the_section():
    result = parse_fixture("txt_wrapped_type_word.txt")
    assert result.errors == []
    assert [q.type for q in result.questions] == ["single", "single", "single", "judge"]
    assert result.questions[0].options[2] == "学习成效既看客观指标，也看述学评议等主观判断"


def test_a_bare_type_word_after_a_blank_line_or_an_answer_is_still_a_heading():
    after_blank = parse("1. 题（ ）\nA.甲 B.乙\n答案：A\n\n判断题\n2. 说法\n答案：对")
    after_answer = parse("1. 题（ ）\nA.甲 B.乙\n答案：A\n判断\n2. 说法\n答案：A")
    assert [q.type for q in after_blank.questions] == ["single", "judge"]
    assert after_answer.errors and "判断题答案" in str(after_answer.errors[0])


def test_repeated_page_headers_and_footers_are_dropped_with_a_note():
    result = parse_fixture("txt_pdf_headers_footers.txt")
    assert result.errors == [] and len(result.questions) == 12
    assert all("党校" not in q.stem and "页" not in q.stem for q in result.questions)
    assert all(q.options[-1] == "不作记录" for q in result.questions)
    assert messages(result.notes) == [
        "全文：“××市委党校 领导干部理论学习题库（内部资料）”在文件中重复出现 4 次（页眉或页脚），"
        "已忽略",
        "全文：页码行（共 4 行）已忽略",
    ]


def test_repeated_page_headers_in_word():
    result = parse_fixture("docx_pdf_headers.docx")
    assert result.errors == [] and len(result.questions) == 8
    assert all("学院" not in q.stem for q in result.questions)
    assert len(result.notes) == 1 and "重复出现 4 次" in str(result.notes[0])


def test_a_line_repeated_but_part_of_the_layout_is_kept():
    text = "\n".join(f"{n}. 说法{n}\n答案：正确\n解析：见教材" for n in range(1, 8))
    result = parse("一、判断题\n" + text)
    assert len(result.questions) == 7 and result.notes == []
    assert all(q.explanation == "见教材" for q in result.questions)


def test_a_stem_starting_with_a_year_keeps_its_number():
    result = parse_fixture("txt_year_stems.txt")
    assert result.errors == []
    stems = [q.stem for q in result.questions]
    assert stems[1] == "2025年召开的某次全会强调，要把学习成效转化为（ ）。"
    assert stems[2] == "2024年度学习计划应当在（ ）报备。"
    assert [q.location for q in result.questions] == ["第 2 行", "第 5 行", "第 8 行", "第 11 行"]


def test_type_lines_belong_to_their_own_question_and_unknown_labels_are_reported():
    result = parse_fixture("txt_type_lines_and_labels.txt")
    assert result.errors == []
    assert [(q.type, q.answer) for q in result.questions] == [
        ("single", [0]),
        ("multiple", [0, 1]),
        ("judge", True),
    ]
    assert result.questions[0].difficulty == 4  # 难度系数：4
    assert result.questions[1].options == ["集体学习", "专题研讨", "个人旅行"]
    assert [n.location for n in result.notes] == ["第 6 行", "第 13 行"]
    assert "无法识别的标签“出题人”" in str(result.notes[0])


def test_a_type_line_after_the_last_answer_is_its_own():
    result = parse("1. 题（ ）\nA.甲 B.乙 C.丙\n答案：AB\n题型：多选题")
    assert [(q.type, q.answer) for q in result.questions] == [("multiple", [0, 1])]


def test_check_marks_letters_and_true_false_option_lines_make_judge_questions():
    result = parse_fixture("txt_judge_marks.txt")
    assert result.errors == []
    assert [q.type for q in result.questions] == ["judge"] * 12
    assert [q.answer for q in result.questions] == [True, False] * 6
    assert result.questions[10].stem == "读书班是中心组学习的一种形式。"


def test_numbering_restarting_after_a_chapter_heading_is_a_new_chapter():
    result = parse_fixture("txt_chapters_restart.txt")
    assert result.errors == []
    assert [q.stem[:6] for q in result.questions] == [
        "简述理论学习",
        "简述中心组秘",
        "简述集体学习",
        "简述述学评议",
    ]
    # the explanations' own lists stayed in them
    assert result.questions[0].explanation == "要点如下\n1. 学习理论\n2. 研究问题"
    assert result.questions[2].explanation == "程序要完整\n1. 确定专题\n2. 研讨交流"


def test_separator_lines_are_ignored():
    result = parse_fixture("txt_separators.txt")
    assert result.errors == [] and result.notes == []
    assert [(q.type, q.options) for q in result.questions] == [
        ("single", ["按规定", "随意"]),
        ("single", ["组长", "任意成员"]),
        ("judge", []),
    ]


def test_word_essays_numbered_1_then_2_in_brackets_after_reference_answers():
    result = parse_fixture("docx_essay_numbering.docx")
    assert result.errors == []
    assert [(q.location, q.stem, q.answer) for q in result.questions] == [
        ("第 2 段", "简述理论学习中心组集体学习的主要环节。", "确定专题、领学、研讨交流、总结。"),
        ("第 5 段", "简述学习档案应当记载的内容。", "学习时间、内容、出勤和成果。"),
        ("第 8 段", "简述述学评议的作用。", "督促成员学习，检验学习成效。"),
    ]


def test_truly_ambiguous_numbering_is_refused_naming_both_readings():
    result = parse_fixture("docx_essay_numbering_ambiguous.docx")
    assert result.questions == []
    first = str(result.errors[0])
    assert first.startswith(
        "第 6 段，答案：无法确定第 5 段的编号“2”是上一题答案中的第 2 点，还是新的一题"
    )


def test_a_chapter_like_line_inside_an_answer_stays_there_unless_numbering_restarts():
    text = "四、简答题\n1. 简述条例的结构。\n答案：分为\n第一章 总则\n第二章 学习内容\n2. 简述学习要求。\n答案：认真"
    result = parse(text)
    assert result.errors == []
    assert result.questions[0].answer == "分为\n第一章 总则\n第二章 学习内容"
    assert [q.stem for q in result.questions] == ["简述条例的结构。", "简述学习要求。"]


def test_a_stem_line_repeated_in_many_questions_is_not_taken_for_a_page_header():
    block = "{n}. 阅读材料后作答。\n下列说法正确的是：\nA. 甲{n}  B. 乙\n答案：A\n"
    result = parse("一、单选题\n" + "".join(block.format(n=n) for n in range(1, 7)))
    assert result.notes == [] and len(result.questions) == 6
    assert result.questions[0].stem == "阅读材料后作答。\n下列说法正确的是："

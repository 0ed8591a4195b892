"""Moodle's Aiken format."""

from __future__ import annotations

import pytest

from app.quiz.bank.importers.aiken import parse


def read(text: str, encoding: str = "utf-8"):
    return parse(text.encode(encoding), "questions.txt")


def messages(result) -> list[str]:
    return [str(e) for e in result.errors]


def test_moodle_example_and_chinese_variants() -> None:
    result = read(
        "党的政治建设是党的（ ）建设。\n"
        "A. 根本性\nB) 基础性\nＣ．保障性\nD、先导性\n"
        "ANSWER: A\n"
        "\n"
        "What is the correct answer to this question?\n"
        "A. Is it this one?\nB. Maybe this answer?\n"
        "ANSWER: B\n"
    )
    assert result.errors == []
    first, second = result.questions
    assert first.type == "single"
    assert first.stem == "党的政治建设是党的（ ）建设。"
    assert first.options == ["根本性", "基础性", "保障性", "先导性"]
    assert first.answer == [0]
    assert first.location == "第 1 行"
    assert (second.answer, second.location) == ([1], "第 8 行")


def test_stem_over_several_lines_keeps_its_paragraphs() -> None:
    result = read("第一段。\n第二行。\n\n第二段：\nA. 甲\nB. 乙\nANSWER: B\n")
    assert result.questions[0].stem == "第一段。\n第二行。\n\n第二段："


@pytest.mark.parametrize("line", ["ANSWER: A, C", "ANSWER:AC", "答案：AC", "ANSWER：ＡＣ"])
def test_several_letters_make_a_multiple_choice_question(line: str) -> None:
    result = read(f"下列正确的有（ ）。\nA. 甲\nB. 乙\nC. 丙\n{line}\n")
    assert result.errors == []
    assert (result.questions[0].type, result.questions[0].answer) == ("multiple", [0, 2])


def test_crlf_bom_and_gb18030() -> None:
    text = "中心组学习要（ ）。\r\nA. 计划备案\r\nB. 随意安排\r\nANSWER: A\r\n"
    assert read(text, "gb18030").questions[0].options == ["计划备案", "随意安排"]
    assert (
        parse(b"\xef\xbb\xbf" + text.encode(), "a.txt").questions[0].stem == "中心组学习要（ ）。"
    )


def test_questions_need_not_be_separated_by_blank_lines() -> None:
    result = read("题一\nA. 甲\nB. 乙\nANSWER: A\n题二\nA. 甲\nB. 乙\nANSWER: B\n")
    assert [q.stem for q in result.questions] == ["题一", "题二"]


def test_errors_name_lines_and_parsing_goes_on() -> None:
    result = read(
        "缺答案的题\nA. 甲\nB. 乙\n"
        "\n"
        "答案越界\nA. 甲\nB. 乙\nANSWER: E\n"
        "\n"
        "跳号\nA. 甲\nC. 丙\nANSWER: A\n"
        "\n"
        "没有选项\nANSWER: A\n"
        "\n"
        "ANSWER: B\n"
        "\n"
        "好题\nA. 甲\nB. 乙\nANSWER: A\n"
    )
    assert messages(result) == [
        "第 1 行，答案：题目缺少“ANSWER: X”答案行",
        "第 8 行，答案：答案“E”不在选项中",
        "第 12 行：无法识别“C. 丙”：下一个选项应以“B.”开头，选项之后应是“ANSWER: X”答案行",
        "第 15 行，选项：题目没有选项（应为“A. …”“B. …”各占一行）",
        "第 18 行：“ANSWER:”行前面没有题目",
    ]
    assert [q.stem for q in result.questions] == ["好题"]


def test_missing_answer_at_end_of_file_and_too_many_options() -> None:
    assert messages(read("题\nA. 甲\nB. 乙\n")) == ["第 1 行，答案：题目缺少“ANSWER: X”答案行"]
    options = "".join(f"{letter}. {letter}\n" for letter in "ABCDEFGH")
    result = read(f"题\n{options}I. 九\nANSWER: A\n")
    assert "第 10 行：选择题最多 8 个选项" in messages(result)[0]


def test_a_file_without_questions_says_so() -> None:
    assert messages(read("\n\n  \n")) == ["文件：没有找到任何 Aiken 题目"]

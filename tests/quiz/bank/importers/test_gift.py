"""Moodle's GIFT format, import and export."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.quiz.bank.exporters.gift import export_gift
from app.quiz.bank.importers.base import ParsedQuestion
from app.quiz.bank.importers.gift import parse


def read(text: str, encoding: str = "utf-8"):
    return parse(text.encode(encoding), "questions.gift.txt")


def one(text: str) -> ParsedQuestion:
    result = read(text)
    assert result.errors == []
    (question,) = result.questions
    return question


def messages(result) -> list[str]:
    return [str(e) for e in result.errors]


def test_moodle_examples() -> None:
    result = read(
        "// question: 1\n"
        "::Q1:: Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}\n"
        "\n"
        "Grant is {~buried =entombed ~living} in Grant's tomb.\n"
        "\n"
        "Grant was buried in a tomb in New York City.{T}\n"
        "\n"
        "Who's buried in Grant's tomb?{=no one =nobody}\n"
        "\n"
        "Two plus {=two =2} equals four.\n"
        "\n"
        "Write a short biography of Dag Hammarskjöld. {}\n"
    )
    assert result.errors == []
    choice, missing_word, judge, short, missing_blank, essay = result.questions
    assert (choice.title, choice.stem) == ("Q1", "Who's buried in Grant's tomb?")
    assert (choice.type, choice.options, choice.answer) == (
        "single",
        ["Grant", "Jefferson", "no one"],
        [2],
    )
    assert missing_word.stem == "Grant is ____ in Grant's tomb."
    assert missing_word.answer == [1]
    assert (judge.type, judge.answer) == ("judge", True)
    assert (short.type, short.stem, short.answer) == (
        "blank",
        "Who's buried in Grant's tomb?",
        [["no one", "nobody"]],
    )
    assert (missing_blank.stem, missing_blank.answer) == (
        "Two plus ____ equals four.",
        [["two", "2"]],
    )
    assert (essay.type, essay.answer) == ("essay", "")
    assert choice.location == "第 2 行" and essay.location == "第 12 行"


def test_chinese_question_with_weights_feedback_and_category() -> None:
    result = read(
        "// 题库：领导班子政治建设题库\n"
        "$CATEGORY: $course$/top/理论学习/中心组学习\n"
        "\n"
        "// [tag:中心组] [tag:难度:2] [tag:出处:第一部分] [tag:课时:political-building/theory-study]\n"
        "::中心组::[markdown]理论学习中心组学习制度包括（ ）。{\n"
        "  ~%50%计划备案 #对，要备案。\n"
        "  ~%50%结果通报\n"
        "  ~%-100%自由安排 #错。\n"
        "  ####中心组学习要**计划备案、结果通报**。\n"
        "}\n"
    )
    assert result.errors == []
    assert result.bank_name == "领导班子政治建设题库"
    (question,) = result.questions
    assert question.type == "multiple"
    assert question.options == ["计划备案", "结果通报", "自由安排"]
    assert question.answer == [0, 1]
    assert question.explanation == (
        "中心组学习要**计划备案、结果通报**。\n\n- A：对，要备案。\n- C：错。"
    )
    assert question.category == ["理论学习", "中心组学习"]
    assert question.tags == ["中心组"]
    assert (question.difficulty, question.source) == (2, "第一部分")
    assert question.source_lesson == "political-building/theory-study"


@pytest.mark.parametrize(
    ("block", "kind", "answer"),
    [
        ("{~%100%甲 ~乙 ~丙}", "single", [0]),
        ("{=甲 =乙 ~丙}", "multiple", [0, 1]),
        ("{~%33.33333%甲 ~%33.33333%乙 ~%33.33333%丙 ~%-100%丁}", "multiple", [0, 1, 2]),
    ],
)
def test_choice_correctness(block: str, kind: str, answer: list[int]) -> None:
    question = one(f"下列说法正确的是（ ）。{block}")
    assert (question.type, question.answer) == (kind, answer)


@pytest.mark.parametrize(
    ("block", "answer"), [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{false}", False)]
)
def test_true_false(block: str, answer: bool) -> None:
    assert one(f"中心组学习计划需要备案。{block}").answer is answer


def test_true_false_feedback_goes_to_the_explanation() -> None:
    question = one("计划需要备案。{TRUE#想一想备案制度。#对。####备案是制度要求。}")
    assert question.explanation == "备案是制度要求。\n\n- 答错时：想一想备案制度。\n- 答对时：对。"


def test_escapes_full_width_and_line_breaks() -> None:
    question = one(
        "::标题\\:一::公式 1 \\+ 1 \\= 2，集合 \\{a\\} 与 \\~b\\#c\\\\d：全角＝～｛｝。\\n第二行{\n"
        "=对\\=的 #反馈\n"
        "~错\\~的\n"
        "}\n"
    )
    assert question.title == "标题:一"
    assert question.stem == "公式 1 \\+ 1 = 2，集合 {a} 与 ~b#c\\d：全角＝～｛｝。\n第二行"
    assert question.options == ["对=的", "错~的"]


def test_html_format_is_converted_and_other_formats_kept() -> None:
    html = one("[html]<p>党的<strong>政治建设</strong>是</p><p>第二段&nbsp;</p>{T}")
    assert html.stem == "党的**政治建设**是\n\n第二段"
    markdown = one("[markdown]**保持** <b>原样</b>{F}")
    assert markdown.stem == "**保持** <b>原样</b>"


def test_essay_reference_answer_convention() -> None:
    question = one("谈谈体会。{####【参考答案】\\n要点一\\n\\n【解析】\\n言之有理即可}")
    assert (question.answer, question.explanation) == ("要点一", "言之有理即可")
    plain = one("谈谈体会。{\n####言之有理即可\n}")
    assert (plain.answer, plain.explanation) == ("", "言之有理即可")


def test_gb18030_file() -> None:
    result = read("中心组学习计划需要备案。{T}\n", "gb18030")
    assert result.questions[0].stem == "中心组学习计划需要备案。"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("When was Grant born?{#1822:5}", "第 3 行，题型：GIFT 数值题不受支持"),
        ("Match.{=Canada -> Ottawa =Italy -> Rome}", "第 3 行，题型：GIFT 匹配题不受支持"),
        ("参加{=脱产轮训}和{=点名调训}。", "第 3 行：GIFT 一题只能有一个答案块"),
        ("这只是一段说明文字。", "第 3 行：没有答案块 {…}：GIFT 描述性文字不是题目，不受支持"),
        ("全角括号｛=答案｝", "答案块要用半角大括号"),
        ("缺少结尾{=答案", "第 3 行：答案块缺少结尾的“}”"),
        ("多了}结尾", "大括号不配对"),
        ("::没有结尾的标题 题目{T}", "题目名称缺少结尾的“::”"),
        ("没有正确答案{~甲 ~乙}", "没有正确选项"),
        ("只有一个选项{=甲}", ""),
        ("选项太多{=1 ~2 ~3 ~4 ~5 ~6 ~7 ~8 ~9}", "选择题最多 8 个选项"),
        ("// [tag:难度:9]\n难度不对{T}", "第 4 行，标签：标签“难度:9”"),
    ],
)
def test_what_the_model_cannot_hold_is_an_error_on_its_line(text: str, message: str) -> None:
    result = read("// 第一题前的注释\n\n" + text)
    if not message:  # "{=甲}" is a one-blank question, not an error
        assert result.errors == [] and result.questions[0].type == "blank"
        return
    assert result.questions == []
    assert any(message in m for m in messages(result)), messages(result)
    assert len({e.location for e in result.errors}) == 1


def test_errors_do_not_stop_the_rest() -> None:
    result = read("坏题{#1}\n\n好题{T}\n\n又一道坏题{=a->b}\n")
    assert [q.stem for q in result.questions] == ["好题"]
    assert [e.location for e in result.errors] == ["第 1 行", "第 5 行"]


def test_category_context_and_top_are_stripped() -> None:
    result = read(
        "$CATEGORY: $course$/top/学习/中心组\n\n题一{T}\n\n"
        "$CATEGORY: top/一级//甲\n\n题二{T}\n\n"
        "$CATEGORY: 直接写/二级\n题三{T}\n"
    )
    assert [q.category for q in result.questions] == [
        ["学习", "中心组"],
        ["一级/甲"],
        ["直接写", "二级"],
    ]


def test_comment_tags_belong_to_the_question_they_stand_in() -> None:
    result = read("// [tag:甲]\n\n题一{T}\n\n// [tag:乙] [tag:含\\]括号]\n题二{T}\n")
    assert [q.tags for q in result.questions] == [[], ["乙", "含]括号"]]


def test_empty_file_says_so() -> None:
    assert messages(read("// 只有注释\n")) == ["文件：没有找到任何 GIFT 题目"]


# ---------------------------------------------------------------------- export


def test_export_writes_what_moodle_reads() -> None:
    questions = [
        ParsedQuestion(
            "single",
            "党的政治建设是党的（ ）建设。",
            ["根本性", "基础性"],
            [0],
            explanation="见第一部分。",
            difficulty=2,
            category=["理论学习"],
            points=Decimal(2),
            tags=["中心组"],
            title="政治建设",
        ),
        ParsedQuestion("multiple", "包括：", ["甲", "乙", "丙"], [0, 2]),
        ParsedQuestion("judge", "1 + 1 = 2", answer=False),
        ParsedQuestion("blank", "通过____培训", answer=[["脱产轮训", "轮训"]]),
        ParsedQuestion("essay", "谈谈体会", answer="要点"),
    ]
    text = export_gift(questions, bank_name="题库").decode()
    assert "// 题库：题库\n" in text
    assert "$CATEGORY: $course$/top/理论学习\n" in text
    assert "// [tag:中心组] [tag:难度:2] [tag:分值:2]\n" in text
    assert "::政治建设::[markdown]党的政治建设是党的（ ）建设。{\n\t=根本性\n\t~基础性\n" in text
    assert "\t~%50%甲\n\t~%-100%乙\n\t~%50%丙\n" in text
    assert "[markdown]1 + 1 \\= 2{\n\tFALSE\n}" in text
    assert "\t=脱产轮训\n\t=轮训\n" in text
    assert "\t####【参考答案】\\n要点\n" in text
    assert "$CATEGORY: $course$/top\n" in text
    result = parse(text.encode(), "x.txt")
    assert result.errors == []
    assert [q.answer for q in result.questions] == [q.answer for q in questions]

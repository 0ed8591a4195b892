"""The native YAML bank format (question_bank/*.yaml)."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from app.quiz.bank.importers.base import ImportRejected
from app.quiz.bank.importers.native import parse

BANK_DIR = Path(__file__).resolve().parents[4] / "question_bank"


def read(text: str, encoding: str = "utf-8"):
    return parse(textwrap.dedent(text).encode(encoding), "bank.yaml")


def messages(result) -> list[str]:
    return [str(e) for e in result.errors]


SPEC_EXAMPLE = """\
bank: 领导班子政治建设题库          # optional: bank name
category: 理论学习                  # optional: default category path for this file
questions:
  - type: single
    stem: |
      党的政治建设是党的（ ）建设。
    options:
      - 根本性
      - 基础性
    answer: A
    explanation: 政治建设是根本性建设。
    difficulty: 2
    points: 2
    category: 理论学习/中心组学习
    source: 第一部分“抓实理论中心组学习制度”
    lesson: political-building/theory-study#centre-group
    tags: [中心组, 计划备案]
  - type: 多选
    stem: 下列属于中心组学习制度的有（ ）。
    options: [计划备案, 结果通报, 自由散漫]
    answer: [A, B]
  - type: judge
    stem: 中心组学习计划需要备案。
    answer: 正确
  - type: blank
    stem: 县以上领导班子成员要通过____和____接受系统培训。
    answer: [["脱产轮训", "轮训"], ["点名调训"]]
  - type: blank
    stem: 通过____和____。
    answer: 脱产轮训/轮训|点名调训
  - type: essay
    stem: 谈谈你对政治建设的理解。
    answer: |
      政治建设是根本性建设……
"""


def test_the_documented_example_reads_every_field() -> None:
    result = read(SPEC_EXAMPLE)
    assert result.errors == []
    assert result.bank_name == "领导班子政治建设题库"
    first, multiple, judge, blank, blank_string, essay = result.questions
    assert first.type == "single"
    assert first.stem == "党的政治建设是党的（ ）建设。"
    assert first.options == ["根本性", "基础性"]
    assert first.answer == [0]
    assert first.explanation == "政治建设是根本性建设。"
    assert (first.difficulty, first.points) == (2, Decimal(2))
    assert first.category == ["理论学习", "中心组学习"]
    assert first.source == "第一部分“抓实理论中心组学习制度”"
    assert first.source_lesson == "political-building/theory-study#centre-group"
    assert first.tags == ["中心组", "计划备案"]
    assert first.location == "第 4 行"
    assert (multiple.type, multiple.answer, multiple.category) == ("multiple", [0, 1], ["理论学习"])
    assert multiple.difficulty == 3 and multiple.points is None
    assert (judge.type, judge.answer) == ("judge", True)
    assert blank.answer == [["脱产轮训", "轮训"], ["点名调训"]]
    assert blank_string.answer == blank.answer
    assert (essay.type, essay.answer) == ("essay", "政治建设是根本性建设……")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("true", True),
        ("false", False),
        ("yes", True),
        ("正确", True),
        ("错误", False),
        ("对", True),
        ("×", False),
        ('"true"', True),
    ],
)
def test_judge_answers(written: str, expected: bool) -> None:
    result = read(f"questions:\n  - type: 判断\n    stem: 题\n    answer: {written}\n")
    assert result.errors == []
    assert result.questions[0].answer is expected


def test_yaml_11_booleans_and_numbers_stay_the_text_written() -> None:
    result = read("""\
        questions:
          - type: single
            stem: 1.10
            options: [yes, no, on, off, 0x10, 2024-01-01]
            answer: B
    """)
    assert result.errors == []
    question = result.questions[0]
    assert question.stem == "1.10"
    assert question.options == ["yes", "no", "on", "off", "0x10", "2024-01-01"]


def test_blank_answers_as_a_list_of_strings_split_alternatives() -> None:
    result = read("""\
        questions:
          - type: blank
            stem: ____和____
            answer: ["脱产轮训/轮训", 点名调训]
    """)
    assert result.questions[0].answer == [["脱产轮训", "轮训"], ["点名调训"]]


def test_a_bare_list_and_an_empty_bank_are_accepted() -> None:
    assert read("- type: judge\n  stem: 题\n  answer: 对\n").questions[0].answer is True
    empty = read("bank: 空题库\nquestions: []\n")
    assert (empty.questions, empty.errors, empty.bank_name) == ([], [], "空题库")


def test_unknown_key_names_the_line_and_suggests_the_key() -> None:
    result = read("""\
        questions:
          - type: single
            stem: 题
            options: [甲, 乙]
            anwser: A
    """)
    assert result.questions == []
    assert "第 5 行：题目中有未知字段“anwser”，是否应为“answer”？" in messages(result)
    assert any("缺少 answer" in m for m in messages(result))


def test_every_problem_is_reported_not_just_the_first() -> None:
    result = read("""\
        category: 默认
        questions:
          - type: single
            stem: 题一
            options: [甲, 乙]
            answer: C
          - type: 不知道
            stem: 题二
          - type: multiple
            stem: 题三
            options: [甲, 乙, 丙]
            answer: A
            difficulty: 9
          - 只是一行字
          - type: judge
            stem: 好题
            answer: 对
    """)
    found = messages(result)
    assert "第 6 行，答案：答案“C”不在选项中" in found
    assert any(m.startswith("第 7 行，题型：题型“不知道”无法识别") for m in found)
    assert "第 13 行，难度：难度“9”不是 1–5 的整数" in found
    assert "第 9 行，答案：多选题至少两个正确答案" in found
    assert any(m.startswith("第 14 行：每道题应为") for m in found)
    assert [q.stem for q in result.questions] == ["好题"]
    assert result.questions[0].category == ["默认"]


def test_duplicate_keys_and_wrong_shapes_are_errors() -> None:
    result = read("""\
        questions:
          - type: judge
            stem: 题
            stem: 又一个题干
            answer: 对
            tags: {a: 1}
    """)
    found = messages(result)
    assert "第 4 行：字段“stem”重复" in found
    assert "第 6 行，标签：应为文字，不能是列表或映射" in found


def test_missing_answer_is_said_once() -> None:
    result = read("questions:\n  - type: single\n    stem: 题\n    options: [甲, 乙]\n")
    assert messages(result) == ["第 2 行，答案：缺少 answer（答案）"]


def test_essay_without_answer_is_fine() -> None:
    result = read("questions:\n  - type: essay\n    stem: 谈谈体会\n")
    assert result.errors == [] and result.questions[0].answer == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("questions:\n  - type: single\n    stem: 党的: 建设\n", "第 3 行：此处不能出现“键: 值”"),
        ("questions:\n\t- type: judge\n", "第 2 行：不能用 Tab 缩进"),
        ('questions:\n  - stem: "没有闭合\n', "第 3 行"),
        ("questions:\n  - &a {type: judge}\n  - *a\n", "第 2 行：题库文件不支持 YAML 锚点和别名"),
        ("a: &a [x, x]\nb: &b [*a, *a]\nquestions: [*b, *b]\n", "不支持 YAML 锚点和别名"),
        ("a: 1\n---\nb: 2\n", "只能有一个 YAML 文档"),
        ("questions:\n  - stem: \x07\n", "第 2 行：含有 YAML 不允许的控制字符"),
        ("", "文件中没有题目"),
        ("只是一句话\n", "不是题库文件"),
    ],
)
def test_malformed_yaml_is_rejected_with_the_line(text: str, expected: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        parse(text.encode(), "bank.yaml")
    assert expected in caught.value.message


def test_gb18030_and_bom() -> None:
    text = "questions:\n  - type: 判断\n    stem: 中心组学习计划需要备案。\n    answer: 正确\n"
    assert read(text, "gb18030").questions[0].stem == "中心组学习计划需要备案。"
    assert parse(b"\xef\xbb\xbf" + text.encode(), "x.yaml").questions[0].answer is True


@pytest.mark.parametrize("path", sorted(BANK_DIR.glob("**/*.yaml")), ids=lambda p: p.name)
def test_shipped_bank_files_read_cleanly(path: Path) -> None:
    result = parse(path.read_bytes(), path.name)
    assert messages(result) == []
    assert result.questions

"""Whatever bytes arrive, the text importers answer with a ParseResult or an
ImportRejected/QuestionImportError — never another exception — and every question they do
return passes ``validate``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.quiz.bank.importers import aiken, gift, moodle_xml, native
from app.quiz.bank.importers.base import ImportIssue, ParseResult, QuestionImportError, validate

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

GIFT = """\
// [tag:中心组] [tag:难度:2]
::中心组::[markdown]理论学习中心组学习制度包括（ ）。{
  ~%50%计划备案 #对
  ~%50%结果通报
  ~%-100%自由安排
  ####要计划备案。
}

$CATEGORY: $course$/top/理论学习

计划需要备案。{TRUE#想一想#对}

通过{=脱产轮训 =轮训}接受培训。

谈谈体会。{####【参考答案】\\n要点}

公式 \\{a\\} \\= \\~b{=甲 ~乙}
"""
AIKEN = """\
党的政治建设是党的（ ）建设。
A. 根本性
B) 基础性
Ｃ．保障性
ANSWER: A

多选
A、 甲
B、 乙
答案：AB
"""
XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/题库/学习</text></category></question>
  <question type="multichoice"><name><text>题</text></name>
    <questiontext format="html"><text><![CDATA[<p>党的<b>政治</b>建设</p>]]></text></questiontext>
    <single>true</single>
    <answer fraction="100"><text>甲</text></answer><answer fraction="0"><text>乙</text></answer>
    <tags><tag><text>难度:2</text></tag></tags>
  </question>
  <question type="shortanswer"><questiontext><text>通过____</text></questiontext>
    <answer fraction="100"><text>轮训\\*</text></answer></question>
  <question type="cloze"><questiontext format="markdown"><text>{1:SA:=甲~%50%乙#x}</text>
    </questiontext></question>
  <question type="truefalse"><questiontext><text>对</text></questiontext>
    <answer fraction="100"><text>true</text></answer></question>
</quiz>
"""
NATIVE = """\
bank: 题库
category: 理论学习
questions:
  - type: single
    stem: |
      党的政治建设是党的（ ）建设。
    options: [根本性, 基础性]
    answer: A
    tags: [中心组]
  - type: blank
    stem: ____和____
    answer: [["脱产轮训", "轮训"], ["点名调训"]]
    points: 2
  - type: judge
    stem: 对
    answer: 正确
"""

FORMATS: dict[str, tuple[Callable[[bytes, str], ParseResult], str, str]] = {
    "gift": (gift.parse, GIFT, "~=#{}:\\%[]/\n\tTF#-> $CATEGORY:"),
    "aiken": (aiken.parse, AIKEN, "ABCDEFGHI.)、．）ANSWER:：答案\n "),
    "moodle-xml": (moodle_xml.parse, XML, "<>/=\"'&;![]{}:~#*\\ \nquestionanswertextcategory"),
    "native": (native.parse, NATIVE, ":-|>[]{}&*!#'\"\n\t ?%@`,"),
}


def check(parse: Callable[[bytes, str], ParseResult], data: bytes) -> None:
    try:
        result = parse(data, "fuzz")
    except QuestionImportError:
        return
    assert isinstance(result, ParseResult)
    assert all(isinstance(issue, ImportIssue) and issue.message for issue in result.errors)
    for question in result.questions:
        assert validate(question) == []


@st.composite
def mutated(draw: st.DrawFn, seed: str, alphabet: str) -> bytes:
    """The seed with a few random insertions, deletions and replacements."""
    text = seed
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(text)))
        piece = draw(st.text(st.one_of(st.sampled_from(alphabet), st.characters()), max_size=4))
        cut = draw(st.integers(0, 6))
        text = text[:position] + piece + text[position + cut :]
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("fmt", FORMATS)
def test_seeds_parse_cleanly(fmt: str) -> None:
    parse, seed, _ = FORMATS[fmt]
    result = parse(seed.encode(), "seed")
    assert result.errors == []
    assert result.questions


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_mutated_files(fmt: str, data: st.DataObject) -> None:
    parse, seed, alphabet = FORMATS[fmt]
    check(parse, data.draw(mutated(seed, alphabet)))


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_random_text_in_the_format_alphabet(fmt: str, data: st.DataObject) -> None:
    parse, _, alphabet = FORMATS[fmt]
    text = data.draw(st.text(st.one_of(st.sampled_from(alphabet), st.characters()), max_size=300))
    check(parse, text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(raw=st.binary(max_size=300))
def test_random_bytes(fmt: str, raw: bytes) -> None:
    check(FORMATS[fmt][0], raw)

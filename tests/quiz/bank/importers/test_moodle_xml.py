"""Moodle XML, import and export."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.quiz.bank.exporters.moodle_xml import export_moodle_xml
from app.quiz.bank.importers.base import ImportRejected, ParsedQuestion
from app.quiz.bank.importers.moodle_xml import html_to_text, parse

MOODLE_EXPORT = """\
<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/默认 在 政治理论/理论学习</text>
    </category>
    <info format="moodle_auto_format">
      <text>理论学习</text>
    </info>
    <idnumber></idnumber>
  </question>
<!-- question: 101  -->
  <question type="multichoice">
    <name>
      <text>政治建设定位</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p dir="ltr">党的政治建设是党的<strong>（ ）</strong>建设。</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>政治建设是<em>根本性</em>建设。</p>]]></text>
    </generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="0" format="html">
      <text><![CDATA[<p>基础性</p>]]></text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>根本性</p>]]></text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <tags>
      <tag><text>政治建设</text></tag>
      <tag><text>难度:2</text></tag>
    </tags>
  </question>
  <question type="multichoice">
    <name><text>多选</text></name>
    <questiontext format="moodle_auto_format"><text>中心组学习制度包括（ ）。</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>计划备案</text></answer>
    <answer fraction="-100"><text>随意安排</text></answer>
    <answer fraction="50"><text>结果通报</text></answer>
  </question>
<!-- question: 102  -->
  <question type="truefalse">
    <name><text>备案</text></name>
    <questiontext format="html"><text>中心组学习计划需要备案。</text></questiontext>
    <answer fraction="0" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text></answer>
  </question>
  <question type="category">
    <category><text>$course$/top/默认 在 政治理论/培训</text></category>
  </question>
  <question type="shortanswer">
    <name><text>轮训</text></name>
    <questiontext format="html"><text>县以上领导班子成员要参加<u>&#160;&#160;&#160;</u>。</text></questiontext>
    <usecase>0</usecase>
    <answer fraction="100" format="moodle_auto_format"><text>脱产轮训</text></answer>
    <answer fraction="50" format="moodle_auto_format"><text>轮训\\*</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>自学</text></answer>
  </question>
  <question type="essay">
    <name><text>体会</text></name>
    <questiontext format="markdown"><text>谈谈**体会**。</text></questiontext>
    <graderinfo format="html"><text><![CDATA[<ol><li>要点一</li><li>要点二</li></ol>]]></text></graderinfo>
  </question>
  <question type="cloze">
    <name><text>完形</text></name>
    <questiontext format="html"><text><![CDATA[<p>通过{1:SHORTANSWER:=脱产轮训~=轮训}和{1:SA:%100%点名调训#好~*#错}。</p>]]></text></questiontext>
  </question>
</quiz>
"""


def messages(result) -> list[str]:
    return [str(e) for e in result.errors]


def test_a_moodle_export() -> None:
    result = parse(MOODLE_EXPORT.encode(), "quiz.xml")
    assert result.errors == []
    assert result.bank_name == "默认 在 政治理论"
    single, multiple, judge, blank, essay, cloze = result.questions
    assert single.type == "single"
    assert single.stem == "党的政治建设是党的**（ ）**建设。"
    assert single.options == ["基础性", "根本性"]
    assert single.answer == [1]
    assert single.explanation == "政治建设是*根本性*建设。"
    assert (single.points, single.difficulty, single.tags) == (Decimal(2), 2, ["政治建设"])
    assert (single.title, single.category) == ("政治建设定位", ["理论学习"])
    assert single.location == "第 1 题（政治建设定位）"
    assert (multiple.type, multiple.answer) == ("multiple", [0, 2])
    assert (judge.type, judge.answer) == ("judge", False)
    assert (blank.type, blank.stem) == ("blank", "县以上领导班子成员要参加____。")
    assert blank.answer == [["脱产轮训", "轮训*"]]
    assert blank.category == ["培训"]
    assert (essay.stem, essay.answer) == ("谈谈**体会**。", "1. 要点一\n2. 要点二")
    assert cloze.stem == "通过____和____。"
    assert cloze.answer == [["脱产轮训", "轮训"], ["点名调训"]]


def question(body: str, kind: str = "multichoice", name: str = "题") -> bytes:
    return (
        f'<quiz><question type="{kind}"><name><text>{name}</text></name>{body}</question></quiz>'
    ).encode()


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("matching", "匹配题"),
        ("numerical", "数值题"),
        ("calculated", "计算题"),
        ("ddwtos", "拖放填词题"),
        ("description", "描述文字"),
        ("gapselect", "下拉选词题"),
        ("somethingnew", "未知题型"),
    ],
)
def test_unsupported_types_name_the_question(kind: str, label: str) -> None:
    result = parse(question("<questiontext><text>x</text></questiontext>", kind, "第二题"), "q.xml")
    assert result.questions == []
    (error,) = messages(result)
    assert error.startswith("第 1 题（第二题），题型：Moodle ") and label in error and kind in error


def test_cloze_with_other_gaps_is_refused() -> None:
    body = "<questiontext><text>通过{1:MULTICHOICE:=甲~乙}。</text></questiontext>"
    (error,) = messages(parse(question(body, "cloze"), "q.xml"))
    assert "“MULTICHOICE”空不受支持" in error


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '<questiontext format="html"><text>&lt;img src="@@PLUGINFILE@@/a.png"&gt;</text>'
            '</questiontext><answer fraction="100"><text>甲</text></answer>'
            '<answer fraction="0"><text>乙</text></answer>',
            "图片或附件",
        ),
        (
            "<questiontext><text>题</text></questiontext><single>true</single>"
            '<answer fraction="100"><text>甲</text></answer><answer fraction="100"><text>乙</text>'
            "</answer>",
            "多个满分选项",
        ),
        (
            '<questiontext><text>题</text></questiontext><answer fraction="0"><text>甲</text>'
            '</answer><answer fraction="0"><text>乙</text></answer>',
            "没有正确选项",
        ),
        (
            '<questiontext><text>题</text></questiontext><answer fraction="abc"><text>甲</text>'
            "</answer>",
            "fraction 不是数字",
        ),
        (
            "<questiontext><text>题</text></questiontext><defaultgrade>0</defaultgrade>"
            '<answer fraction="100"><text>甲</text></answer><answer><text>乙</text></answer>',
            "分值“0”应大于 0",
        ),
        (
            '<questiontext><text>题</text></questiontext><answer fraction="100"><text>甲</text>'
            "</answer><answer><text>乙</text></answer><tags><tag><text>难度:六</text></tag></tags>",
            "标签“难度:六”",
        ),
    ],
)
def test_question_errors(body: str, expected: str) -> None:
    result = parse(question(body), "q.xml")
    assert result.questions == []
    assert any(expected in m for m in messages(result)), messages(result)


def test_shortanswer_wildcard_is_refused() -> None:
    body = '<questiontext><text>题</text></questiontext><answer fraction="100"><text>党*</text></answer>'
    assert "通配符" in messages(parse(question(body, "shortanswer"), "q.xml"))[0]


def test_categories_without_a_common_first_name_keep_their_whole_path() -> None:
    xml = """<quiz>
      <question type="category"><category><text>$system$/top/甲/一</text></category></question>
      <question type="truefalse"><questiontext><text>题一</text></questiontext>
        <answer fraction="100"><text>true</text></answer></question>
      <question type="category"><category><text>$course$/乙</text></category></question>
      <question type="truefalse"><questiontext><text>题二</text></questiontext>
        <answer fraction="100"><text>false</text></answer></question>
    </quiz>"""
    result = parse(xml.encode(), "q.xml")
    assert result.bank_name == ""
    assert [q.category for q in result.questions] == [["甲", "一"], ["乙"]]


@pytest.mark.parametrize(
    "xml",
    [
        # billion laughs
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><quiz>&lol2;</quiz>',
        # external entity
        '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<quiz><question><name><text>&xxe;</text></name></question></quiz>",
        # parameter entity, external DTD, bare DOCTYPE
        '<!DOCTYPE quiz [<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]><quiz/>',
        '<!DOCTYPE quiz SYSTEM "http://example.invalid/quiz.dtd"><quiz/>',
        "<!DOCTYPE quiz><quiz/>",
    ],
)
def test_entity_tricks_are_rejected(xml: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        parse(xml.encode(), "evil.xml")
    assert "出于安全考虑拒绝导入" in caught.value.message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<quiz><question></quiz>", "第 1 行第 18 列附近标签没有正确闭合"),
        (b"<quiz>&nbsp;</quiz>", "未定义的实体"),
        (b"<quiz>", "文件不完整"),
        (b"<html><body/></html>", "根元素应为 <quiz>"),
        ('<?xml version="1.0" encoding="UTF-8"?><quiz>中</quiz>'.encode("gbk"), "不是 UTF-8"),
        (b'<?xml version="1.0" encoding="no-such"?><quiz/>', "“no-such”"),
    ],
)
def test_broken_files_are_rejected(data: bytes, expected: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        parse(data, "quiz.xml")
    assert expected in caught.value.message


def test_gbk_files_are_read() -> None:
    body = (
        "<questiontext><text>中心组</text></questiontext>"
        '<answer fraction="100"><text>true</text></answer>'
    )
    declared = f'<?xml version="1.0" encoding="GBK"?>{question(body, "truefalse").decode()}'
    assert parse(declared.encode("gbk"), "q.xml").questions[0].stem == "中心组"
    undeclared = question(body, "truefalse").decode().encode("gb18030")
    assert parse(undeclared, "q.xml").questions[0].stem == "中心组"


def test_empty_quiz_says_so() -> None:
    assert messages(parse(b"<quiz/>", "q.xml")) == ["文件：没有找到任何题目（<question>）"]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>一段</p><p>二段<br>换行</p>", "一段\n\n二段\n换行"),
        ("<ul><li>甲</li><li>乙</li></ul>", "- 甲\n- 乙"),
        ("<b> 重点 </b>和<i></i>&amp;&lt;", "**重点** 和&<"),
        (
            '<a href="https://example.org/x">链接</a> <img src="https://example.org/a.png" alt="图">',
            "[链接](https://example.org/x) ![图](https://example.org/a.png)",
        ),
        ("<script>alert(1)</script><style>p{}</style>正文", "正文"),
        ("<table><tr><td>甲</td><td>乙</td></tr></table>", "甲 乙"),
        ("<![foo bar <p>残缺</p>", "残缺"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


# ---------------------------------------------------------------------- export


def test_export_shapes() -> None:
    questions = [
        ParsedQuestion(
            "multiple",
            "选（ ）",
            ["甲", "乙", "丙", "丁"],
            [0, 1, 3],
            category=["理论/学习", "一"],
            source="出处",
            source_lesson="c/l#a",
        ),
        ParsedQuestion("blank", "通过____和（ ）。", answer=[["脱产轮训", "轮训"], ["调*训"]]),
        ParsedQuestion("blank", "无标记", answer=[["甲"], ["乙"]], points=Decimal("1.5")),
        ParsedQuestion("judge", "控制\x01字符\x0b", answer=True),
    ]
    xml = export_moodle_xml(questions, bank_name="题库").decode()
    assert "<text>$course$/top/题库/理论//学习/一</text>" in xml
    assert xml.count('fraction="33.33333"') == 3 and 'fraction="-100"' in xml
    assert "<text>出处:出处</text>" in xml and "<text>课时:c/l#a</text>" in xml
    assert "通过____{1:SHORTANSWER:=脱产轮训~=轮训}和（ ）{1:SHORTANSWER:=调\\*训}。" in xml
    assert (
        '无标记\n\n&lt;span class="xuekao-blanks"&gt;{1:SHORTANSWER:=甲} '
        "{1:SHORTANSWER:=乙}&lt;/span&gt;"
    ) in xml
    assert "<defaultgrade>1.5</defaultgrade>" in xml
    assert "\x01" not in xml
    result = parse(xml.encode(), "q.xml")
    assert result.errors == []
    assert result.questions[0].category == ["理论/学习", "一"]
    assert result.questions[3].stem == "控制字符"


def test_untitled_questions_stay_untitled() -> None:
    stem = "甲" * 39 + " （ ）乙"  # the 40th character of the stem is a space
    question = ParsedQuestion("judge", stem, answer=True)
    (back,) = parse(export_moodle_xml([question]), "q.xml").questions
    assert back.title == ""

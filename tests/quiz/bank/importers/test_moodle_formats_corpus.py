"""Moodle formats as other projects export them (issue 11 §4), one fixture per pattern."""

from __future__ import annotations

import pytest

from app.quiz.bank.importers import gift, moodle_xml
from app.quiz.bank.importers.base import ImportRejected
from app.quiz.bank.importers.detect import detect_format
from tests.quiz.bank.importers.corpus import messages, parse_fixture, read


def test_aiken_quoting_html_is_aiken_not_a_web_page():
    assert detect_format(read("aiken_with_html_inside.txt"), "bank.txt") == "aiken"
    result = parse_fixture("aiken_with_html_inside.txt")
    assert result.errors == [] and len(result.questions) == 2
    assert '<html lang="zh-CN">' in result.questions[0].stem


def test_a_document_starting_like_html_is_still_refused_as_a_web_page():
    for head in ("<!DOCTYPE html>\n<html>", '<?xml version="1.0"?>\n<html xmlns="x">', "<html>"):
        with pytest.raises(ImportRejected, match="网页"):
            detect_format(f"{head}<body>题</body></html>".encode(), "a.xls")


def test_gift_partial_credit_keeps_single_choice_and_reports_the_dropped_weights():
    result = parse_fixture("gift_partial_credit.gift")
    assert result.errors == []
    assert [(q.type, q.answer) for q in result.questions] == [
        ("single", [0]),
        ("single", [0]),
        ("multiple", [0, 1]),  # no "=": the positive weights are the right answers
    ]
    assert messages(result.notes) == [
        "第 3 行：单选题的部分得分（“党委副书记” 50%、“组织部长” 25%）本平台不支持，已忽略："
        "只有正确选项得分",
        "第 10 行：单选题的部分得分（“本单位办公室” 50%）本平台不支持，已忽略：只有正确选项得分",
    ]


def test_moodle_xml_single_choice_partial_credit_is_reported_too():
    xml = (
        '<?xml version="1.0"?><quiz><question type="multichoice"><name><text>q</text></name>'
        "<questiontext><text>题</text></questiontext><single>true</single>"
        '<answer fraction="100"><text>甲</text></answer>'
        '<answer fraction="33.33333"><text>乙</text></answer></question></quiz>'
    )
    result = moodle_xml.parse(xml.encode(), "q.xml")
    assert result.questions[0].answer == [0]
    assert "“乙” 33.33333%" in str(result.notes[0])


def test_cloze_text_is_reported_as_unsupported_by_line():
    result = parse_fixture("cloze_text.txt")
    assert result.questions == []
    assert [e.location for e in result.errors] == ["第 1 行", "第 3 行"]
    assert all("完形填空（cloze）" in e.message for e in result.errors)


def test_embedded_images_are_reported_per_question_never_dropped():
    result = parse_fixture("moodle_images.xml")
    assert [q.stem for q in result.questions] == ["中心组学习需要记录。"]
    first, second = messages(result.errors)
    assert first.startswith("第 1 题（组织结构图），题干：题目含有图片或附件“结构图.png”")
    assert second.startswith("第 2 题（旧版图片），题干：题目含有图片或附件“qiandao.png”")


def test_pre_blocks_keep_their_indentation():
    (question,) = parse_fixture("moodle_pre.xml").questions
    assert (
        "```\n学习计划\n    一、指导思想\n        （一）总体要求\n    二、学习安排" in question.stem
    )


def test_gift_with_matching_questions_reports_each_one():
    result = parse_fixture("gift_with_matching.gift")
    assert len(result.questions) == 32 and len(result.errors) == 11
    assert all("匹配题不受支持" in e.message for e in result.errors)


def test_cloze_inside_a_gift_file_is_named_as_cloze():
    text = "::甲::中心组学习 {=有计划 ~无计划} 地开展。\n\n::乙::学习计划应当 {1:SA:=备案} 。\n"
    result = gift.parse(text.encode(), "a.gift")
    assert len(result.questions) == 1
    (error,) = result.errors
    assert error.location == "第 3 行" and "完形填空（cloze）" in error.message

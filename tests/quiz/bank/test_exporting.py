"""Export, and the round trip through the database: export a bank, import the file into a new
bank, and get the same questions back."""

from __future__ import annotations

import pytest

from app.common.errors import DomainError
from app.quiz.bank.demo import shipped_bank_files
from app.quiz.bank.services import categories, exporting, importing, questions
from tests.quiz.bank.factories import make_question

FIELDS = (
    "type",
    "title",
    "stem",
    "options",
    "answer",
    "explanation",
    "difficulty",
    "category",
    "points",
    "source",
    "source_lesson",
    "tags",
)


def snapshot(bank) -> list[dict]:
    return [
        {key: getattr(questions.to_parsed(q), key) for key in FIELDS}
        for q in exporting.bank_questions(bank)
    ]


@pytest.fixture
def shipped(app, admin):
    outcome = importing.import_files(admin, shipped_bank_files(), bank_name="原题库")
    assert outcome.accepted, outcome.errors[:3]
    return outcome.bank


@pytest.fixture
def handmade(app, bank):
    """Questions with the awkward corners: titles, several blanks, no points, multi-line
    Markdown, a retired question, a deep category."""
    deep = categories.get_or_create_path(bank, ["一级", "二级", "三级"])
    make_question(
        bank,
        "multiple",
        stem="**加粗**的题干\n\n第二段（ ）",
        options=["甲", "乙", "丙", "丁", "戊"],
        answer=[0, 3, 4],
        title="自定义标题",
        points="2.5",
        category=deep,
        tags=["标签一", "标签二"],
        explanation="多行\n解析",
    )
    make_question(bank, "blank", stem="____和____", answer=[["甲", "子"], ["乙"]], difficulty=5)
    make_question(bank, "essay", stem="简述", answer="", source="出处", source_lesson="c/l#a")
    make_question(bank, "judge", stem="判断题", answer=False, points="10")
    retired = make_question(bank, "judge", stem="停用的题")
    questions.retire_question(None, retired)
    return bank


@pytest.mark.parametrize("fmt", ["xlsx", "moodle-xml", "native"])
def test_round_trip_of_the_shipped_bank(app, shipped, fmt):
    data, filename, _mimetype = exporting.export_bank(shipped, fmt)
    outcome = importing.import_file(None, data, filename, bank_name="复制的题库")
    assert outcome.accepted, outcome.errors[:3]
    assert outcome.created == len(snapshot(shipped)) >= 150
    assert snapshot(outcome.bank) == snapshot(shipped)
    assert [c.full_name for c in categories.category_tree(outcome.bank)] == [
        c.full_name for c in categories.category_tree(shipped)
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "moodle-xml", "native"])
def test_round_trip_of_awkward_questions(app, handmade, fmt):
    data, filename, _mimetype = exporting.export_bank(handmade, fmt)
    outcome = importing.import_file(None, data, filename, bank_name="复制的题库")
    assert outcome.accepted, outcome.errors[:3]
    assert outcome.created == 4  # the retired question stays behind
    assert snapshot(outcome.bank) == snapshot(handmade)


def test_retired_questions_are_exported_only_when_asked(app, handmade):
    assert len(exporting.bank_questions(handmade)) == 4
    assert len(exporting.bank_questions(handmade, include_retired=True)) == 5
    data, _name, _mimetype = exporting.export_bank(handmade, "native", include_retired=True)
    assert "停用的题" in data.decode()


def test_export_names_and_types(app, bank):
    make_question(bank)
    for fmt, ending, mimetype in (
        ("xlsx", ".xlsx", "spreadsheetml"),
        ("gift", ".gift.txt", "text/plain"),
        ("moodle-xml", ".xml", "xml"),
        ("native", ".yaml", "yaml"),
    ):
        data, filename, kind = exporting.export_bank(bank, fmt)
        assert data and filename.startswith("测试题库-") and filename.endswith(ending)
        assert mimetype in kind
    with pytest.raises(DomainError):
        exporting.export_bank(bank, "pdf")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.xlsx", "xlsx"),
        ("A.XML", "moodle-xml"),
        ("b.yml", "native"),
        ("c.gift", "gift"),
        ("d.pdf", None),
    ],
)
def test_format_from_the_file_name(name, fmt):
    assert exporting.format_for_filename(name) == fmt

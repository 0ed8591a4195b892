"""The shipped bank: it imports cleanly, and ``demo load`` brings it in."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.common.demo import load_demo
from app.extensions import db
from app.quiz.bank.demo import DEMO_BANK, shipped_bank_files
from app.quiz.bank.importers import parse
from app.quiz.bank.models import Question
from app.quiz.bank.services import banks, categories


def test_every_shipped_file_parses_without_errors():
    files = shipped_bank_files()
    assert len(files) >= 6
    for name, data in files:
        result = parse(data, name)
        assert result.errors == [], (name, result.errors[:3])
        assert result.questions


def test_demo_load_imports_the_shipped_bank(app):
    context = load_demo()
    bank = banks.find_bank(DEMO_BANK)
    assert context["question_bank"] is bank
    stored = db.session.scalars(select(Question).where(Question.bank_id == bank.id)).all()
    assert len(stored) >= 150
    assert set(Counter(q.type for q in stored)) == {"single", "multiple", "judge", "blank", "essay"}
    assert all(q.explanation and q.source for q in stored)
    assert all(q.created_by is context["admin"] for q in stored)
    top = {c.name for c in categories.category_tree(bank) if c.parent_id is None}
    assert len(top) == 6  # the article's six areas

"""Banks and their knowledge-point trees."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.common.audit import AuditLog
from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.models import Category
from app.quiz.bank.services import banks, categories, questions
from tests.quiz.bank.factories import make_bank, make_question


def test_create_and_rename_bank(app, admin):
    bank = banks.create_bank(admin, name="  理论题库 ", description="说明")
    assert bank.name == "理论题库" and bank.created_by is admin
    banks.update_bank(admin, bank, name="理论学习题库", description="")
    assert banks.find_bank("理论学习题库") is bank
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"question_bank.create", "question_bank.update"} <= actions


@pytest.mark.parametrize("name", ["", "   ", "题" * 101])
def test_bank_name_must_be_sensible(app, name):
    with pytest.raises(DomainError) as info:
        banks.create_bank(None, name=name)
    assert info.value.field == "name"


def test_bank_names_are_unique(app, bank):
    with pytest.raises(DomainError, match="已有名为"):
        banks.create_bank(None, name=bank.name)
    other = make_bank("另一个题库")
    with pytest.raises(DomainError, match="已有名为"):
        banks.update_bank(None, other, name=bank.name)


def test_bank_counts_by_type_and_status(app, bank):
    make_question(bank, "single")
    make_question(bank, "judge")
    retired = make_question(bank, "judge")
    questions.retire_question(None, retired)
    counts = banks.bank_counts([bank])[bank.id]
    assert (counts.total, counts.active, counts.retired) == (3, 2, 1)
    assert counts.by_type["single"] == 1 and counts.by_type["judge"] == 1
    assert counts.by_type["essay"] == 0


def test_category_paths_follow_the_tree(app, bank, admin):
    top = categories.create_category(admin, bank, name="理论学习")
    child = categories.create_category(admin, bank, name="中心组", parent=top)
    grandchild = categories.create_category(admin, bank, name="计划备案", parent=child)
    assert grandchild.path == f"/{top.id}/{child.id}/{grandchild.id}/"
    assert grandchild.full_name == "理论学习/中心组/计划备案"
    assert [c.name for c in categories.category_tree(bank)] == ["理论学习", "中心组", "计划备案"]


def test_sibling_names_are_unique_at_every_level(app, bank):
    top = categories.create_category(None, bank, name="一级")
    with pytest.raises(DomainError, match="已有名为"):
        categories.create_category(None, bank, name="一级")
    categories.create_category(None, bank, name="二级", parent=top)
    with pytest.raises(DomainError, match="已有名为"):
        categories.create_category(None, bank, name="二级", parent=top)
    # the same name in another bank or under another parent is fine
    categories.create_category(None, make_bank(), name="一级")
    categories.create_category(None, bank, name="二级")


def test_category_names_cannot_hold_the_separator(app, bank):
    with pytest.raises(DomainError, match="/"):
        categories.create_category(None, bank, name="一级/二级")


def test_rename_category(app, bank):
    a = categories.create_category(None, bank, name="甲")
    categories.create_category(None, bank, name="乙")
    categories.rename_category(None, a, "丙")
    assert a.name == "丙"
    with pytest.raises(DomainError, match="已有名为"):
        categories.rename_category(None, a, "乙")


def test_move_category_carries_its_subtree(app, bank):
    a = categories.create_category(None, bank, name="甲")
    b = categories.create_category(None, bank, name="乙")
    a1 = categories.create_category(None, bank, name="甲一", parent=a)
    a11 = categories.create_category(None, bank, name="甲一一", parent=a1)
    categories.move_category(None, a1, b)
    assert a1.path == f"/{b.id}/{a1.id}/"
    assert a11.path == f"/{b.id}/{a1.id}/{a11.id}/"
    assert a11.full_name == "乙/甲一/甲一一"
    categories.move_category(None, a1, None)
    assert a11.path == f"/{a1.id}/{a11.id}/" and a1.depth == 0


def test_a_category_cannot_move_under_itself(app, bank):
    a = categories.create_category(None, bank, name="甲")
    a1 = categories.create_category(None, bank, name="甲一", parent=a)
    for target in (a, a1):
        with pytest.raises(DomainError, match="自己或它的下级"):
            categories.move_category(None, a, target)


def test_move_refuses_a_name_clash_and_another_bank(app, bank):
    a = categories.create_category(None, bank, name="甲")
    b = categories.create_category(None, bank, name="乙")
    categories.create_category(None, bank, name="同名", parent=b)
    same = categories.create_category(None, bank, name="同名", parent=a)
    with pytest.raises(DomainError, match="已有名为"):
        categories.move_category(None, same, b)
    elsewhere = categories.create_category(None, make_bank(), name="别处")
    with pytest.raises(DomainError, match="不属于"):
        categories.move_category(None, same, elsewhere)


def test_delete_refused_while_children_or_questions_use_it(app, bank):
    parent = categories.create_category(None, bank, name="上级")
    child = categories.create_category(None, bank, name="下级", parent=parent)
    question = make_question(bank, category=child)
    with pytest.raises(DomainError, match="下级知识点"):
        categories.delete_category(None, parent)
    with pytest.raises(DomainError, match="1 道题目"):
        categories.delete_category(None, child)
    # a retired question still holds it
    questions.retire_question(None, question)
    with pytest.raises(DomainError, match="题目"):
        categories.delete_category(None, child)


def test_delete_an_unused_category(app, bank):
    category = categories.create_category(None, bank, name="空的")
    category_id = category.id
    categories.delete_category(None, category)
    assert db.session.get(Category, category_id) is None


def test_get_or_create_path_creates_missing_levels_once(app, bank):
    existing = categories.create_category(None, bank, name="理论学习")
    leaf = categories.get_or_create_path(bank, ["理论学习", "中心组", "计划"])
    assert leaf.full_name == "理论学习/中心组/计划"
    assert leaf.parent.parent is existing
    again = categories.get_or_create_path(bank, ["理论学习", "中心组", "计划"])
    assert again is leaf
    assert categories.find_path(bank, ["理论学习", "中心组"]) is leaf.parent
    assert categories.find_path(bank, ["理论学习", "没有"]) is None
    assert categories.get_or_create_path(bank, []) is None


def test_category_question_counts(app, bank):
    category = categories.create_category(None, bank, name="甲")
    make_question(bank, category=category)
    make_question(bank, category=category)
    make_question(bank)
    assert categories.question_counts(bank) == {category.id: 2}

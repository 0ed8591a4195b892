"""Knowledge points (知识点): each bank's category tree."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import User
from app.common import audit
from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.models import Category, Question, QuestionBank

MAX_NAME = 100
MAX_DEPTH = 8  # the id path must fit its column; no real bank nests deeper


def _path(category: Category) -> str:
    return (category.parent.path if category.parent else "/") + f"{category.id}/"


def category_tree(bank: QuestionBank) -> list[Category]:
    """The bank's categories in tree order (parents first, siblings by order, name)."""
    nodes = list(db.session.scalars(select(Category).where(Category.bank_id == bank.id)))
    children: dict[int | None, list[Category]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[Category] = []

    def walk(parent_id: int | None) -> None:
        for node in sorted(children.get(parent_id, []), key=lambda c: (c.sort_order, c.name)):
            ordered.append(node)
            walk(node.id)

    walk(None)
    return ordered


def _in_subtree(category: Category):
    return (Category.bank_id == category.bank_id) & Category.path.startswith(category.path)


def subtree_ids_query(category: Category):
    return select(Category.id).where(_in_subtree(category))


def question_counts(bank: QuestionBank) -> dict[int, int]:
    """Latest questions directly in each category of the bank."""
    rows = db.session.execute(
        select(Question.category_id, func.count(Question.id))
        .where(Question.bank_id == bank.id, Question.is_latest.is_(True))
        .group_by(Question.category_id)
    )
    return {cid: n for cid, n in rows if cid is not None}


def _clean_name(name: str, *, allow_slash: bool = False) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("知识点名称不能为空"), "name")
    if len(name) > MAX_NAME:
        raise DomainError(_("知识点名称不能超过 %(n)d 个字", n=MAX_NAME), "name")
    if "/" in name and not allow_slash:
        raise DomainError(_("知识点名称中不能有“/”（它用来分隔上下级）"), "name")
    return name


def _sibling(bank: QuestionBank, parent: Category | None, name: str) -> Category | None:
    query = select(Category).where(Category.bank_id == bank.id, Category.name == name)
    if parent is None:
        query = query.where(Category.parent_id.is_(None))
    else:
        query = query.where(Category.parent_id == parent.id)
    return db.session.scalar(query)


def _check_parent(bank: QuestionBank, parent: Category | None) -> None:
    if parent is None:
        return
    if parent.bank_id != bank.id:
        raise DomainError(_("上级知识点不属于这个题库"), "parent")
    if parent.depth + 1 >= MAX_DEPTH:
        raise DomainError(_("知识点最多 %(n)d 级", n=MAX_DEPTH), "parent")


def _add(bank: QuestionBank, name: str, parent: Category | None) -> Category:
    category = Category(bank=bank, name=name, parent=parent)
    db.session.add(category)
    db.session.flush()
    category.path = _path(category)
    db.session.flush()
    return category


def create_category(
    actor: User | None, bank: QuestionBank, *, name: str, parent: Category | None = None
) -> Category:
    name = _clean_name(name)
    _check_parent(bank, parent)
    if _sibling(bank, parent, name) is not None:
        raise DomainError(_("同一上级下已有名为“%(n)s”的知识点", n=name), "name")
    category = _add(bank, name, parent)
    audit.record(
        actor,
        "question_category.create",
        category,
        _("在题库 %(b)s 中添加知识点 %(c)s", b=bank.name, c=category.full_name),
    )
    return category


def rename_category(actor: User | None, category: Category, name: str) -> None:
    name = _clean_name(name)
    existing = _sibling(category.bank, category.parent, name)
    if existing is not None and existing is not category:
        raise DomainError(_("同一上级下已有名为“%(n)s”的知识点", n=name), "name")
    old = category.full_name
    category.name = name
    db.session.flush()
    audit.record(
        actor,
        "question_category.rename",
        category,
        _("知识点 %(a)s 改名为 %(b)s", a=old, b=category.full_name),
    )


def move_category(actor: User | None, category: Category, parent: Category | None) -> None:
    if (parent.id if parent else None) == category.parent_id:
        return
    _check_parent(category.bank, parent)
    if parent is not None and parent.is_within(category):
        raise DomainError(_("不能把知识点移到它自己或它的下级之下"), "parent")
    existing = _sibling(category.bank, parent, category.name)
    if existing is not None:
        raise DomainError(_("新的上级下已有名为“%(n)s”的知识点", n=category.name), "parent")
    subtree = list(db.session.scalars(select(Category).where(_in_subtree(category))))
    deepest = max(node.depth - category.depth for node in subtree)
    if (parent.depth + 1 if parent else 0) + deepest >= MAX_DEPTH:
        raise DomainError(_("知识点最多 %(n)d 级", n=MAX_DEPTH), "parent")
    old_name, old_path = category.full_name, category.path
    category.parent = parent
    db.session.flush()
    new_path = _path(category)
    for node in subtree:
        node.path = new_path + node.path[len(old_path) :]
    db.session.flush()
    audit.record(
        actor,
        "question_category.move",
        category,
        _("移动知识点 %(a)s → %(b)s", a=old_name, b=category.full_name),
    )


def delete_category(actor: User | None, category: Category) -> None:
    """Refused while it has sub-categories or any question (any version) uses it."""
    if db.session.scalar(select(func.count(Category.id)).where(Category.parent_id == category.id)):
        raise DomainError(_("请先删除或移走“%(c)s”的下级知识点", c=category.full_name))
    used = db.session.scalar(
        select(func.count(Question.id)).where(Question.category_id == category.id)
    )
    if used:
        raise DomainError(
            _(
                "知识点“%(c)s”下还有 %(n)d 道题目（含历史版本），不能删除",
                c=category.full_name,
                n=used,
            )
        )
    name = category.full_name
    audit.record(actor, "question_category.delete", category, _("删除知识点 %(c)s", c=name))
    db.session.delete(category)
    db.session.flush()


def find_path(bank: QuestionBank, names: list[str]) -> Category | None:
    parent = None
    for name in names:
        parent = _sibling(bank, parent, name.strip())
        if parent is None:
            return None
    return parent


def check_path(names: list[str]) -> str | None:
    """Why this path of names cannot be a category path, or None."""
    if len(names) > MAX_DEPTH:
        return _("知识点最多 %(n)d 级", n=MAX_DEPTH)
    for name in names:
        if len(name.strip()) > MAX_NAME:
            return _("知识点名称不能超过 %(n)d 个字", n=MAX_NAME)
        if not name.strip():
            return _("知识点名称不能为空")
    return None


def get_or_create_path(
    bank: QuestionBank, names: list[str], cache: dict[tuple[str, ...], Category] | None = None
) -> Category | None:
    """``["一级", "二级"]`` → that category, creating the missing levels. Names from import
    files may hold "/" (a Moodle category can); ``check_path`` has vetted the rest."""
    cache = {} if cache is None else cache
    parent: Category | None = None
    key: tuple[str, ...] = ()
    for raw in names:
        name = _clean_name(raw, allow_slash=True)
        key += (name,)
        node = cache.get(key)
        if node is None:
            node = _sibling(bank, parent, name)
            if node is None:
                _check_parent(bank, parent)
                node = _add(bank, name, parent)
            cache[key] = node
        parent = node
    return parent

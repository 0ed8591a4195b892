"""Knowledge points (知识点): the tree of a bank, add, rename, move, delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.forms import form_error
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.bank.choices import category_choices
from app.quiz.bank.forms import CategoryForm
from app.quiz.bank.models import Category, QuestionBank
from app.quiz.bank.services import categories
from app.quiz.bank.views._helpers import category_from_choice, get_or_404
from app.quiz.bank.views.blueprint import bp


def _page(bank: QuestionBank, form: CategoryForm, status: int = 200):
    tree = categories.category_tree(bank)
    return render_template(
        "bank/categories.html",
        bank=bank,
        tree=tree,
        form=form,
        counts=categories.question_counts(bank),
    ), status


def _form(bank: QuestionBank) -> CategoryForm:
    form = CategoryForm()
    form.parent.choices = category_choices(
        categories.category_tree(bank), blank=_("（无，作为一级知识点）")
    )
    return form


@bp.route("/banks/<int:bank_id>/categories")
@role_required("admin")
def categories_page(bank_id: int):
    bank = get_or_404(QuestionBank, bank_id)
    form = _form(bank)
    if request.args.get("parent", "").isdigit():
        form.parent.data = request.args["parent"]
    return _page(bank, form)


@bp.route("/banks/<int:bank_id>/categories", methods=["POST"])
@role_required("admin")
def create_category(bank_id: int):
    bank = get_or_404(QuestionBank, bank_id)
    form = _form(bank)
    if form.validate_on_submit():
        try:
            category = categories.create_category(
                current_user,
                bank,
                name=form.name.data,
                parent=category_from_choice(bank, form.parent.data),
            )
        except DomainError as exc:
            form_error(form, exc, "name")
        else:
            db.session.commit()
            flash(_("已添加知识点 %(c)s", c=category.full_name), "success")
            return redirect(url_for("quiz_admin.categories_page", bank_id=bank.id))
    return _page(bank, form)


def _done(bank_id: int, message: str | None, error: DomainError | None):
    if error is not None:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("quiz_admin.categories_page", bank_id=bank_id))


@bp.route("/categories/<int:category_id>/rename", methods=["POST"])
@role_required("admin")
def rename_category(category_id: int):
    category = get_or_404(Category, category_id)
    bank_id = category.bank_id
    try:
        categories.rename_category(current_user, category, request.form.get("name", ""))
    except DomainError as exc:
        return _done(bank_id, None, exc)
    return _done(bank_id, _("已改名为 %(c)s", c=category.full_name), None)


@bp.route("/banks/<int:bank_id>/categories/move", methods=["POST"])
@role_required("admin")
def move_category(bank_id: int):
    bank = get_or_404(QuestionBank, bank_id)
    category = category_from_choice(bank, request.form.get("category"))
    parent_value = request.form.get("parent", "")
    parent = category_from_choice(bank, parent_value)
    try:
        if category is None:
            raise DomainError(_("请选择要移动的知识点"), "category")
        if parent_value and parent is None:
            raise DomainError(_("上级知识点不存在"), "parent")
        categories.move_category(current_user, category, parent)
    except DomainError as exc:
        return _done(bank_id, None, exc)
    return _done(bank_id, _("已移动知识点 %(c)s", c=category.full_name), None)


@bp.route("/categories/<int:category_id>/delete", methods=["POST"])
@role_required("admin")
def delete_category(category_id: int):
    category = get_or_404(Category, category_id)
    bank_id, name = category.bank_id, category.full_name
    try:
        categories.delete_category(current_user, category)
    except DomainError as exc:
        return _done(bank_id, None, exc)
    return _done(bank_id, _("已删除知识点 %(c)s", c=name), None)

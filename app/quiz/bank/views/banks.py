"""Banks: the list with counts, create, rename, the question list, export."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common import audit
from app.common.db import write_intent
from app.common.errors import DomainError
from app.common.forms import form_error, select_choices
from app.common.http import client_ip
from app.common.pagination import page_size, requested_page
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.bank.choices import category_choices
from app.quiz.bank.exporters import EXPORTERS
from app.quiz.bank.forms import BankForm, FilterForm
from app.quiz.bank.models import QUESTION_STATUSES, QuestionBank
from app.quiz.bank.question_types import QUESTION_TYPES
from app.quiz.bank.services import banks, categories, exporting, holds, questions, usage
from app.quiz.bank.views._helpers import category_from_choice, get_or_404
from app.quiz.bank.views.blueprint import bp


def _list_page(form: BankForm, status: int = 200):
    every = banks.all_banks()
    return render_template(
        "bank/banks.html",
        banks=every,
        counts=banks.bank_counts(every),
        form=form,
        purpose_labels=banks.purpose_labels(),
    ), status


@bp.route("/", endpoint="banks")
@role_required("admin")
def banks_list():
    return _list_page(BankForm())


@bp.route("/banks", methods=["POST"])
@role_required("admin")
def create_bank():
    form = BankForm()
    if form.validate_on_submit():
        try:
            bank = banks.create_bank(
                current_user,
                name=form.name.data,
                description=form.description.data,
                purpose=form.purpose.data,
            )
        except DomainError as exc:
            form_error(form, exc, "name")
        else:
            db.session.commit()
            flash(_("已创建题库 %(n)s", n=bank.name), "success")
            return redirect(url_for("quiz_admin.bank", bank_id=bank.id))
    return _list_page(form)


@bp.route("/banks/<int:bank_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_bank(bank_id: int):
    bank = get_or_404(QuestionBank, bank_id)
    form = BankForm(
        data={"name": bank.name, "description": bank.description, "purpose": bank.purpose}
    )
    if form.validate_on_submit():
        try:
            banks.update_bank(
                current_user,
                bank,
                name=form.name.data,
                description=form.description.data,
                purpose=form.purpose.data,
            )
        except DomainError as exc:
            form_error(form, exc, "name")
        else:
            db.session.commit()
            flash(_("已保存题库 %(n)s", n=bank.name), "success")
            return redirect(url_for("quiz_admin.bank", bank_id=bank.id))
    return render_template("bank/bank_form.html", form=form, bank=bank)


def _filter_form(bank: QuestionBank, tree) -> FilterForm:
    form = FilterForm(request.args)
    labels = banks.type_labels()
    form.type.choices = select_choices(
        ((t, labels[t]) for t in QUESTION_TYPES), blank=_("全部题型")
    )
    form.category.choices = category_choices(tree, blank=_("全部知识点"))
    status_labels = banks.status_labels()
    form.status.choices = select_choices(
        ((s, status_labels[s]) for s in QUESTION_STATUSES), blank=_("全部状态")
    )
    return form


@bp.route("/banks/<int:bank_id>")
@role_required("admin")
def bank(bank_id: int):
    bank = get_or_404(QuestionBank, bank_id)
    tree = categories.category_tree(bank)
    form = _filter_form(bank, tree)
    if not form.validate():
        for field in form:  # a hand-edited URL: drop the filters that make no sense
            if field.errors:
                field.data = ""
    pagination = questions.search_questions(
        bank,
        page=requested_page(),
        per_page=page_size(),
        text=form.q.data or "",
        qtype=form.type.data or "",
        difficulty=int(form.difficulty.data) if form.difficulty.data else None,
        category=category_from_choice(bank, form.category.data),
        status=form.status.data or "",
    )
    return render_template(
        "bank/bank.html",
        bank=bank,
        form=form,
        pagination=pagination,
        counts=banks.bank_counts([bank])[bank.id],
        usage=usage.usage_for(q.id for q in pagination.items),
        holds=holds.holds_for(bank),
        purpose_labels=banks.purpose_labels(),
        export_formats=exporting.export_formats(),
    )


@bp.route("/banks/<int:bank_id>/export/<fmt>")
@role_required("admin")
def export_bank(bank_id: int, fmt: str):
    bank = get_or_404(QuestionBank, bank_id)
    if fmt not in EXPORTERS:
        abort(404)
    include_retired = request.args.get("retired") == "1"
    data, filename, mimetype = exporting.export_bank(bank, fmt, include_retired=include_retired)
    # handing out a whole bank is worth a line in the audit log
    with write_intent(db.session):
        audit.record(
            current_user,
            "questions.export",
            bank,
            _("导出题库 %(n)s（%(f)s）", n=bank.name, f=fmt),
            ip=client_ip(),
            format=fmt,
        )
        db.session.commit()
    return send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename
    )

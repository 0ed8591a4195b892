"""Questions: the page of one question (with usage and versions), create and edit with a
Markdown preview, retire and restore."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.forms import form_error, select_choices
from app.common.http import safe_next_url
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.bank.choices import category_choices
from app.quiz.bank.forms import OPTION_FIELDS, QuestionForm
from app.quiz.bank.importers.base import CHOICE_TYPES, ParsedQuestion
from app.quiz.bank.models import Question, QuestionBank
from app.quiz.bank.question_types import QUESTION_TYPES
from app.quiz.bank.services import banks, categories, questions, usage
from app.quiz.bank.views._helpers import category_from_choice, get_or_404
from app.quiz.bank.views.blueprint import bp


def _form(bank: QuestionBank, question: Question | None) -> QuestionForm:
    data = None
    if question is not None:
        data = {
            "type": question.type,
            "title": question.title,
            "stem": question.stem,
            "answer": questions.answer_to_text(question),
            "explanation": question.explanation,
            "difficulty": str(question.difficulty),
            "points": format(question.points.normalize(), "f") if question.points else "",
            "category": str(question.category_id or ""),
            "source": question.source,
            "source_lesson": question.source_lesson,
            "tags": "、".join(question.tags or []),
        }
        data.update(zip(OPTION_FIELDS, question.options or [], strict=False))
    form = QuestionForm(data=data)
    labels = banks.type_labels()
    form.type.choices = select_choices((t, labels[t]) for t in QUESTION_TYPES)
    form.category.choices = category_choices(categories.category_tree(bank), blank=_("（未分类）"))
    return form


def _fields(bank: QuestionBank, form: QuestionForm) -> dict:
    """The form as the service's plain values; DomainError names the field at fault."""
    qtype = form.type.data
    options = form.options() if qtype in CHOICE_TYPES else []
    category = category_from_choice(bank, form.category.data)
    if form.category.data and category is None:
        raise DomainError(_("知识点不存在"), "category")
    return {
        "type": qtype,
        "title": form.title.data,
        "stem": form.stem.data,
        "options": options,
        "answer": questions.answer_from_text(qtype, form.answer.data or "", len(options)),
        "explanation": form.explanation.data,
        "difficulty": form.difficulty.data,
        "points": (form.points.data or "").strip() or None,
        "category": category,
        "source": form.source.data,
        "source_lesson": form.source_lesson.data,
        "tags": form.tags.data or "",
    }


def _preview(bank: QuestionBank, form: QuestionForm) -> ParsedQuestion:
    """What the question will look like; the answer shows only once it can be read."""
    qtype = form.type.data
    preview = ParsedQuestion(type=qtype, stem=form.stem.data or "")
    preview.explanation = form.explanation.data or ""
    try:
        fields = _fields(bank, form)
    except DomainError as exc:
        form_error(form, exc, "answer")
        if qtype in CHOICE_TYPES:
            preview.options = [(f.data or "").strip() for f in form.option_fields() if f.data]
        return preview
    preview.options, preview.answer = fields["options"], fields["answer"]
    return preview


def _edit(bank: QuestionBank, question: Question | None):
    form = _form(bank, question)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = _preview(bank, form)
        else:
            try:
                fields = _fields(bank, form)
                if question is None:
                    saved = questions.create_question(current_user, bank, **fields)
                else:
                    saved = questions.update_question(current_user, question, **fields)
            except DomainError as exc:
                form_error(form, exc, "stem")
            else:
                db.session.commit()
                if question is None:
                    flash(_("已新建题目"), "success")
                elif saved is not question:
                    flash(_("该题已被作答过，修改已保存为第 %(v)d 版", v=saved.version), "success")
                else:
                    flash(_("已保存题目"), "success")
                return redirect(url_for("quiz_admin.question", question_id=saved.id))
    return render_template(
        "bank/question_form.html",
        form=form,
        bank=bank,
        question=question,
        preview=preview,
        in_use=question is not None and usage.question_in_use(question),
    )


@bp.route("/banks/<int:bank_id>/questions/new", methods=["GET", "POST"])
@role_required("admin")
def new_question(bank_id: int):
    bank = get_or_404(QuestionBank, bank_id)
    return _edit(bank, None)


@bp.route("/question/<int:question_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_question(question_id: int):
    question = get_or_404(Question, question_id)
    if not question.is_latest:
        flash(_("这是历史版本，已转到最新版本"), "info")
        latest = questions.versions_of(question)[0]
        return redirect(url_for("quiz_admin.edit_question", question_id=latest.id))
    return _edit(question.bank, question)


@bp.route("/question/<int:question_id>")
@role_required("admin")
def question(question_id: int):
    question = get_or_404(Question, question_id)
    versions = questions.versions_of(question)
    return render_template(
        "bank/question.html",
        question=question,
        bank=question.bank,
        versions=versions,
        usage=usage.lineage_usage(question),
        version_usage=usage.usage_for(v.id for v in versions),
    )


def _set_status(question_id: int, retire: bool):
    question = get_or_404(Question, question_id)
    try:
        if retire:
            questions.retire_question(current_user, question)
        else:
            questions.restore_question(current_user, question)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("已停用该题，新的考试不会再抽到它") if retire else _("已恢复该题"), "success")
    target = safe_next_url(request.form.get("next"))
    return redirect(target or url_for("quiz_admin.question", question_id=question.id))


@bp.route("/question/<int:question_id>/retire", methods=["POST"])
@role_required("admin")
def retire_question(question_id: int):
    return _set_status(question_id, True)


@bp.route("/question/<int:question_id>/restore", methods=["POST"])
@role_required("admin")
def restore_question(question_id: int):
    return _set_status(question_id, False)

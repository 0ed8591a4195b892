"""The paper of an exam: fixed items chosen from a bank's questions, or drawing rules; and
a preview of a drawn paper with its answers (administrators only)."""

from __future__ import annotations

import random

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.common.errors import DomainError
from app.common.pagination import page_size, requested_page
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.bank.models import Category, Question, QuestionBank
from app.quiz.bank.question_types import QUESTION_TYPES
from app.quiz.bank.services import banks, categories, questions
from app.quiz.exams.models import Exam
from app.quiz.exams.services import assembly
from app.quiz.exams.views._helpers import get_or_404
from app.quiz.exams.views.blueprint import admin_bp


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@admin_bp.route("/<int:exam_id>/paper", methods=["GET", "POST"])
@role_required("admin")
def paper(exam_id: int):
    exam = get_or_404(Exam, exam_id)
    if exam.assembly == "rules":
        return _rules(exam)
    return _items(exam)


def _items(exam: Exam):
    if request.method == "POST":
        try:
            if request.form.get("action") == "add":
                ids = [_int(v) for v in request.form.getlist("add_ids")]
                chosen = db.session.scalars(
                    select(Question).where(Question.id.in_([i for i in ids if i]))
                ).all()
                added = assembly.add_items(
                    current_user, exam, chosen, request.form.get("add_points") or None
                )
                message = _("已添加 %(n)d 道题", n=added)
            else:
                points = {
                    item.id: request.form.get(f"points_{item.id}", item.points)
                    for item in exam.items
                }
                order = {
                    item.id: _int(request.form.get(f"position_{item.id}"), item.position)
                    for item in exam.items
                }
                remove = [_int(v) for v in request.form.getlist("remove")]
                assembly.update_items(current_user, exam, points, remove, order)
                message = _("已保存试卷")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(message, "success")
        return redirect(url_for("exams_admin.paper", exam_id=exam.id, **request.args))
    bank = db.session.get(QuestionBank, request.args.get("bank", type=int) or 0)
    found, category_list = None, []
    if bank is not None:
        category_list = categories.category_tree(bank)
        category = db.session.get(Category, request.args.get("category", type=int) or 0)
        qtype = request.args.get("type", "")
        found = questions.search_questions(
            bank,
            page=requested_page(),
            per_page=page_size(),
            text=request.args.get("q", ""),
            qtype=qtype if qtype in QUESTION_TYPES else "",
            category=category if category is not None and category.bank_id == bank.id else None,
            status="active",
        )
    return render_template(
        "exams/admin/paper_items.html",
        exam=exam,
        summary=assembly.paper_summary(exam),
        all_banks=banks.all_banks(),
        bank=bank,
        category_list=category_list,
        found=found,
        have={item.question.lineage_id for item in exam.items},
    )


def _rules(exam: Exam):
    if request.method == "POST":
        specs = []
        # every rule-N-bank sent, in N's order: rows are added and removed on the page
        numbers = sorted(
            {
                number
                for key in request.form
                if key.startswith("rule-")
                and key.endswith("-bank")
                and (number := _int(key[len("rule-") : -len("-bank")])) is not None
            }
        )
        for index in numbers:

            def value(name: str, i: int = index) -> str:
                return (request.form.get(f"rule-{i}-{name}") or "").strip()

            if not value("bank"):
                continue
            bank = db.session.get(QuestionBank, _int(value("bank"), 0))
            category = db.session.get(Category, _int(value("category"), 0) or 0)
            specs.append(
                {
                    "bank": bank,
                    "category": category,
                    "type": value("type"),
                    "difficulty_min": value("difficulty_min") or 1,
                    "difficulty_max": value("difficulty_max") or 5,
                    "count": value("count"),
                    "points_each": value("points_each"),
                }
            )
        try:
            assembly.set_rules(current_user, exam, specs)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("已保存抽题规则"), "success")
        return redirect(url_for("exams_admin.paper", exam_id=exam.id))
    all_banks = banks.all_banks()
    category_choices = [
        (c.id, f"{bank.name} / {c.full_name}")
        for bank in all_banks
        for c in categories.category_tree(bank)
    ]
    return render_template(
        "exams/admin/paper_rules.html",
        exam=exam,
        summary=assembly.paper_summary(exam),
        all_banks=all_banks,
        category_choices=category_choices,
        pool_sizes={rule.id: assembly.pool_size(rule) for rule in exam.rules},
        question_types=QUESTION_TYPES,
    )


@admin_bp.route("/<int:exam_id>/preview")
@role_required("admin")
def preview(exam_id: int):
    """A paper as one cadre might draw it, with its answers (nothing is stored)."""
    exam = get_or_404(Exam, exam_id)
    entries, problem = [], None
    try:
        entries = assembly.draw_paper(exam, random.SystemRandom())
    except DomainError as exc:
        problem = exc.message
    return render_template(
        "exams/admin/preview.html",
        exam=exam,
        entries=entries,
        problem=problem,
        total=assembly.max_score(entries),
    )

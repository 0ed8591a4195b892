"""阅卷 and 重新评分: the essay grading queue, scoring one essay, and regrading attempts
after a question's key was corrected."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.common.errors import DomainError
from app.common.forms import form_error
from app.common.pagination import paginate
from app.common.permissions import role_required
from app.extensions import db
from app.quiz.bank.models import Question
from app.quiz.exams.forms import EssayGradeForm
from app.quiz.exams.models import AttemptAnswer, Exam
from app.quiz.exams.services import marking, regrade
from app.quiz.exams.views._helpers import get_or_404
from app.quiz.exams.views.blueprint import admin_bp


@admin_bp.route("/grading")
@role_required("admin")
def grading():
    exam = db.session.get(Exam, request.args.get("exam_id", type=int) or 0)
    done = request.args.get("done") == "1"
    pagination = paginate(marking.essay_queue(exam, pending_only=not done))
    return render_template(
        "exams/admin/grading.html",
        exam=exam,
        done=done,
        pagination=pagination,
        pending=marking.pending_essay_count(exam),
    )


@admin_bp.route("/answers/<int:answer_id>/grade", methods=["GET", "POST"])
@role_required("admin")
def grade_answer(answer_id: int):
    answer = get_or_404(AttemptAnswer, answer_id)
    item = marking.item_for(answer)
    data = None
    if answer.score is not None:
        data = {"score": format(answer.score.normalize(), "f"), "comment": answer.comment}
    form = EssayGradeForm(data=data)
    if form.validate_on_submit():
        try:
            marking.grade_essay(current_user, answer, form.score.data, form.comment.data)
        except DomainError as exc:
            form_error(form, exc, "score")
        else:
            db.session.commit()
            flash(_("已保存评分"), "success")
            following = db.session.scalars(marking.essay_queue(answer.attempt.exam)).first()
            if following is not None:
                return redirect(url_for("exams_admin.grade_answer", answer_id=following.id))
            return redirect(url_for("exams_admin.grading", exam_id=answer.attempt.exam_id))
    return render_template(
        "exams/admin/grade.html",
        answer=answer,
        item=item,
        attempt=answer.attempt,
        exam=answer.attempt.exam,
        form=form,
        response_html=Markup.escape(answer.response or "").replace("\n", Markup("<br>")),
    )


@admin_bp.route("/regrade/<int:question_id>", methods=["GET", "POST"])
@role_required("admin")
def regrade_question(question_id: int):
    question = get_or_404(Question, question_id)
    if request.method == "POST":
        try:
            result = regrade.regrade_question(current_user, question)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(
                _(
                    "已重新评分 %(n)d 份答卷，其中 %(c)d 份成绩有变化，相关学员已收到通知",
                    n=result.items,
                    c=len(result.changed_attempts),
                ),
                "success",
            )
        return redirect(url_for("exams_admin.regrade_question", question_id=question.id))
    return render_template(
        "exams/admin/regrade.html", question=question, offer=regrade.regrade_offer(question)
    )


@admin_bp.app_context_processor
def _regrade_offer_helper():
    """Lets the question page (题库管理) offer a regrade when its key was corrected."""
    return {"exam_regrade_offer": regrade.regrade_offer}

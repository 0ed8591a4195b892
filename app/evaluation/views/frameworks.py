"""评价标准 pages (administrators): the frameworks by year and version, and editing one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.permissions import role_required
from app.evaluation.models import Dimension, Framework, NegativeItem, Standard
from app.evaluation.services import EvaluationError, frameworks
from app.evaluation.views._helpers import failed, get_or_404, this_year
from app.evaluation.views.blueprint import bp
from app.extensions import db


@bp.route("/frameworks", methods=["GET", "POST"])
@role_required("admin")
def framework_list():
    if request.method == "POST":
        try:
            framework = frameworks.create_framework(
                current_user, request.form.get("year"), request.form.get("title", "")
            )
        except EvaluationError as error:
            return failed(error, url_for("evaluation.framework_list"))
        db.session.commit()
        return redirect(url_for("evaluation.framework", framework_id=framework.id))
    return render_template(
        "evaluation/frameworks.html", frameworks=frameworks.frameworks(), year=this_year()
    )


@bp.route("/frameworks/<int:framework_id>")
@role_required("admin")
def framework(framework_id: int):
    fw = get_or_404(Framework, framework_id)
    return render_template(
        "evaluation/framework.html",
        framework=fw,
        locked=frameworks.in_use(fw),
        bands_text=frameworks.bands_text(fw),
        max_total=frameworks.max_total(fw),
    )


def _back(fw: Framework):
    return url_for("evaluation.framework", framework_id=fw.id)


@bp.route("/frameworks/<int:framework_id>/dimensions", methods=["POST"])
@role_required("admin")
def add_dimension(framework_id: int):
    fw = get_or_404(Framework, framework_id)
    try:
        frameworks.add_dimension(current_user, fw, request.form.get("name", ""))
    except EvaluationError as error:
        return failed(error, _back(fw))
    db.session.commit()
    return redirect(_back(fw))


@bp.route("/dimensions/<int:dimension_id>/standards", methods=["POST"])
@role_required("admin")
def add_standard(dimension_id: int):
    dim = get_or_404(Dimension, dimension_id)
    form = request.form
    try:
        frameworks.add_standard(
            current_user,
            dim,
            form.get("title", ""),
            form.get("points", ""),
            form.get("guide", ""),
            form.get("evidence_keys", ""),
        )
    except EvaluationError as error:
        return failed(error, _back(dim.framework))
    db.session.commit()
    return redirect(_back(dim.framework))


@bp.route("/dimensions/<int:dimension_id>/negatives", methods=["POST"])
@role_required("admin")
def add_negative(dimension_id: int):
    dim = get_or_404(Dimension, dimension_id)
    form = request.form
    try:
        frameworks.add_negative(
            current_user,
            dim,
            form.get("title", ""),
            form.get("deduction", ""),
            form.get("veto") == "1",
        )
    except EvaluationError as error:
        return failed(error, _back(dim.framework))
    db.session.commit()
    return redirect(_back(dim.framework))


@bp.route("/standards/<int:standard_id>/delete", methods=["POST"])
@role_required("admin")
def delete_standard(standard_id: int):
    standard = get_or_404(Standard, standard_id)
    fw = standard.dimension.framework
    try:
        frameworks.remove_standard(current_user, standard)
    except EvaluationError as error:
        return failed(error, _back(fw))
    db.session.commit()
    return redirect(_back(fw))


@bp.route("/negatives/<int:item_id>/delete", methods=["POST"])
@role_required("admin")
def delete_negative(item_id: int):
    item = get_or_404(NegativeItem, item_id)
    fw = item.dimension.framework
    try:
        frameworks.remove_negative(current_user, item)
    except EvaluationError as error:
        return failed(error, _back(fw))
    db.session.commit()
    return redirect(_back(fw))


@bp.route("/frameworks/<int:framework_id>/bands", methods=["POST"])
@role_required("admin")
def set_bands(framework_id: int):
    fw = get_or_404(Framework, framework_id)
    try:
        frameworks.set_bands(current_user, fw, request.form.get("bands", ""))
    except EvaluationError as error:
        return failed(error, _back(fw))
    db.session.commit()
    flash(_("等次已保存"), "success")
    return redirect(_back(fw))


@bp.route("/frameworks/<int:framework_id>/version", methods=["POST"])
@role_required("admin")
def new_version(framework_id: int):
    fw = get_or_404(Framework, framework_id)
    copy = frameworks.new_version(current_user, fw)
    db.session.commit()
    flash(_("已生成第 %(v)d 版，可在此修改", v=copy.version), "success")
    return redirect(_back(copy))

"""Administrators: every scheduled job (schedule, next run, last runs, pause, run now) and the
outbox (what waits, what failed for good, send again)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.common.permissions import role_required
from app.common.timeutil import utcnow
from app.extensions import db
from app.notify import jobs, outbox
from app.notify.models import Delivery, JobRun, JobState
from app.notify.views.blueprint import admin_bp

RUNS_SHOWN = 5


def _job_or_404(job_id: str) -> jobs.JobSpec:
    spec = jobs.find_job(job_id)
    if spec is None:
        abort(404)
    return spec


@admin_bp.route("/jobs", endpoint="jobs")
@role_required("admin")
def jobs_page():
    now = utcnow()
    states = {s.job: s for s in db.session.scalars(select(JobState))}
    rows = []
    for spec in sorted(jobs.registered_jobs(), key=lambda s: s.id):
        runs = list(
            db.session.scalars(
                select(JobRun)
                .where(JobRun.job == spec.id)
                .order_by(JobRun.started_at.desc(), JobRun.id.desc())
                .limit(RUNS_SHOWN)
            )
        )
        state = states.get(spec.id)
        rows.append(
            {
                "spec": spec,
                "runs": runs,
                "paused": bool(state and state.paused),
                "requested": bool(state and state.run_requested_at),
                "next_run": None
                if state and state.paused
                else spec.next_run(jobs.last_started(spec.id), now),
            }
        )
    return render_template("notify/admin_jobs.html", rows=rows)


@admin_bp.route("/jobs/<job_id>/pause", methods=["POST"])
@role_required("admin")
def pause_job(job_id: str):
    jobs.set_paused(_job_or_404(job_id).id, True)
    db.session.commit()
    flash(_("任务 %(j)s 已暂停", j=job_id), "success")
    return redirect(url_for("notify_admin.jobs"))


@admin_bp.route("/jobs/<job_id>/resume", methods=["POST"])
@role_required("admin")
def resume_job(job_id: str):
    jobs.set_paused(_job_or_404(job_id).id, False)
    db.session.commit()
    flash(_("任务 %(j)s 已恢复", j=job_id), "success")
    return redirect(url_for("notify_admin.jobs"))


@admin_bp.route("/jobs/<job_id>/run", methods=["POST"])
@role_required("admin")
def run_job_now(job_id: str):
    jobs.request_run(_job_or_404(job_id).id)
    db.session.commit()
    flash(_("已请求立即运行任务 %(j)s，调度器将在十秒内执行", j=job_id), "success")
    return redirect(url_for("notify_admin.jobs"))


@admin_bp.route("/outbox")
@role_required("admin")
def outbox_page():
    counts = dict(
        db.session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
    )
    return render_template(
        "notify/admin_outbox.html", counts=counts, failed=outbox.failed_deliveries()
    )


@admin_bp.route("/outbox/<int:delivery_id>/retry", methods=["POST"])
@role_required("admin")
def retry_delivery(delivery_id: int):
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None:
        abort(404)
    outbox.retry(delivery)
    db.session.commit()
    flash(_("已重新排队发送"), "success")
    return redirect(url_for("notify_admin.outbox_page"))

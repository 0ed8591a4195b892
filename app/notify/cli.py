"""``flask --app wsgi scheduler run``: the one process that runs scheduled jobs.

Web workers never start the scheduler; this command does, once per deployment. At start it
sweeps (runs once every job that fell due while no scheduler ran), then runs on schedule.
"""

from __future__ import annotations

import contextlib
import os

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.notify import jobs

scheduler_cli = AppGroup("scheduler", help="Scheduled jobs (reminders, aggregates).")


@scheduler_cli.command("run")
@click.option("--no-sweep", is_flag=True, help="Do not run missed jobs at start.")
def run_command(no_sweep: bool):
    """Run the scheduler in the foreground until interrupted."""
    app = current_app._get_current_object()
    lower_priority(app)
    scheduler = jobs.build_scheduler(app, blocking=True)
    specs = jobs.registered_jobs()
    click.echo(f"调度器已启动，共 {len(specs)} 个任务：")
    for spec in specs:
        click.echo(f"  {spec.id}: {spec.describe()}")
    if not no_sweep:
        ran = jobs.sweep()
        db.session.remove()
        click.echo(f"启动补跑 {len(ran)} 个任务：{', '.join(ran) or '无'}")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


def lower_priority(app) -> None:
    """Background work: on PostgreSQL the web workers come first (SCHEDULER_NICE). Not on
    SQLite: a job there holds the database's one write lock while it writes, and a lock
    holder slowed down holds up every save waiting behind it (priority inversion)."""
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    if not sqlite and app.config["SCHEDULER_NICE"]:
        os.nice(app.config["SCHEDULER_NICE"])


@scheduler_cli.command("list")
def list_command():
    """List the registered jobs and their schedules."""
    for spec in jobs.registered_jobs():
        click.echo(f"{spec.id}: {spec.describe()}")


@scheduler_cli.command("run-job")
@click.argument("job_id")
def run_job_command(job_id: str):
    """Run one job now (as 'run now' on the jobs page), and say how it ended."""
    spec = jobs.find_job(job_id)
    if spec is None:
        raise click.ClickException(f"没有任务 {job_id}（flask scheduler list 列出全部任务）")
    run = jobs.run_job(spec, trigger="manual", force=True)
    click.echo(f"{job_id}: {run.outcome} {run.counts}")
    if run.outcome == "error":
        click.echo(run.error, err=True)
        raise SystemExit(1)

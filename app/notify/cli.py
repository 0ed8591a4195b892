"""``flask --app wsgi scheduler run``: the one process that runs scheduled jobs.

Web workers never start the scheduler; this command does, once per deployment.
"""

from __future__ import annotations

import contextlib

import click
from flask import current_app
from flask.cli import AppGroup

from app.notify.jobs import build_scheduler

scheduler_cli = AppGroup("scheduler", help="Scheduled jobs (reminders, aggregates).")


@scheduler_cli.command("run")
def run_command():
    """Run the scheduler in the foreground until interrupted."""
    scheduler = build_scheduler(current_app._get_current_object(), blocking=True)
    jobs = scheduler.get_jobs()
    click.echo(f"调度器已启动，共 {len(jobs)} 个任务：")
    for job in jobs:
        click.echo(f"  {job.id}: {job.trigger}")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


@scheduler_cli.command("list")
def list_command():
    """List the registered jobs and their triggers."""
    scheduler = build_scheduler(current_app._get_current_object(), blocking=False)
    for job in scheduler.get_jobs():
        click.echo(f"{job.id}: {job.trigger}")

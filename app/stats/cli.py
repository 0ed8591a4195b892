"""``flask --app wsgi stats rebuild``: recompute the stored aggregates behind the statistics
from scratch (today: each exam's sums by team and question, ``quiz.exams.services.tallies``)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.quiz.exams.services import tallies

stats_cli = AppGroup("stats", help="Statistics: rebuild the stored aggregates.")


@stats_cli.command("rebuild")
def rebuild_command():
    """Recompute every stored aggregate from the data."""
    stored = tallies.rebuild()
    db.session.commit()
    click.echo(_("已重新计算 %(n)d 组考试题目汇总", n=stored))

"""Operations (运维): health probes, metrics, the request log, moving a database to
PostgreSQL (``flask db copy``) and backups (``flask backup``). It reads the features (the
attempts in progress) and no feature reads it: it stands above them all."""

from __future__ import annotations

from flask import Flask

from app.ops import cli, telemetry
from app.ops.health import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    telemetry.install(app)
    cli.register(app)

"""The schema changes only through Alembic: upgrading an empty database yields exactly the
models, with nothing left for autogenerate to find, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from bench.databases import scratch_pg_database
from tests.conftest import BACKENDS, PG_URL


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    with scratch_pg_database(PG_URL, "xuekao_migrate") as url:
        yield url


def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory="migrations")
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "teams", "audit_logs"} <= tables
        db.engine.dispose()


def test_downgrade_to_base_removes_everything(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory="migrations")
        downgrade(directory="migrations", revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_existing_banks_serve_both_after_the_purpose_migration(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory="migrations", revision="0006")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO question_banks (name, description, created_at, updated_at) "
                    "VALUES ('旧题库', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
        upgrade(directory="migrations")
        with db.engine.connect() as conn:
            purpose = conn.execute(text("SELECT purpose FROM question_banks")).scalar_one()
        assert purpose == "both"
        downgrade(directory="migrations", revision="0006")
        columns = {c["name"] for c in inspect(db.engine).get_columns("question_banks")}
        assert "purpose" not in columns
        db.engine.dispose()

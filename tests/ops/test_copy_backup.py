"""``flask db copy`` and ``flask backup``: round trips that compare every table (row count
and checksum) and the uploaded files. Each test builds its own database files: the copy and
the backup read and write whole databases, outside the suite's rolled-back transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from app.auth.models import User
from app.extensions import db
from app.ops.dbcopy import digests, engine_for
from bench.databases import scratch_pg_database
from tests.conftest import Client
from tests.courses.factories import attach, make_course
from tests.factories import make_team, make_user
from tests.quiz.exams.factories import Api, by_type, make_exam

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _app(url: str, folder: Path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "COURSE_ATTACHMENT_DIR": str(folder / "attachments"),
            "QUESTION_UPLOAD_DIR": str(folder / "uploads"),
        }
    )
    app.test_client_class = Client
    return app


def _fill(app) -> None:
    """A little of everything: teams, people with roles, a course with an attachment, an
    exam with a started attempt and saved answers (JSON, datetimes, booleans)."""
    with app.app_context():
        db.create_all()
        root = make_team("根部门", kind="department")
        team = make_team("甲单位领导班子", parent=make_team("甲单位", parent=root, kind="unit"))
        admin = make_user("admin", root, username="copy-admin")
        cadre = make_user("cadre", team, username="copy-cadre")
        course = make_course(admin)
        attach(admin, course)
        exam = make_exam(teams=[team])
        db.session.commit()
        api = Api(app.test_client(), cadre)
        state = api.start(exam).json
        questions = by_type(state)
        for kind, response in (("judge", True), ("essay", "坚持理论学习，学以致用")):
            saved = api.save(state["attempt_id"], questions[kind]["id"], response, seq=1)
            assert saved.status_code == 200
        db.session.remove()
        db.engine.dispose()


def _empty(app) -> None:
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def _tables(url: str) -> dict:
    engine = engine_for(url)
    try:
        return {name: (r.rows, r.checksum) for name, r in digests(engine, db.metadata).items()}
    finally:
        engine.dispose()


@pytest.fixture
def databases(tmp_path) -> Iterator[dict[str, str]]:
    """Three empty databases: a SQLite source, a middle (PostgreSQL when there is one), and
    a SQLite end."""
    with ExitStack() as stack:
        middle = (
            stack.enter_context(scratch_pg_database(PG_URL, "xuekao_copy"))
            if PG_URL
            else f"sqlite:///{tmp_path / 'middle.db'}"
        )
        yield {
            "source": f"sqlite:///{tmp_path / 'source.db'}",
            "middle": middle,
            "end": f"sqlite:///{tmp_path / 'end.db'}",
        }


def test_copy_round_trip_keeps_every_row_and_continues_the_ids(tmp_path, databases):
    source = _app(databases["source"], tmp_path)
    _fill(source)
    middle, end = _app(databases["middle"], tmp_path), _app(databases["end"], tmp_path)
    _empty(middle)
    _empty(end)
    runner = source.test_cli_runner()
    result = runner.invoke(
        args=["db", "copy", "--from", databases["source"], "--to", databases["middle"]]
    )
    assert result.exit_code == 0, result.output
    assert "verified exam_attempt_answers: 2 rows" in result.output
    result = runner.invoke(
        args=["db", "copy", "--from", databases["middle"], "--to", databases["end"]]
    )
    assert result.exit_code == 0, result.output
    before = _tables(databases["source"])
    assert before["users"][0] == 2 and before["exam_attempts"][0] == 1
    assert _tables(databases["middle"]) == before
    assert _tables(databases["end"]) == before
    with middle.app_context():  # the sequences go on after the copied ids
        user = make_user("cadre", username="after-copy")
        db.session.commit()
        assert user.id == db.session.scalar(text("SELECT max(id) FROM users"))
        assert db.session.query(User).count() == 3
        db.engine.dispose()


def test_copy_refuses_a_target_that_holds_rows(tmp_path, databases):
    source, middle = _app(databases["source"], tmp_path), _app(databases["middle"], tmp_path)
    _fill(source)
    with middle.app_context():
        db.create_all()
        make_user("cadre", username="already-here")
        db.session.commit()
        db.engine.dispose()
    before = _tables(databases["middle"])
    result = source.test_cli_runner().invoke(
        args=["db", "copy", "--from", databases["source"], "--to", databases["middle"]]
    )
    assert result.exit_code != 0
    assert "目标数据库不是空的" in result.output and "users" in result.output
    assert _tables(databases["middle"]) == before


def test_copy_refuses_a_target_without_the_schema(tmp_path, databases):
    source = _app(databases["source"], tmp_path)
    _fill(source)
    result = source.test_cli_runner().invoke(
        args=["db", "copy", "--from", databases["source"], "--to", databases["end"]]
    )
    assert result.exit_code != 0 and "flask db upgrade" in result.output


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_backup_round_trip_restores_every_table_and_the_files(tmp_path, databases, where):
    if where == "postgresql" and not PG_URL:
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL)")
    url = databases["source"] if where == "sqlite" else databases["middle"]
    app = _app(url, tmp_path)
    _fill(app)
    before = _tables(url)
    attachments = tmp_path / "attachments"
    files_before = {p.name: p.read_bytes() for p in attachments.iterdir()}
    assert files_before
    runner = app.test_cli_runner()
    created = runner.invoke(args=["backup", "create", str(tmp_path / "backups")])
    assert created.exit_code == 0, created.output
    archive = Path(created.output.strip().splitlines()[-1])
    assert archive.name.startswith("xuekao-") and archive.suffix == ".tar"

    # Damage everything, then restore.
    with app.app_context():
        db.session.execute(text("DELETE FROM exam_attempt_answers"))
        db.session.execute(text("UPDATE users SET name = 'changed'"))
        db.session.commit()
        db.engine.dispose()
    for path in attachments.iterdir():
        path.write_bytes(b"overwritten")
    (attachments / "stray.bin").write_bytes(b"not in the backup")
    assert _tables(url) != before

    refused = runner.invoke(args=["backup", "restore", str(archive)])
    assert refused.exit_code != 0 and "--replace" in refused.output
    restored = runner.invoke(args=["backup", "restore", str(archive), "--replace"])
    assert restored.exit_code == 0, restored.output
    assert "rows verified" in restored.output
    assert _tables(url) == before
    assert {p.name: p.read_bytes() for p in attachments.iterdir()} == files_before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    app = _app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)
    _empty(app)
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"this is no tar file")
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(junk)])
    assert result.exit_code != 0 and "不是完整的学考备份" in result.output

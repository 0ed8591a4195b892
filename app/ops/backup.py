"""Backups: one ``.tar`` holding the database and the folders of uploaded files.

SQLite is copied with its online backup API (a consistent copy while the app writes);
PostgreSQL with ``pg_dump --format=custom``, whose major version must be at least the
server's (an older ``pg_dump`` refuses a newer server, and a restore through ``pg_restore``
of the same version is what is tested). ``manifest.json`` records the schema revision and
each table's row count and checksum; a restore checks them all before it says done.

Restore replaces the configured database and folders: it refuses a database that holds rows
unless told ``--replace``.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine

from app.ops.dbcopy import CopyError, alembic_revision, digests, tables_with_rows

MANIFEST = "manifest.json"


class BackupError(CopyError):
    """Why a backup or restore stopped, in words for the operator."""


def libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _major(version_text: str) -> int:
    """The major version in "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)": 15."""
    match = re.search(r"PostgreSQL\)\s+(\d+)", version_text)
    if not match:
        raise BackupError(f"无法识别的版本：{version_text!r}")
    return int(match.group(1))


def check_pg_tools(engine: Engine) -> str:
    """``pg_dump``/``pg_restore`` exist and are not older than the server; their version."""
    versions = {}
    for tool in ("pg_dump", "pg_restore"):
        path = shutil.which(tool)
        if path is None:
            raise BackupError(f"找不到 {tool}：请安装 postgresql-client（与服务器同一主版本）")
        out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
        versions[tool] = _major(out.stdout)
    with engine.connect() as conn:
        server = int(conn.exec_driver_sql("SHOW server_version_num").scalar()) // 10000
    if min(versions.values()) < server:
        raise BackupError(
            f"pg_dump {versions['pg_dump']} / pg_restore {versions['pg_restore']} 比服务器 "
            f"PostgreSQL {server} 旧：请安装 {server} 版的客户端工具"
        )
    return f"pg_dump {versions['pg_dump']}, server {server}"


def create_backup(
    engine: Engine, metadata: MetaData, folders: dict[str, Path], directory: Path, now=None
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    target = directory / f"xuekao-{stamp}.tar"
    with tempfile.TemporaryDirectory(prefix="xuekao-backup-") as tmp:
        work = Path(tmp)
        if engine.dialect.name == "sqlite":
            db_file = work / "database.sqlite3"
            _sqlite_copy(engine.url.database, db_file)
        elif engine.dialect.name == "postgresql":
            check_pg_tools(engine)
            db_file = work / "database.pgdump"
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(db_file),
                    libpq_url(engine),
                ]
            )
        else:
            raise BackupError(f"不支持备份 {engine.dialect.name} 数据库")
        # The manifest is read from the copy, not the live database: it describes the file.
        copy_engine = engine if engine.dialect.name != "sqlite" else _sqlite_engine(db_file)
        manifest = {
            "created_at": (now or datetime.now(UTC)).isoformat(),
            "database": engine.dialect.name,
            "revision": sorted(alembic_revision(copy_engine)),
            "tables": {n: asdict(r) for n, r in digests(copy_engine, metadata).items()},
            "folders": sorted(n for n, p in folders.items() if p.is_dir()),
        }
        if copy_engine is not engine:
            copy_engine.dispose()
        partial = target.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            for name, path in folders.items():
                if path.is_dir():
                    tar.add(path, arcname=f"files/{name}")
        partial.rename(target)  # a half-written backup never carries the final name
    return target


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{command[0]} 失败（{result.returncode}）：{result.stderr.strip()[:500]}"
        )


def _sqlite_engine(path: Path) -> Engine:
    return create_engine(f"sqlite:///{path}")


def _sqlite_copy(source: str, destination: Path | str) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(str(destination))
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def restore_backup(
    engine: Engine,
    metadata: MetaData,
    folders: dict[str, Path],
    archive: Path,
    replace: bool = False,
) -> dict:
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}")
    with tempfile.TemporaryDirectory(prefix="xuekao-restore-") as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(work, filter="data")
            manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError, KeyError) as exc:
            raise BackupError(f"{archive.name} 不是完整的学考备份：{exc}") from exc
        if manifest["database"] != engine.dialect.name:
            raise BackupError(
                f"这份备份来自 {manifest['database']} 数据库，不能恢复到 {engine.dialect.name}："
                "跨数据库请先恢复到同类数据库，再用 flask db copy"
            )
        if not replace and _holds_rows(engine, metadata):
            raise BackupError("当前数据库已有数据；确认要用备份覆盖时加 --replace")
        if engine.dialect.name == "sqlite":
            engine.dispose()
            _sqlite_copy(str(work / "database.sqlite3"), engine.url.database)
        else:
            check_pg_tools(engine)
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    libpq_url(engine),
                    str(work / "database.pgdump"),
                ]
            )
        for name, path in folders.items():
            saved = work / "files" / name
            if saved.is_dir():
                if path.exists():
                    shutil.rmtree(path)
                shutil.copytree(saved, path)
        engine.dispose()
        found = {n: asdict(r) for n, r in digests(engine, metadata).items()}
        wrong = [n for n, r in manifest["tables"].items() if found.get(n) != r]
        if wrong:
            raise BackupError(f"恢复后核对不一致：{', '.join(wrong)}")
    return manifest


def _holds_rows(engine: Engine, metadata: MetaData) -> bool:
    try:
        return bool(tables_with_rows(engine, metadata))
    except CopyError:
        return False  # no schema yet: nothing to overwrite

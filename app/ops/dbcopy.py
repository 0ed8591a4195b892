"""Moving an installation from SQLite to PostgreSQL (or between any two databases with the
same schema): every table of the models' metadata, parents before children, in one
transaction on the target; then each sequence set past the highest id, and every table's
row count and checksum compared on both sides.

The target must already have the schema at the source's revision (``flask db upgrade``
with ``DATABASE_URL`` pointing at it) and must hold no rows: the copy never merges.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Engine, MetaData, Table, create_engine, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

BATCH = 1000


class CopyError(Exception):
    """Why the copy refused or failed; nothing was written to the target."""


@dataclass
class TableReport:
    name: str
    rows: int
    checksum: str


def engine_for(url: str) -> Engine:
    """``postgresql://`` means the psycopg 3 driver this project ships, not psycopg2."""
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    return create_engine(url)


def alembic_revision(engine: Engine) -> set[str]:
    if not inspect(engine).has_table("alembic_version"):
        return set()
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}


def _order(table: Table):
    return list(table.primary_key.columns) or list(table.columns)


def _canonical(value) -> str:
    """The same stored value reads back as different Python types on different databases
    only in ways that this folds together (a naive datetime, a Decimal, JSON key order)."""
    if value is None:
        return "∅"
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def table_digest(conn, table: Table) -> TableReport:
    digest = hashlib.sha256()
    rows = 0
    for row in conn.execute(select(table).order_by(*_order(table))).yield_per(BATCH):
        digest.update("\x1f".join(_canonical(v) for v in row).encode())
        digest.update(b"\x1e")
        rows += 1
    return TableReport(table.name, rows, digest.hexdigest()[:16])


def digests(engine: Engine, metadata: MetaData) -> dict[str, TableReport]:
    with engine.connect() as conn:
        return {t.name: table_digest(conn, t) for t in metadata.sorted_tables}


def _rows(conn, table: Table) -> Iterator[list[dict]]:
    result = conn.execute(select(table).order_by(*_order(table))).mappings().yield_per(BATCH)
    for chunk in result.partitions(BATCH):
        yield [dict(row) for row in chunk]


def tables_with_rows(engine: Engine, metadata: MetaData) -> list[str]:
    names = set(inspect(engine).get_table_names())
    missing = [t.name for t in metadata.sorted_tables if t.name not in names]
    if missing:
        raise CopyError(
            f"目标数据库缺少数据表 {', '.join(missing[:5])}：请先对目标执行 flask db upgrade"
        )
    with engine.connect() as conn:
        return [
            t.name
            for t in metadata.sorted_tables
            if conn.execute(select(func.count()).select_from(t)).scalar()
        ]


def reset_sequences(conn, metadata: MetaData) -> None:
    """PostgreSQL: each serial/identity sequence continues after the highest copied id."""
    if conn.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            if not column.autoincrement or column.type.python_type is not int:
                continue
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence:
                conn.execute(
                    text(
                        f'SELECT setval(:s, COALESCE(MAX("{column.name}"), 1), '
                        f'MAX("{column.name}") IS NOT NULL) FROM "{table.name}"'
                    ),
                    {"s": sequence},
                )


def copy_database(
    source_url: str,
    target_url: str,
    metadata: MetaData,
    echo: Callable[[str], None] = lambda _line: None,
) -> list[TableReport]:
    source, target = engine_for(source_url), engine_for(target_url)
    try:
        return _copy(source, target, metadata, echo)
    except SQLAlchemyError as exc:
        raise CopyError(f"复制失败，目标未作任何改动：{exc.__class__.__name__}: {exc}") from exc
    finally:
        source.dispose()
        target.dispose()


def _copy(source: Engine, target: Engine, metadata: MetaData, echo) -> list[TableReport]:
    if source.url == target.url:
        raise CopyError("来源与目标是同一个数据库")
    source_rev, target_rev = alembic_revision(source), alembic_revision(target)
    if source_rev != target_rev:
        raise CopyError(
            f"来源的数据库版本 {sorted(source_rev)} 与目标的 {sorted(target_rev)} 不同："
            "请先把两边升级到同一版本（flask db upgrade）"
        )
    occupied = tables_with_rows(target, metadata)
    if occupied:
        raise CopyError(f"目标数据库不是空的（{', '.join(occupied[:5])} 已有数据），拒绝覆盖")
    extra = set(inspect(source).get_table_names()) - set(metadata.tables) - {"alembic_version"}
    if extra:
        echo(f"not copied (not part of the application's schema): {', '.join(sorted(extra))}")
    with source.connect() as src, target.begin() as dst:
        for table in metadata.sorted_tables:
            copied = 0
            for batch in _rows(src, table):
                dst.execute(table.insert(), batch)
                copied += len(batch)
            echo(f"copied {table.name}: {copied}")
        reset_sequences(dst, metadata)
    before, after = digests(source, metadata), digests(target, metadata)
    wrong = [
        n
        for n in before
        if (before[n].rows, before[n].checksum) != (after[n].rows, after[n].checksum)
    ]
    if wrong:
        raise CopyError(f"复制后核对不一致：{', '.join(wrong)}")
    return list(after.values())

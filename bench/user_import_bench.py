"""Bulk user import with the production password hash (scrypt), against a baseline measured
in the same run: hashing every new account's password one after another, which is what the
import did before (the machine is shared and noisy: read the ratios).

- common: every new account gets the one initial password the administrator gave;
- generated: every new account gets its own generated password (shown once, downloadable).

    .venv/bin/python bench/user_import_bench.py [--users 200] [--database-url postgresql+psycopg://…]

Expected: common far below 1 (one hash for the whole file), generated about 1 / cores.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEAM = "基准测试单位"
COMMON_PASSWORD = "Chushi-2026x"


def csv_file(prefix: str, count: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["登录名", "姓名", "单位"])
    for number in range(count):
        writer.writerow([f"{prefix}{number:05d}", f"干部{number}", TEAM])
    return buffer.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)

    from app import create_app
    from app.admin.user_import import import_users
    from app.auth import services as accounts
    from app.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'users.db'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "scrypt"})
        with app.app_context():
            db.drop_all()
            db.create_all()
            accounts.create_team(None, name=TEAM, kind="unit")
            db.session.commit()

            started = time.perf_counter()
            for number in range(args.users):
                accounts.hash_password(accounts.generate_initial_password(f"b{number}"))
            baseline = time.perf_counter() - started
            print(
                f"users {args.users}, {os.cpu_count()} cores, "
                f"{db.engine.dialect.name}; scrypt one by one: {baseline:.1f} s (baseline)"
            )
            failed = False
            for label, prefix, password in (
                ("common password", "c", COMMON_PASSWORD),
                ("generated passwords", "g", ""),
            ):
                started = time.perf_counter()
                result = import_users(
                    None, csv_file(prefix, args.users), "users.csv", password=password
                )
                db.session.commit()
                seconds = time.perf_counter() - started
                failed |= not result.ok or result.created != args.users
                print(
                    f"import, {label:20s} {seconds:6.1f} s  ratio {seconds / baseline:5.2f}"
                    f"  created {result.created}"
                )
            db.drop_all()
            db.session.remove()
            db.engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

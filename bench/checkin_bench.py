"""Check-in day: N members of one team check in to one centre-group session within a window
(default 300 members in 60 s), the app under gunicorn on SQLite and/or PostgreSQL, the load
generator beside it on this machine.

    .venv/bin/python bench/checkin_bench.py [--database sqlite|postgresql|both]
        [--database-url postgresql+psycopg://postgres@127.0.0.1/postgres]
        [--members 300] [--window 60] [--double-tap 0.05] [--workers 2] [--threads 4]
        [--json out.json]

Each member logs in first (measured apart). Then, at their own moment in the window (open
loop: latency counts from that moment, so a lagging server cannot hide), they open the QR
link (``GET /checkin/s/<id>?code=…``) and tap 签到 (the POST). A share of them tap twice at
once (two taps racing): exactly one must be recorded and the other told "already checked
in". Afterwards the database is read: every member recorded exactly once, none lost (each
acknowledged check-in has its row), no duplicates. It prints p50/p95/p99 of the open and
the tap, errors, and exits 1 on any error, 5xx, lost or duplicated check-in.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.exam_day import setup  # noqa: E402
from bench.exam_day.server import Server  # noqa: E402

CODE = "246810"
ALREADY = "您已签到"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--window", type=float, default=60.0, help="seconds")
    parser.add_argument("--double-tap", type=float, default=0.05, help="share tapping twice")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--json", type=Path)
    return parser.parse_args(argv)


def prepare(url: str, members: int) -> tuple[int, list[str]]:
    """Schema, one team of N members, one session whose check-in window is open now."""
    setup.flask_cli(url, "db", "upgrade")
    from app import create_app
    from app.checkin.models import StudySession
    from app.common.timeutil import utcnow
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        setup._team()
        usernames = setup._bulk_cadres(members, "fast")
        from app.auth.models import Team

        team_id = db.session.scalar(db.select(Team.id).where(Team.name == setup.TEAM[1]))
        now = utcnow()
        session = StudySession(
            team_id=team_id,
            kind="collective",
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(hours=3),
            topic="集体学习（签到压力测试）",
            checkin_code=CODE,
        )
        db.session.add(session)
        db.session.commit()
        session_id = session.id
        db.session.remove()
        db.engine.dispose()
    return session_id, usernames


def _pct(ordered: list[float], p: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Load:
    def __init__(self, base: str, session_id: int, args: argparse.Namespace) -> None:
        self.base, self.session_id, self.args = base, session_id, args
        self.rng = random.Random(args.seed)
        self.latency: dict[str, list[float]] = {"login": [], "open": [], "tap": []}
        self.statuses: dict[str, Counter] = {k: Counter() for k in self.latency}
        self.errors: Counter = Counter()
        self.acknowledged: set[str] = set()  # members whose tap was answered "checked in"
        self.double_taps = {"both_ok": 0, "one_ok_one_already": 0, "other": 0}

    async def _request(self, http, endpoint, method, path, data=None, since=None):
        began = time.perf_counter() if since is None else since
        try:
            async with http.request(
                method, self.base + path, data=data, json=None, allow_redirects=False
            ) as response:
                body = await response.text()
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as exc:
            status, body = 0, repr(exc)
        self.latency[endpoint].append(time.perf_counter() - began)
        self.statuses[endpoint][status] += 1
        return status, body

    async def login(self, http, username: str, gate: asyncio.Semaphore) -> str:
        async with gate:
            began = time.perf_counter()
            async with http.post(
                self.base + "/api/v1/auth/login",
                json={"username": username, "password": setup.PASSWORD},
            ) as response:
                data = await response.json()
                self.latency["login"].append(time.perf_counter() - began)
                self.statuses["login"][response.status] += 1
                if response.status != 200:
                    self.errors[f"login HTTP {response.status}"] += 1
                    return ""
                return data["csrf_token"]

    async def check_in(self, http, username: str, csrf: str, due: float, twice: bool) -> None:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))  # open loop
        link = f"/checkin/s/{self.session_id}?code={CODE}"
        status, _body = await self._request(http, "open", "GET", link, since=due)
        if status != 200:
            self.errors[f"open HTTP {status}"] += 1
        tapped = time.perf_counter()
        form = {"code": CODE, "csrf_token": csrf}
        taps = 2 if twice else 1
        results = await asyncio.gather(
            *[
                self._request(http, "tap", "POST", f"/checkin/s/{self.session_id}", form, tapped)
                for _ in range(taps)
            ]
        )
        recorded = [s == 302 for s, _b in results]
        already = [s == 200 and ALREADY in b for s, b in results]
        if any(recorded):
            self.acknowledged.add(username)
        if twice:
            if sum(recorded) == 1 and sum(already) == 1:
                self.double_taps["one_ok_one_already"] += 1
            elif sum(recorded) == 2:
                self.double_taps["both_ok"] += 1
            else:
                self.double_taps["other"] += 1
        if not any(recorded):
            status, body = results[0]
            note = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))[:80] if status else body
            self.errors[f"tap HTTP {status}: {note}"] += 1

    async def run(self, usernames: list[str]) -> float:
        connector = aiohttp.TCPConnector(limit=512)
        timeout = aiohttp.ClientTimeout(total=120)
        sessions = [
            aiohttp.ClientSession(
                connector=connector,
                connector_owner=False,
                cookie_jar=aiohttp.CookieJar(unsafe=True),
                timeout=timeout,
            )
            for _ in usernames
        ]
        try:
            gate = asyncio.Semaphore(16)
            tokens = await asyncio.gather(
                *[self.login(s, u, gate) for s, u in zip(sessions, usernames, strict=True)]
            )
            start = time.perf_counter()
            plan = [
                (s, u, t, start + self.rng.uniform(0, self.args.window))
                for s, u, t in zip(sessions, usernames, tokens, strict=True)
                if t
            ]
            await asyncio.gather(
                *[
                    self.check_in(s, u, t, due, self.rng.random() < self.args.double_tap)
                    for s, u, t, due in plan
                ]
            )
            return time.perf_counter() - start
        finally:
            for s in sessions:
                await s.close()
            await connector.close()


def verify(url: str, session_id: int, usernames: list[str], acknowledged: set[str]) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT u.username, count(a.id) FROM study_attendances a "
                "JOIN users u ON u.id = a.user_id WHERE a.session_id = :s GROUP BY u.username"
            ),
            {"s": session_id},
        ).all()
    engine.dispose()
    counts = dict(rows)
    return {
        "recorded": sum(1 for n in counts.values() if n >= 1),
        "duplicated": sum(1 for n in counts.values() if n > 1),
        "lost": sorted(u for u in acknowledged if counts.get(u, 0) == 0),
        "unacknowledged_but_recorded": sum(1 for u in counts if u not in acknowledged),
        "missing": len(set(usernames) - set(counts)),
    }


def run_one(kind: str, args: argparse.Namespace, workdir: Path) -> dict:
    with setup.fresh_database(kind, workdir, args.database_url) as url:
        session_id, usernames = prepare(url, args.members)
        server = Server(url, args.workers, args.threads, log=workdir / f"gunicorn-{kind}.log")
        server.start()
        try:
            load = Load(server.base, session_id, args)
            elapsed = asyncio.run(load.run(usernames))
        finally:
            server.stop()
        check = verify(url, session_id, usernames, load.acknowledged)
    result = {
        "database": kind,
        "members": args.members,
        "window_s": args.window,
        "elapsed_s": round(elapsed, 2),
        "errors": dict(load.errors),
        "double_taps": load.double_taps,
        **check,
    }
    for endpoint, values in load.latency.items():
        ordered = sorted(values)
        result[endpoint] = {
            "n": len(ordered),
            "p50_ms": round(_pct(ordered, 50) * 1000, 1),
            "p95_ms": round(_pct(ordered, 95) * 1000, 1),
            "p99_ms": round(_pct(ordered, 99) * 1000, 1),
            "statuses": {str(k): v for k, v in load.statuses[endpoint].items()},
        }
    return result


def report(result: dict) -> bool:
    print(
        f"\n== {result['database']}: {result['members']} members, window {result['window_s']} s"
        f" (done in {result['elapsed_s']} s)"
    )
    for endpoint in ("login", "open", "tap"):
        r = result[endpoint]
        print(
            f"  {endpoint:6} n={r['n']:5}  p50 {r['p50_ms']:8.1f} ms  p95 {r['p95_ms']:8.1f} ms"
            f"  p99 {r['p99_ms']:8.1f} ms  statuses {r['statuses']}"
        )
    print(
        f"  recorded {result['recorded']}/{result['members']}, lost {len(result['lost'])}, "
        f"duplicated {result['duplicated']}, missing {result['missing']}"
    )
    print(f"  double taps: {result['double_taps']}")
    if result["errors"]:
        print(f"  errors: {result['errors']}")
    five_xx = sum(
        v for e in ("open", "tap") for k, v in result[e]["statuses"].items() if k.startswith("5")
    )
    good = (
        not result["errors"]
        and not five_xx
        and not result["lost"]
        and not result["duplicated"]
        and result["missing"] == 0
        and result["double_taps"]["both_ok"] == 0
        and result["double_taps"]["other"] == 0
    )
    print("  OK" if good else "  FAILED")
    return good


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    results, good = [], True
    with tempfile.TemporaryDirectory(prefix="checkin-bench-") as tmp:
        for kind in kinds:
            result = run_one(kind, args, Path(tmp))
            results.append(result)
            good = report(result) and good
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())

"""Exam day: thousands of cadres sit one 50-question test in the same hour. The app runs
under gunicorn on SQLite and/or PostgreSQL, the load generator beside it on this machine.

    .venv/bin/python bench/exam_day.py [--database sqlite|postgresql|both]
        [--database-url postgresql+psycopg://postgres@127.0.0.1/postgres]
        [--cadres 2000] [--start-window 60] [--duration 30] [--concurrency 64]
        [--workers 4] [--threads 4] [--quick] [--profile] [--json out.json]
        [--cluster N]   (through nginx to N app hosts on PostgreSQL: deploy/cluster.py)

Measures (1) the synchronised start: N cadres start the test within the window; (2)
saturation: cadres save answers (random valid responses, increasing seq, a few stale
resends), first alone and then with a submit after about every 55 saves, as fast as the
server answers; then the same load on a bench-only
endpoint of the same app that writes one row — the ceiling of this stack (the baseline,
measured in the same run: read the ratio, the machine is shared), and on the bare ceiling
(bench/bare_ceiling.py: a bare Flask app checking the same cookie and CSRF header and doing the
same upsert, outside the app's stack). Afterwards every
acknowledged save is looked up in the database. Exit status 1 on any error, 5xx, lost
answer or submit, or applied stale resend. Goals (issue 4): save ≥ 60 % of the ceiling, ≥ 6,000 cadres at one
save per 20 s, no 5xx, nothing lost, 2,000 starts within 60 s without an error. Issue 16: the
save alone at ≤ 1.5 ms of server CPU per request, and the bare ceiling's CPU per request at
≥ 50 % of the save alone's (throughput is printed too, but the bare phase is not server-bound
here).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.exam_day import profiling, setup  # noqa: E402
from bench.exam_day.cluster import ClusterServer  # noqa: E402
from bench.exam_day.load import Client  # noqa: E402
from bench.exam_day.server import Profiler, Server  # noqa: E402
from bench.exam_day.verify import check_answers  # noqa: E402

GOAL_RATIO, GOAL_CADRES, SAVE_INTERVAL = 0.60, 6000, 20
# Issue 16: the save request at half of what the bare stack allows, at most 1.5 ms of CPU.
GOAL_BARE_RATIO, GOAL_SAVE_CPU_MS = 0.50, 1.5
EXCEPTION = re.compile(r"^[a-zA-Z_][\w.]*(Error|Exception|Timeout)\b.*")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="a PostgreSQL server; a fresh database is created and dropped",
    )
    parser.add_argument("--cadres", type=int, help="default 2000 (--quick: 200)")
    parser.add_argument("--start-window", type=float, help="seconds; default 60 (--quick: 10)")
    parser.add_argument("--start-shape", choices=["uniform", "bursts"], default="uniform")
    parser.add_argument(
        "--duration", type=float, help="seconds per saturation phase; default 30 (--quick: 10)"
    )
    parser.add_argument("--concurrency", type=int, default=64, help="saturating clients")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="gthread threads (1: sync)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="the saturation alternates save and ceiling this many times",
    )
    parser.add_argument("--saves-per-attempt", type=int, default=55)
    parser.add_argument(
        "--password-hash",
        choices=sorted(setup.HASHES),
        default="fast",
        help="fast: pbkdf2 1000 rounds (login is not what is measured)",
    )
    parser.add_argument(
        "--login-window",
        type=float,
        help="the login storm: every cadre logs in within this many seconds (open loop), "
        "waiting out the login queue's 503s as the page does; without it, logins go 32 at "
        "a time and are not what is measured",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke check: smaller defaults")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy the workers during the start (measured with it attached) "
        "and during an extra, unmeasured save phase",
    )
    parser.add_argument(
        "--cluster",
        type=int,
        metavar="N",
        help="through nginx to N app hosts (gunicorn, --workers sync workers each) on "
        "PostgreSQL, as deployed (deploy/cluster.py), --workers x --threads each; needs nginx "
        "and --database-url",
    )
    parser.add_argument(
        "--versus",
        metavar="WxT",
        help="a second gunicorn of the same app and database with W workers x T threads "
        "(T=1: sync) takes its own save slice in every round, alternating first and second: "
        "e.g. --workers 2 --threads 1 --versus 4x4 compares 2 sync with 4 x 4 gthread",
    )
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--keep", type=Path, help="keep logs and profiles in this folder")
    args = parser.parse_args(argv)
    for name, full, quick in (
        ("cadres", 2000, 200),
        ("start_window", 60, 10),
        ("duration", 30, 10),
    ):
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    if args.cluster:
        args.database = "postgresql"
    if args.database is None:
        args.database = "both" if args.database_url else "sqlite"
    if args.database != "sqlite" and not args.database_url:
        parser.error("PostgreSQL needs --database-url or BENCH_DATABASE_URL")
    if args.versus:
        if args.cluster:
            parser.error("--versus compares single servers, not --cluster")
        try:
            args.versus = tuple(int(n) for n in args.versus.lower().split("x"))
            assert len(args.versus) == 2 and min(args.versus) >= 1
        except (ValueError, AssertionError):
            parser.error("--versus takes WORKERSxTHREADS, e.g. 4x4")
    if args.profile and not Profiler.available():
        parser.error("--profile needs py-spy (pip install -r requirements-dev.txt)")
    return args


def _mode(workers: int, threads: int) -> str:
    return f"{workers} x {threads} gthread" if threads > 1 else f"{workers} sync"


async def drive(
    args, server: Server, prepared, workdir: Path, bare: Server, versus: Server | None = None
) -> dict:
    client = Client(server.base, prepared.usernames, prepared.password, prepared.exam_id)
    client.bare_base = bare.base
    phases, notes = [], []
    try:

        async def measure(coro_fn, title: str, earlier=None, serving=server):
            drained = await asyncio.to_thread(server.wait_idle)
            if serving is not server:
                drained += await asyncio.to_thread(serving.wait_idle)
            if drained > 5:
                notes.append(
                    f"waited {drained:.0f} s before '{title}' for the server to drain "
                    "requests its clients had given up on"
                )
            user, system = serving.cpu_times()
            recorder = await coro_fn()
            user_after, system_after = serving.cpu_times()
            recorder.server_cpu += (user_after - user) + (system_after - system)
            recorder.server_system_cpu += system_after - system
            if earlier is None:
                phases.append((title, recorder))
            return recorder

        if args.login_window:
            await measure(
                lambda: client.login_storm(args.login_window),
                f"login storm: {args.cadres} in {args.login_window:g} s ({args.password_hash})",
            )
        else:
            await measure(
                lambda: client.login_all(min(32, args.concurrency)),
                f"login ({args.password_hash} hash; apart)",
            )
        profiler = Profiler(server, workdir, "start") if args.profile else None
        if profiler:  # the start cannot be replayed: it is profiled while measured
            profiler.start(int(args.start_window) + 5)
        await measure(
            lambda: client.start_all(args.start_window, args.start_shape),
            f"start: {args.cadres} in {args.start_window:g} s ({args.start_shape})",
        )
        profile_lines = (
            profiling.summarise(profiler.wait(), server.sources, "start") if profiler else []
        )
        # Interleaved rounds, so a burst of load on the shared machine hits every phase alike.
        # Each phase's recorder goes on counting from round to round.
        recorders: dict[str, object] = dict.fromkeys(
            ("alone", "saves", "ceiling", "bare", "versus")
        )
        slice_ = args.duration / args.rounds
        per = f"{args.duration:g} s x{args.concurrency}"

        async def run_slice(key: str, title: str, serving=server, **options) -> None:
            recorders[key] = await measure(
                lambda r=recorders[key]: client.saturate(
                    key, slice_, args.concurrency, recorder=r, **options
                ),
                title,
                recorders[key],
                serving=serving,
            )

        saves = {"saves_per_attempt": args.saves_per_attempt}
        save_slices = [
            lambda: run_slice("saves", f"saves + submits {per} ({args.rounds} rounds)", **saves)
        ]
        if versus:
            save_slices.append(
                lambda: run_slice(
                    "versus",
                    f"saves, {_mode(*args.versus)} (versus)",
                    serving=versus,
                    base=versus.base,
                    **saves,
                )
            )
            for base in (server.base, versus.base):  # each worker loads its caches first
                await client.saturate("warm-up", 3, args.concurrency, base=base, **saves)
        for round_ in range(args.rounds):
            # The save request alone, as the bare ceiling does it: no submits.
            await run_slice("alone", f"save alone {per}", submits=False, **saves)
            # With --versus the two servers take turns going first, so neither always
            # follows the same phase.
            for step in save_slices if round_ % 2 == 0 else save_slices[::-1]:
                await step()
            await run_slice("ceiling", f"ceiling {per} ({args.rounds} rounds)", target="ceiling")
            await run_slice("bare", f"bare ceiling {per}", serving=bare, target="bare")
        if args.profile:
            await asyncio.to_thread(server.wait_idle)
            seconds = max(5, int(args.duration // 2))
            profiler = Profiler(server, workdir, "save")
            profiler.start(seconds)
            await client.saturate(
                "profile", seconds + 1, args.concurrency, saves_per_attempt=args.saves_per_attempt
            )
            profile_lines += profiling.summarise(profiler.wait(), server.sources, "save")
    finally:
        await client.close()
    return {
        "client": client,
        "phases": phases,
        **recorders,
        "profile": profile_lines,
        "notes": notes,
    }


def run_one(kind: str, args, workdir: Path) -> dict:
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with setup.fresh_database(kind, workdir, args.database_url) as url:
        prepared = setup.prepare(url, args.cadres, workdir, args.password_hash)
        setup_seconds = time.perf_counter() - started
        if args.cluster:
            server = ClusterServer(
                url, args.cluster, args.workers, workdir / "cluster", args.threads
            )
            server.work.mkdir(exist_ok=True)
        else:
            server = Server(url, args.workers, args.threads, log=workdir / f"gunicorn-{kind}.log")
        server.start()
        # The bare ceiling: same workers and database, the app's secret (it reads its cookie).
        bare = Server(
            url,
            args.workers,
            args.threads,
            log=workdir / f"bare-{kind}.log",
            app="bench.bare_ceiling:create_bare_app()",
            ready_path="/healthz",
            secret=server.secret,
        )
        versus = None
        if args.versus:  # the same app and database, another worker configuration
            versus = Server(
                url,
                *args.versus,
                log=workdir / f"gunicorn-{kind}-versus.log",
                secret=server.secret,
            )
        try:
            bare.start()
            if versus:
                versus.start()
            outcome = asyncio.run(drive(args, server, prepared, workdir, bare, versus))
        finally:
            if versus:
                versus.stop()
            bare.stop()
            server.stop()
        check = check_answers(url, outcome["client"].cadres)
    loads = (load_before, os.getloadavg()[0])
    return report(kind, args, outcome, check, setup_seconds, server.log, loads)


def exceptions(log: Path) -> Counter:
    """The last line of each traceback in the server's log."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return Counter(line for line in lines if EXCEPTION.match(line))


def _rate(recorder, endpoint: str) -> float:
    return next((r["per_second"] for r in recorder.rows() if r["endpoint"] == endpoint), 0.0)


def _paired(a: list[float], b: list[float]) -> list[float]:
    return [x / y for x, y in zip(a, b, strict=False) if y]


def _rates(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.2f}" for v in values) + "]"


def _medians(outcome: dict) -> dict:
    """Medians over the rounds, and the rounds' own ratios (each round's two slices ran
    back to back, so a burst of load on the shared machine hits both alike)."""

    def rounds(key: str, endpoint: str) -> list[float]:
        recorder = outcome.get(key)
        return list(recorder.round_rates.get(endpoint, [])) if recorder else []

    save, bare = rounds("saves", "save answer"), rounds("bare", "bare ceiling")
    alone, versus = rounds("alone", "save answer"), rounds("versus", "save answer")
    save_bare, save_versus = _paired(alone, bare), _paired(save, versus)

    def median(values: list[float]) -> float:
        return statistics.median(values) if values else 0.0

    return {
        "alone": median(alone),
        "save": median(save),
        "ceiling": median(rounds("ceiling", "ceiling (1 row)")),
        "bare": median(bare),
        "versus": median(versus),
        "save_bare_rounds": save_bare,
        "save_bare": median(save_bare),
        "mix_bare_rounds": _paired(save, bare),
        "versus_rounds": save_versus,
        "save_versus": median(save_versus),
    }


def report(
    kind: str,
    args,
    outcome: dict,
    check,
    setup_seconds: float,
    log: Path,
    loads: tuple[float, float],
) -> dict:
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]
    mode = f"gthread {args.threads} threads" if args.threads > 1 else "sync"
    if args.cluster:
        name += f" through nginx to {args.cluster} app host(s)"
        mode += " each"
    print(
        f"\n== {name}: {args.cadres} cadres, 50-question test; gunicorn {args.workers} "
        f"workers ({mode}); load generator on the same machine; setup {setup_seconds:.0f} s; "
        f"load average {loads[0]:.1f} before, {loads[1]:.1f} after"
    )
    header = (
        f"{'phase':<34}{'endpoint':<17}{'requests':>9}{'ok/s':>8}{'p50 ms':>8}"
        f"{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}{'5xx':>5}{'cpu srv/cli':>13}"
    )
    print(header)
    rows, errors, server_errors, samples = [], 0, 0, Counter()
    for title, recorder in outcome["phases"]:
        for i, row in enumerate(recorder.rows()):
            cpu = (
                (
                    f"{recorder.server_cpu / recorder.elapsed:4.0%}/"
                    f"{recorder.client_cpu / recorder.elapsed:3.0%}"
                )
                if i == 0
                else ""
            )
            print(
                f"{title if i == 0 else '':<34}{row['endpoint']:<17}{row['requests']:>9}"
                f"{row['per_second']:>8.1f}{row['p50_ms']:>8.0f}{row['p95_ms']:>8.0f}"
                f"{row['p99_ms']:>8.0f}{row['errors']:>7}{row['status_5xx']:>5}{cpu:>13}"
            )
            rows.append({"phase": title, **row})
            errors += row["errors"]
            server_errors += row["status_5xx"]
        samples.update(recorder.samples)
    save_rate = _rate(outcome["saves"], "save answer")
    ceiling_rate = _rate(outcome["ceiling"], "ceiling (1 row)")
    ratio = save_rate / ceiling_rate if ceiling_rate else 0.0
    bare_rate = _rate(outcome["bare"], "bare ceiling")
    alone_rate = _rate(outcome["alone"], "save answer")
    bare_ratio = alone_rate / bare_rate if bare_rate else 0.0
    mix_bare_ratio = save_rate / bare_rate if bare_rate else 0.0
    supported = save_rate * SAVE_INTERVAL
    client = outcome["client"]
    medians = _medians(outcome)
    lost = check.lost + check.submits_missing
    print(
        "(cpu: server and load-generator CPU as a share of one core over the phase; 2 cores in all)"
    )

    def mark(good: bool) -> str:
        return "ok" if good else "MISSED"

    print(
        f"save / ceiling throughput   {save_rate:.1f} / {ceiling_rate:.1f} = {ratio:.0%}"
        f"   (goal >= {GOAL_RATIO:.0%}) {mark(ratio >= GOAL_RATIO)}"
    )
    print(
        f"save alone / bare ceiling   {alone_rate:.1f} / {bare_rate:.1f} = {bare_ratio:.0%}"
        "   (throughput; the goal is judged on CPU per request below)"
    )
    print(
        f"saves with submits / bare   {save_rate:.1f} / {bare_rate:.1f} = {mix_bare_ratio:.0%}"
        f"   (one submit per ~{args.saves_per_attempt} saves shares the CPU)"
    )
    print(
        f"cadres at one save per {SAVE_INTERVAL} s  {supported:,.0f}   "
        f"(goal >= {GOAL_CADRES:,}) {mark(supported >= GOAL_CADRES)}"
    )
    print(
        f"lost answers                {check.lost} of {check.acknowledged} acknowledged "
        f"(newest per attempt and question; {check.newer_unacknowledged} newer unacknowledged "
        f"saves stored)   {mark(check.lost == 0)}"
    )
    print(
        f"lost submits                {check.submits_missing} of "
        f"{check.submits_acknowledged}   {mark(check.submits_missing == 0)}"
    )
    print(f"stale resends applied       {client.stale_applied}   {mark(client.stale_applied == 0)}")
    print(
        f"errors / 5xx                {errors} / {server_errors}   "
        f"{mark(errors == 0 and server_errors == 0)}"
    )
    print(
        f"medians of {args.rounds} rounds: save alone {medians['alone']:.1f}/s, saves with "
        f"submits {medians['save']:.1f}/s, in-app ceiling {medians['ceiling']:.1f}/s, bare "
        f"{medians['bare']:.1f}/s; per-round save alone/bare "
        f"{_rates(medians['save_bare_rounds'])} -> median {medians['save_bare']:.0%}"
    )

    def cpu_ms(recorder) -> float:  # server CPU per answered request of the phase
        answered = sum(r["requests"] - r["errors"] for r in recorder.rows()) if recorder else 0
        return recorder.server_cpu * 1000 / answered if answered else 0.0

    def kernel_share(recorder) -> str:
        share = recorder.server_system_cpu / recorder.server_cpu if recorder.server_cpu else 0
        return f"{share:.0%} in the kernel"

    medians["cpu_ms_per_alone"] = cpu_ms(outcome["alone"])
    medians["cpu_ms_per_save"] = cpu_ms(outcome["saves"])
    medians["cpu_ms_per_bare"] = cpu_ms(outcome["bare"])
    print(
        f"server CPU per request: save alone {medians['cpu_ms_per_alone']:.2f} ms "
        f"({kernel_share(outcome['alone'])}; goal <= {GOAL_SAVE_CPU_MS} ms) "
        f"{mark(0 < medians['cpu_ms_per_alone'] <= GOAL_SAVE_CPU_MS)}; saves with submits "
        f"{medians['cpu_ms_per_save']:.2f} ms ({kernel_share(outcome['saves'])}); bare ceiling "
        f"{medians['cpu_ms_per_bare']:.2f} ms ({kernel_share(outcome['bare'])})"
        + (f"; versus save {cpu_ms(outcome['versus']):.2f} ms" if outcome.get("versus") else "")
    )
    # The throughput ratio holds only while the bare phase keeps the server busy. With sync
    # workers and the load generator on the same two cores it does not (the bare phase's
    # server ran at under 90 % of one core where the save's ran at 120 %), so the goal is
    # judged on the CPU each request costs.
    cpu_ratio = (
        medians["cpu_ms_per_bare"] / medians["cpu_ms_per_alone"]
        if medians["cpu_ms_per_alone"]
        else 0.0
    )
    medians["cpu_bare_alone"] = cpu_ratio
    print(
        f"CPU per request, bare / save alone  {cpu_ratio:.0%}   (goal >= {GOAL_BARE_RATIO:.0%}) "
        f"{mark(cpu_ratio >= GOAL_BARE_RATIO)}"
    )
    if outcome.get("versus"):
        medians["cpu_ms_per_versus"] = cpu_ms(outcome["versus"])
        print(
            f"versus ({_mode(*args.versus)}): saves {medians['versus']:.1f}/s median "
            f"({_rate(outcome['versus'], 'save answer'):.1f} over all rounds); per-round "
            f"{_mode(args.workers, args.threads)} / {_mode(*args.versus)} "
            f"{_rates(medians['versus_rounds'])} -> median {medians['save_versus']:.2f}x"
        )
    storm = dict(client.storm)
    if storm:
        until_in = next(
            (
                r
                for title, rec in outcome["phases"]
                for r in rec.rows()
                if r["endpoint"] == "login (until in)"
            ),
            None,
        )
        storm.update(
            cadres=args.cadres,
            window_s=args.login_window,
            failed=args.cadres - storm["in"],
            p50_until_in_s=until_in["p50_ms"] / 1000 if until_in else 0.0,
            p95_until_in_s=until_in["p95_ms"] / 1000 if until_in else 0.0,
        )
        print(
            f"login storm                 {storm['in']:,} of {args.cadres:,} in after "
            f"{storm['all_in_s']:.1f} s (window {args.login_window:g} s); until in: p50 "
            f"{storm['p50_until_in_s']:.1f} s, p95 {storm['p95_until_in_s']:.1f} s; "
            f"{storm['busy']:,} wait answers; {storm['failed']} not in   "
            f"{mark(storm['failed'] == 0)}"
        )
    for line in outcome["notes"]:
        print(f"  note: {line}")
    for line, n in samples.most_common(8):
        print(f"  ! {n} x {line}")
    for line in check.samples:
        print(f"  ! {line}")
    if server_errors:
        print("  gunicorn log, exceptions by count:")
        for line, n in exceptions(log).most_common(5):
            print(f"    {n} x {line[:160]}")
    for line in outcome["profile"]:
        print(line)
    return {
        "database": kind,
        "cadres": args.cadres,
        "workers": args.workers,
        "threads": args.threads,
        "rows": rows,
        "save_per_second": save_rate,
        "ceiling_per_second": ceiling_rate,
        "ratio": ratio,
        "bare_ceiling_per_second": bare_rate,
        "save_alone_per_second": alone_rate,
        "bare_ratio": bare_ratio,
        "mix_bare_ratio": mix_bare_ratio,
        "cluster_hosts": args.cluster or 0,
        "medians": medians,
        "versus": list(args.versus) if args.versus else None,
        "supported_cadres": supported,
        "lost_answers": check.lost,
        "acknowledged": check.acknowledged,
        "lost_submits": check.submits_missing,
        "submits": check.submits_acknowledged,
        "stale_applied": client.stale_applied,
        "errors": errors,
        "status_5xx": server_errors,
        "ok": lost == 0 and errors == 0 and server_errors == 0 and client.stale_applied == 0,
        "profile": outcome["profile"],
        "login_storm": storm or None,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = []
    with tempfile.TemporaryDirectory(prefix="exam_day_") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            results.append(run_one(kind, args, workdir))
    if len(results) > 1:
        print(
            f"\n{'database':<12}{'saves/s':>9}{'ceiling/s':>11}{'ratio':>7}{'cadres@20s':>12}"
            f"{'lost':>6}{'errors':>8}{'5xx':>5}"
        )
        for r in results:
            print(
                f"{r['database']:<12}{r['save_per_second']:>9.1f}"
                f"{r['ceiling_per_second']:>11.1f}{r['ratio']:>7.0%}"
                f"{r['supported_cadres']:>12,.0f}{r['lost_answers']:>6}{r['errors']:>8}"
                f"{r['status_5xx']:>5}"
            )
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

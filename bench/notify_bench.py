"""Notification fan-out: the exam-opened reminder to 10,000 cadres, built and queued, then
delivered through the outbox to a local SMTP sink (aiosmtpd) and a local webhook sink — with
the exam-day save benchmark running alongside (issue 14).

    .venv/bin/python bench/notify_bench.py [--cadres 10000] [--email-share 0.1] [--robots 3]
        [--database-url postgresql+psycopg://postgres@127.0.0.1/postgres]
        [--save-cadres 300] [--alone 15] [--rounds 3] [--concurrency 32] [--workers 4]
        [--threads 4] [--scheduler-yield 4] [--outbox-yield 9] [--no-saves] [--json out.json]

In one run on one database (a temporary SQLite file, or a fresh PostgreSQL database on
``--database-url``, dropped afterwards):

1. **prepare** as ``bench/exam_day.py`` does (``flask db upgrade``, the shipped bank, N cadres
   in one team, ``exams create`` of a published 50-question test whose audience is the team);
   a share of the cadres choose email, the team gets ``--robots`` group robots;
2. **serve** the app under gunicorn; ``--save-cadres`` of the cadres log in and start the test;
3. **saves alone**: ``--concurrency`` virtual users save answers as fast as the server answers
   (the exam-day load generator, ``bench/exam_day/load.py``), ``--alone`` seconds;
4. **saves with the fan-out**: the same load while another process (``--worker``) runs
   ``exams.remind_opened`` through the scheduler's runner (one inbox row per cadre, the
   emails, the robot messages: goal under 10 s for 10,000 cadres), runs it again (must insert
   nothing), then the outbox job until nothing is pending, to an SMTP sink and a webhook sink
   it serves itself; every email and robot message checked as received;
5. the worker deletes what the round wrote (not measured), then **saves alone** again;
   steps 4–5 repeat ``--rounds`` times.

A round's loss is 1 − saves/s during its fan-out ÷ the mean saves/s of the alone phases just
before and just after it (the machine's other load drifts over minutes; adjacent phases keep
the yardstick close). Goal: the median round loses at most 10 %, every build under 10 s.
``--no-saves``: only the fan-out and its delivery, on a ``create_all`` database (quick).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, insert, select, update  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import Team, User, UserRole  # noqa: E402
from app.common.timeutil import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.notify import jobs, outbox  # noqa: E402
from app.notify.cli import lower_priority  # noqa: E402
from app.notify.models import (  # noqa: E402
    Delivery,
    DeliveryAttempt,
    Notification,
    NotificationPreference,
    TeamRobot,
)
from app.quiz.exams.models import Exam, ExamAudience  # noqa: E402
from bench.databases import scratch_pg_database  # noqa: E402
from bench.exam_day import setup as exam_setup  # noqa: E402
from bench.exam_day.load import Client  # noqa: E402
from bench.exam_day.server import Server  # noqa: E402
from bench.sinks import smtp_server, webhook_server  # noqa: E402
from config import Config  # noqa: E402

GOAL_SECONDS = 10.0
GOAL_LOSS = 0.10  # saves/s while the reminder is built and delivered: at most 10 % fewer


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=10_000)
    parser.add_argument("--email-share", type=float, default=0.1, help="who chose email")
    parser.add_argument("--robots", type=int, default=3, help="group robots on the team")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (else SQLite)")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--no-saves", action="store_true", help="the fan-out alone, quick")
    parser.add_argument("--save-cadres", type=int, default=300, help="cadres who save answers")
    parser.add_argument("--alone", type=float, default=15, help="seconds of each saves-alone phase")
    parser.add_argument("--rounds", type=int, default=3, help="fan-outs, each between alone phases")
    parser.add_argument("--concurrency", type=int, default=32, help="saving virtual users")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
    parser.add_argument(
        "--scheduler-yield",
        type=float,
        default=Config.SCHEDULER_YIELD,
        help="the job's pauses: this many times the CPU it used (SCHEDULER_YIELD)",
    )
    parser.add_argument(
        "--outbox-yield",
        type=float,
        default=Config.NOTIFY_OUTBOX_YIELD,
        help="the outbox's pauses after each send (NOTIFY_OUTBOX_YIELD)",
    )
    parser.add_argument("--worker", metavar="URL", help=argparse.SUPPRESS)  # the fan-out side
    return parser.parse_args(argv)


def populate(cadres: int, email_share: float, robots: int, hook_url: str) -> int:
    team = Team(name="基准班子", kind="team", path="")
    db.session.add(team)
    db.session.flush()
    team.path = f"/{team.id}/"
    users = [
        {
            "username": f"bench{i:06d}",
            "name": f"干部{i}",
            "rank": "county",
            "team_id": team.id,
            "email": f"bench{i:06d}@example.org",
            "password_hash": "!",
            "active": True,
        }
        for i in range(cadres)
    ]
    db.session.execute(insert(User), users)
    ids = db.session.scalars(select(User.id).where(User.team_id == team.id)).all()
    db.session.execute(insert(UserRole), [{"user_id": i, "role": "cadre"} for i in ids])
    every = max(1, round(1 / email_share)) if email_share > 0 else 0
    if every:
        db.session.execute(
            insert(NotificationPreference),
            [{"user_id": i, "email": True, "language": "zh_CN"} for i in ids[::every]],
        )
    for n in range(robots):
        kind = ("wecom", "dingtalk", "feishu", "json")[n % 4]
        db.session.add(
            TeamRobot(team_id=team.id, kind=kind, name=kind, url=f"{hook_url}/{kind}", secret="s")
        )
    now = utcnow()
    exam = Exam(
        title="基准考试",
        kind="exam",
        status="published",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=2),
    )
    db.session.add(exam)
    db.session.flush()
    db.session.add(ExamAudience(exam_id=exam.id, kind="team", team_id=team.id))
    db.session.commit()
    return len(ids[::every]) if every else 0


def choose_channels(email_share: float, robots: int, hook_url: str) -> int:
    """On a prepared exam-day database: a share of the cadres choose email (with an address),
    the exam's team gets ``robots`` group robots. Returns how many chose email."""
    team_id = db.session.scalar(select(Team.id).where(Team.name == exam_setup.TEAM[1]))
    ids = db.session.scalars(select(User.id).where(User.team_id == team_id)).all()
    every = max(1, round(1 / email_share)) if email_share > 0 else 0
    chosen = ids[::every] if every else []
    for start in range(0, len(chosen), 1000):
        part = chosen[start : start + 1000]
        db.session.execute(
            update(User).where(User.id.in_(part)).values(email=User.username + "@example.org")
        )
        db.session.execute(
            insert(NotificationPreference),
            [{"user_id": i, "email": True, "language": "zh_CN"} for i in part],
        )
    for n in range(robots):
        kind = ("wecom", "dingtalk", "feishu", "json")[n % 4]
        db.session.add(
            TeamRobot(team_id=team_id, kind=kind, name=kind, url=f"{hook_url}/{kind}", secret="s")
        )
    db.session.commit()
    return len(chosen)


def fan_out(args, inbox, hook, emails: int, progress=None) -> dict:
    """The measured part, through the scheduler's own runner (as `flask scheduler run` runs
    it: JobRun rows, the lock, commits between chunks): build and queue, the no-op second
    run, then the outbox job until nothing is pending."""
    remind, send = jobs.find_job("exams.remind_opened"), jobs.find_job("notify.outbox")
    started = time.perf_counter()
    first = jobs.run_job(remind, trigger="manual", force=True)
    build = time.perf_counter() - started
    started = time.perf_counter()
    second = jobs.run_job(remind, trigger="manual", force=True)
    noop = time.perf_counter() - started
    if progress:
        progress()
    created, again = first.counts.get("count"), second.counts.get("count")
    queued = count(Delivery, Delivery.status == "pending")
    db.session.commit()  # a read of the bench's own, not held through the delivery
    started = time.perf_counter()
    while outbox.pending_count():
        run = jobs.run_job(send, trigger="manual", force=True)
        if not run.counts.get("sent"):
            break
    deliver = time.perf_counter() - started
    sent = count(Delivery, Delivery.status == "sent")
    result = {
        "cadres": args.cadres,
        "notifications": count(Notification),
        "created": created,
        "second_run_created": again,
        "build_and_queue_s": round(build, 3),
        "second_run_s": round(noop, 3),
        "deliveries_queued": queued,
        "emails_expected": emails,
        "emails_received": len(inbox.messages),
        "robot_messages_received": len(hook.received),
        "delivered": sent,
        "deliver_s": round(deliver, 3),
        "deliveries_per_s": round(sent / deliver, 1) if deliver else None,
        "goal_build_s": GOAL_SECONDS,
        "scheduler_yield": args.scheduler_yield,
        "outbox_yield": args.outbox_yield,
    }
    result["ok"] = (
        created == args.cadres
        and again == 0
        and len(inbox.messages) == emails
        and len(hook.received) == args.robots
        and build < GOAL_SECONDS
    )
    return result


def worker(args) -> int:
    """``--worker URL``: the fan-out beside the saves, in a process of its own with its own
    sinks (so neither competes with the load generator's event loop for the GIL). Prints
    ``ready``, waits for a line on stdin, runs, prints its result as JSON."""
    with ExitStack() as stack:
        port, inbox = stack.enter_context(smtp_server())
        hook = stack.enter_context(webhook_server())
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": args.worker,
                "TESTING": False,
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": port,
                "NOTIFY_QUIET_HOURS": "",
                "SCHEDULER_YIELD": args.scheduler_yield,
                "NOTIFY_OUTBOX_YIELD": args.outbox_yield,
            }
        )
        with app.app_context():
            emails = choose_channels(
                args.email_share, args.robots, f"http://127.0.0.1:{hook.server_port}"
            )
            lower_priority(app)  # as `flask scheduler run` does
            print("ready", flush=True)
            while line := sys.stdin.readline():
                if line.strip() == "go":
                    result = fan_out(args, inbox, hook, emails, lambda: print("built", flush=True))
                    # the bench's own counts: end their transaction (on SQLite it began
                    # IMMEDIATE, holding the write lock) before the window closes
                    db.session.remove()
                    print(json.dumps(result), flush=True)  # the window ends here
                elif line.strip() == "reset":  # between rounds, outside the measured windows
                    clear_round(inbox, hook)
                    db.session.remove()
                    print("clean", flush=True)
                else:
                    break
            db.session.remove()
            db.engine.dispose()
    return 0


def clear_round(inbox, hook) -> None:
    """What a round wrote (inbox rows, deliveries and their tries, what the sinks received),
    so the next round builds and delivers the same reminder again."""
    for model in (DeliveryAttempt, Delivery, Notification):
        db.session.execute(delete(model))
    db.session.commit()
    inbox.messages.clear()
    hook.received.clear()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def run(args, url: str) -> dict:
    with ExitStack() as stack:
        port, inbox = stack.enter_context(smtp_server())
        hook = stack.enter_context(webhook_server())
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": port,
                "NOTIFY_QUIET_HOURS": "",
                "NOTIFY_OUTBOX_BATCH": 500,
                "SCHEDULER_YIELD": args.scheduler_yield,
                "NOTIFY_OUTBOX_YIELD": args.outbox_yield,
            }
        )
        with app.app_context():
            db.create_all()
            emails = populate(
                args.cadres, args.email_share, args.robots, f"http://127.0.0.1:{hook.server_port}"
            )
            result = fan_out(args, inbox, hook, emails)
            db.session.remove()
            db.engine.dispose()
    return result


def rate(recorder) -> float:
    return next((r["per_second"] for r in recorder.rows() if r["endpoint"] == "save answer"), 0.0)


async def saves_while(client, args, until, recorder=None):
    """Saturate with saves in 1-second slices until ``until()`` says stop (the recorder
    counts only the time inside the slices)."""
    while True:
        recorder = await client.saturate(
            "saves",
            1.0,
            args.concurrency,
            saves_per_attempt=100_000,  # no submits: every cadre keeps saving
            recorder=recorder,
        )
        if until():
            return recorder


def saved(recorder) -> int:
    return sum(
        r["requests"] - r["errors"] for r in recorder.rows() if r["endpoint"] == "save answer"
    )


async def drive(args, server, prepared, url: str) -> dict:
    usernames = prepared.usernames[: args.save_cadres]
    client = Client(server.base, usernames, prepared.password, prepared.exam_id)
    proc = None
    try:
        await client.login_all(min(32, args.concurrency))
        await client.start_all(max(5.0, args.save_cadres / 30))
        started = sum(1 for c in client.cadres if c.attempt_id)
        proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                url,
                "--cadres",
                str(args.cadres),
                "--email-share",
                str(args.email_share),
                "--robots",
                str(args.robots),
                "--scheduler-yield",
                str(args.scheduler_yield),
                "--outbox-yield",
                str(args.outbox_yield),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = await asyncio.to_thread(proc.stdout.readline)
        if line.strip() != "ready":
            raise RuntimeError(f"the fan-out worker did not start: {line}")

        def after(seconds):
            end = time.perf_counter() + seconds
            return lambda: time.perf_counter() >= end

        def note(what: str) -> None:
            print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)

        def tell(word: str) -> None:
            proc.stdin.write(word + "\n")
            proc.stdin.flush()

        await saves_while(client, args, after(5))  # warm-up, not counted
        await asyncio.to_thread(server.wait_idle)
        note("saves alone")
        alone = [await saves_while(client, args, after(args.alone))]
        rounds, recorders = [], list(alone)
        for _ in range(args.rounds):
            await asyncio.to_thread(server.wait_idle)
            built = asyncio.ensure_future(asyncio.to_thread(proc.stdout.readline))
            note(f"round {len(rounds) + 1}: fan-out")
            tell("go")
            began = time.perf_counter()
            during_build = await saves_while(client, args, built.done)
            build_window = time.perf_counter() - began
            answer = asyncio.ensure_future(asyncio.to_thread(proc.stdout.readline))
            during_delivery = await saves_while(client, args, answer.done)
            window = time.perf_counter() - began
            fan = json.loads(await answer)
            tell("reset")
            if (await asyncio.to_thread(proc.stdout.readline)).strip() != "clean":
                raise RuntimeError("the fan-out worker did not clear the round")
            await asyncio.to_thread(server.wait_idle)
            note("saves alone")
            alone.append(await saves_while(client, args, after(args.alone)))
            recorders += [during_build, during_delivery, alone[-1]]
            yardstick = (rate(alone[-2]) + rate(alone[-1])) / 2
            during = (saved(during_build) + saved(during_delivery)) / (
                during_build.elapsed + during_delivery.elapsed
            )
            rounds.append(
                {
                    **fan,
                    "saves_alone_before_per_s": round(rate(alone[-2]), 1),
                    "saves_during_build_per_s": round(rate(during_build), 1),
                    "saves_during_per_s": round(during, 1),
                    "saves_alone_after_per_s": round(rate(alone[-1]), 1),
                    "build_window_s": round(build_window, 1),
                    "fan_out_window_s": round(window, 1),
                    "save_loss": round(1 - during / yardstick, 3) if yardstick else None,
                }
            )
        tell("quit")
        proc.wait(60)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        await client.close()
    errors = sum(r["errors"] + r["status_5xx"] for rec in recorders for r in rec.rows())
    losses = sorted(r["save_loss"] for r in rounds if r["save_loss"] is not None)
    return {
        "save_cadres_started": started,
        "rounds": rounds,
        "build_and_queue_s": [r["build_and_queue_s"] for r in rounds],
        "second_run_s": [r["second_run_s"] for r in rounds],
        "deliver_s": [r["deliver_s"] for r in rounds],
        "saves_alone_per_s": [round(rate(a), 1) for a in alone],
        "saves_during_per_s": [r["saves_during_per_s"] for r in rounds],
        "save_losses": [r["save_loss"] for r in rounds],
        "median_save_loss": losses[len(losses) // 2] if losses else None,
        "goal_loss": GOAL_LOSS,
        "save_errors": errors,
        "scheduler_yield": args.scheduler_yield,
        "outbox_yield": args.outbox_yield,
        "ok": all(r["ok"] for r in rounds),
    }


def run_alongside(args) -> dict:
    load_before = os.getloadavg()[0]
    kind = "postgresql" if args.database_url else "sqlite"
    with tempfile.TemporaryDirectory(prefix="notify_bench_") as tmp:
        workdir = Path(tmp)
        with exam_setup.fresh_database(kind, workdir, args.database_url) as url:
            prepared = exam_setup.prepare(url, args.cadres, workdir)
            server = Server(url, args.workers, args.threads, log=workdir / "gunicorn.log")
            server.start()
            try:
                result = asyncio.run(drive(args, server, prepared, url))
            finally:
                server.stop()
    result["load_average_before_after"] = (round(load_before, 1), round(os.getloadavg()[0], 1))
    result["ok"] = (
        result["ok"]
        and result["median_save_loss"] is not None
        and result["median_save_loss"] <= GOAL_LOSS
        and result["save_errors"] == 0
    )
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    if not args.no_saves:
        result = run_alongside(args)
        result["database"] = "postgresql" if args.database_url else "sqlite"
        return report(args, result)
    with ExitStack() as stack:
        if args.database_url:
            url = stack.enter_context(scratch_pg_database(args.database_url, "xuekao_notify"))
        else:
            url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/bench.db"
        result = run(args, url)
    result["database"] = "postgresql" if args.database_url else "sqlite"
    return report(args, result)


def report(args, result: dict) -> int:
    for key, value in result.items():
        if key == "rounds":  # one line a round: its figures, then its own checks
            for n, one in enumerate(value, 1):
                print(f"{'round ' + str(n):>26}: " + ", ".join(f"{k}={v}" for k, v in one.items()))
            continue
        print(f"{key:>26}: {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Notification fan-out: the exam-opened reminder to 10,000 cadres, built and queued, then
delivered through the outbox to a local SMTP sink (aiosmtpd) and a local webhook sink.

    .venv/bin/python bench/notify_bench.py [--cadres 10000] [--email-share 0.1]
        [--robots 3] [--database-url postgresql+psycopg://postgres@127.0.0.1/postgres]
        [--json out.json]

Measures, in one run on one database (a temporary SQLite file, or a fresh PostgreSQL database
on ``--database-url``, dropped afterwards):

1. **build and queue**: ``exams.remind_opened`` for a published exam whose audience is the
   whole team — one inbox row per cadre (dedupe keys, ``INSERT … ON CONFLICT DO NOTHING`` in
   chunks of 1,000), an email queued for the share who chose email, one message per team robot.
   Goal (issue 14): under 10 s for 10,000 cadres. The same job run again must insert nothing
   (its time is printed beside: the cost of a no-op sweep);
2. **delivery**: the outbox job, batch after batch until nothing is pending, to the sinks on
   127.0.0.1; emails per second, and every email and robot message checked as received.

Not measured here (issue 14 asks for it): the exam-day save benchmark running alongside, to
show the fan-out costs saves at most 10 % of their throughput. ``bench/exam_day.py`` is that
benchmark; running the two together is left to the lead's bench run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import Team, User, UserRole  # noqa: E402
from app.common.timeutil import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.notify import outbox  # noqa: E402
from app.notify.models import Delivery, Notification, NotificationPreference, TeamRobot  # noqa: E402
from app.quiz.exams import reminders  # noqa: E402
from app.quiz.exams.models import Exam, ExamAudience  # noqa: E402
from bench.databases import scratch_pg_database  # noqa: E402
from bench.sinks import smtp_server, webhook_server  # noqa: E402

GOAL_SECONDS = 10.0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=10_000)
    parser.add_argument("--email-share", type=float, default=0.1, help="who chose email")
    parser.add_argument("--robots", type=int, default=3, help="group robots on the team")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (else SQLite)")
    parser.add_argument("--json", help="write the results here")
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
            }
        )
        with app.app_context():
            db.create_all()
            emails = populate(
                args.cadres, args.email_share, args.robots, f"http://127.0.0.1:{hook.server_port}"
            )
            started = time.perf_counter()
            created = reminders.remind_opened()
            db.session.commit()
            build = time.perf_counter() - started
            started = time.perf_counter()
            again = reminders.remind_opened()
            db.session.commit()
            noop = time.perf_counter() - started
            queued = count(Delivery, Delivery.status == "pending")

            started = time.perf_counter()
            while outbox.pending_count():
                counts = outbox.send_due()
                if not counts["sent"]:
                    break
            deliver = time.perf_counter() - started
            sent = count(Delivery, Delivery.status == "sent")
            notes = count(Notification)
            db.session.remove()
            db.engine.dispose()
    result = {
        "cadres": args.cadres,
        "notifications": notes,
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
    }
    result["ok"] = (
        created == args.cadres
        and again == 0
        and len(inbox.messages) == emails
        and len(hook.received) == args.robots
        and build < GOAL_SECONDS
    )
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    with ExitStack() as stack:
        if args.database_url:
            url = stack.enter_context(scratch_pg_database(args.database_url, "xuekao_notify"))
        else:
            url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/bench.db"
        result = run(args, url)
    result["database"] = "postgresql" if args.database_url else "sqlite"
    for key, value in result.items():
        print(f"{key:>26}: {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

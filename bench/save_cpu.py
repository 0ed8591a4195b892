"""The answer save's CPU in one process, without HTTP: the app's save route and the bare
ceiling (bench/bare_ceiling.py) called through their WSGI entry points in alternating rounds,
with the same cookie, CSRF header and body shape, on the exam-day database (SQLite). Each side
goes first every other round.

    .venv/bin/python bench/save_cpu.py [--saves 2000] [--rounds 9] [--profile]

What gunicorn, the sockets and the load generator add is left out (bench/exam_day.py measures
the whole), so the figures are steady enough (±3 %) to tell a change of 30 µs: a check of
the stack's own cost, change by change. ``--profile`` adds cProfile's heaviest calls of one
more round of saves (cProfile slows small calls most: use it for where, not how much).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.exam_day import setup  # noqa: E402

USER_AGENT = "save-cpu-bench"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=2000, help="requests per round and side")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--profile", action="store_true")
    return parser.parse_args(argv)


class Caller:
    """PUTs one JSON body to a WSGI app, as gunicorn would hand it over, and checks the
    answer is a 200 that applied the save."""

    def __init__(self, wsgi_app, path: str, cookie: str, csrf: str) -> None:
        self.wsgi_app, self.path, self.cookie, self.csrf = wsgi_app, path, cookie, csrf

    def put(self, body: dict) -> None:
        data = json.dumps(body).encode()
        environ = {
            "REQUEST_METHOD": "PUT",
            "PATH_INFO": self.path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(data),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(data)),
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_COOKIE": self.cookie,
            "HTTP_X_CSRFTOKEN": self.csrf,
            "HTTP_USER_AGENT": USER_AGENT,
        }
        status: list[str] = []
        answer = b"".join(self.wsgi_app(environ, lambda s, _h, _e=None: status.append(s)))
        if not status or not status[0].startswith("200") or b'"applied":true' not in answer:
            raise RuntimeError(f"{self.path}: {status} {answer[:300]!r}")


def prepare(workdir: Path) -> tuple[Caller, Caller]:
    url = f"sqlite:///{workdir / 'save_cpu.db'}"
    os.environ["DATABASE_URL"], os.environ["SECRET_KEY"] = url, "save-cpu-bench-" + "x" * 32
    prepared = setup.prepare(url, 4, workdir)
    # Imported here: the bench apps read DATABASE_URL and SECRET_KEY as their modules load.
    # The request log line is written as under gunicorn, where it goes to a file.
    handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115 (lives with the run)
    handler.setFormatter(logging.Formatter("%(message)s"))
    request_log = logging.getLogger("xuekao.request")
    request_log.handlers[:] = [handler]  # not the terminal: prepare()'s app set that up
    request_log.propagate = False
    from bench.bare_ceiling import create_bare_app
    from bench.bench_app import create_bench_app

    app, bare = create_bench_app(), create_bare_app()
    client = app.test_client()
    headers = {"User-Agent": USER_AGENT}  # Flask-Login's session protection hashes it
    login = client.post(
        "/api/v1/auth/login",
        json={"username": prepared.usernames[0], "password": prepared.password},
        headers=headers,
    )
    csrf = login.get_json()["csrf_token"]
    state = client.post(
        f"/api/v1/exams/{prepared.exam_id}/attempts", headers={**headers, "X-CSRFToken": csrf}
    ).get_json()
    question = next(q for q in state["questions"] if q["type"] == "judge")
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    tail = f"{state['attempt_id']}/answers/{question['id']}"
    return (
        Caller(app, f"/api/v1/attempts/{tail}", cookie, csrf),
        Caller(bare, f"/api/v1/bench/bare/{tail}", cookie, csrf),
    )


def cpu_ms_per_request(caller: Caller, count: int, seq: list[int]) -> float:
    started = time.process_time()
    for _ in range(count):
        seq[0] += 1
        caller.put({"response": seq[0] % 2 == 0, "seq": seq[0]})
    return (time.process_time() - started) / count * 1000


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="save_cpu_") as tmp:
        save, bare = prepare(Path(tmp))
        seq = [0]
        for caller in (save, bare):  # warm: caches, the pool, the compiled statements
            cpu_ms_per_request(caller, 200, seq)
        saves, bares = [], []
        for round_ in range(args.rounds):  # each side goes first every other round
            for caller, figures in [(save, saves), (bare, bares)][:: 1 if round_ % 2 else -1]:
                figures.append(cpu_ms_per_request(caller, args.saves, seq))
        print(
            f"CPU per request, in-process (median of {args.rounds} rounds of {args.saves}): "
            f"save {statistics.median(saves):.3f} ms, bare ceiling "
            f"{statistics.median(bares):.3f} ms"
        )
        extra = statistics.median(s - b for s, b in zip(saves, bares, strict=True))
        ratio = statistics.median(b / s for s, b in zip(saves, bares, strict=True))
        print(f"per round: save - bare {extra:.3f} ms; bare / save {ratio:.0%}")
        print("rounds, save:", " ".join(f"{v:.3f}" for v in saves))
        print("rounds, bare:", " ".join(f"{v:.3f}" for v in bares))
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            cpu_ms_per_request(save, args.saves, seq)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

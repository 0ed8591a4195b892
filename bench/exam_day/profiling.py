"""Where a request's wall time goes, from py-spy's collapsed stacks of the workers
(recorded with ``--idle``, so waiting on the database counts, as the cadre waits too).
Only samples inside a Flask request (``wsgi_app``) count."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>.+?)(?::(?P<line>\d+))?\)$")

# Leaf → what the time is spent on (first match wins): (label, functions, files).
DRIVER_CALLS = ("do_execute", "do_executemany", "do_commit", "do_rollback", "do_ping", "do_begin")
LEAF_KINDS = (
    (
        "in the database driver: SQL, commit, ping, lock waits (C / socket)",
        DRIVER_CALLS,
        ("sqlalchemy/engine/default.py",),
    ),
    ("in the database driver (psycopg's Python)", (), ("psycopg/", "psycopg_binary")),
    ("SQLAlchemy (statement building, ORM, pool)", (), ("sqlalchemy/",)),
    ("Flask, Werkzeug", (), ("flask/", "werkzeug/", "jinja2/")),
    ("session cookie signing / serialising", (), ("itsdangerous/", "json/")),
    (
        "extensions (Login, WTF CSRF, Limiter, Babel)",
        (),
        (
            "flask_login/",
            "flask_wtf/",
            "flask_limiter/",
            "limits/",
            "flask_babel/",
            "babel/",
            "wtforms/",
        ),
    ),
    ("Markdown rendering and nh3 sanitising", (), ("markdown/", "app/common/markup.py")),
    ("gunicorn", (), ("gunicorn/",)),
    ("application code (app/, bench/)", (), ("app/", "bench/")),
)

# Steps, inclusive (a sample counts in every step it is under): (label, function, file).
COMMON = (
    ("request total (wsgi_app)", "wsgi_app", "flask/app.py"),
    (
        "  BEGIN (IMMEDIATE on SQLite: waits at the gate for the write lock)",
        "_on_begin",
        "app/common/db.py",
    ),
    ("  pool checkout ping (pool_pre_ping)", "do_ping", "sqlalchemy/engine/default.py"),
    ("  load user + roles (Flask-Login user loader)", "load_session_user", ""),
    ("  CSRF check (Flask-WTF)", "protect", "flask_wtf/csrf.py"),
)
TAIL = (
    ("  session flush (INSERT/UPDATE)", "flush", "sqlalchemy/orm/session.py"),
    ("  commit", "commit", "sqlalchemy/orm/session.py"),
    ("  session cookie save (after request)", "save_session", "flask/sessions.py"),
)
STEPS = {
    "save": COMMON
    + (
        ("  view: quiz_api.save_answer", "save_answer", "app/quiz/exams/api.py"),
        ("    service: attempts.save_answer", "save_answer", "exams/services/attempts.py"),
        ("      response_from_api (validate)", "response_from_api", "attempts.py"),
        (
            "      begin_write (SQLite: waits at the gate for the write lock)",
            "begin_write",
            "common/db.py",
        ),
        ("      answer_store.upsert_answer (one statement)", "upsert_answer", "answer_store.py"),
        ("  view: quiz_api.submit_attempt", "submit_attempt", "app/quiz/exams/api.py"),
        ("    marking.grade_attempt", "grade_attempt", "services/marking.py"),
        ("    hooks.announce (mistake book)", "announce", "exams/hooks.py"),
    )
    + TAIL,
    "start": COMMON
    + (
        ("  view: quiz_api.start_attempt", "start_attempt", "app/quiz/exams/api.py"),
        ("    service: attempts.start_attempt", "start_attempt", "exams/services/attempts.py"),
        ("      refusal (audience, attempts used)", "refusal", "attempts.py"),
        ("      assembly.draw_paper", "draw_paper", "assembly.py"),
        ("      record_event", "record_event", "events.py"),
        ("    api_json.attempt_state (the paper as JSON)", "attempt_state", "api_json.py"),
        ("      render_markdown (stems and options)", "render_markdown", "common/markup.py"),
        ("  view: quiz_api.save_answer", "save_answer", "app/quiz/exams/api.py"),
        ("  auth_api.login", "login", "app/auth/api.py"),
    )
    + TAIL,
}
# Statement by statement: (function, file) whose lines are listed.
BY_LINE = {
    "save": (
        ("save_answer", "app/quiz/exams/services/attempts.py"),
        ("submit_attempt", "app/quiz/exams/services/attempts.py"),
    ),
    "start": (("start_attempt", "app/quiz/exams/api.py"),),
}


def _is(func: str, name: str) -> bool:
    """py-spy names methods ``Class.method``."""
    return func == name or func.endswith("." + name)


def _frames(stack: str) -> list[tuple[str, str, int]]:
    parsed = []
    for part in stack.split(";"):
        m = FRAME.match(part.strip())
        if m:
            parsed.append((m["func"], m["file"], int(m["line"] or 0)))
    return parsed


def load(files: list[Path]) -> list[tuple[list[tuple[str, str, int]], int]]:
    stacks = []
    for path in files:
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                frames = _frames(stack)
                if any(_is(f, "wsgi_app") and "flask/app.py" in file for f, file, _ in frames):
                    stacks.append((frames, int(count)))
    return stacks


def summarise(files: list[Path], sources: dict[str, list[str]], path: str = "save") -> list[str]:
    """``sources``: the lines of the files in BY_LINE as the workers loaded them."""
    stacks = load(files)
    total = sum(n for _, n in stacks)
    if not total:
        return ["profile: no samples inside requests (is py-spy allowed to attach?)"]
    out = [
        f"profile of the {path} phase: {total} samples inside requests (py-spy --idle, all workers)"
    ]
    out.append("  where the time is spent (innermost Python frame):")
    kinds: Counter = Counter()
    for frames, n in stacks:
        func, file, _line = frames[-1]
        kind = next(
            (
                label
                for label, funcs, files in LEAF_KINDS
                if (not funcs or any(_is(func, f) for f in funcs))
                and any(key in file for key in files)
            ),
            "other (stdlib: re, json, …)",
        )
        kinds[kind] += n
    for kind, n in kinds.most_common():
        out.append(f"    {100 * n / total:5.1f} %  {kind}")
    out.append("  steps (inclusive):")
    for label, func, file in STEPS[path]:
        n = sum(
            c for frames, c in stacks if any(_is(f, func) and file in fl for f, fl, _ in frames)
        )
        if n:
            out.append(f"    {100 * n / total:5.1f} %  {label}")
    # Statement by statement: which line is waiting or working.
    for func_name, suffix in BY_LINE[path]:
        source = dict(enumerate(sources.get(suffix, []), 1))
        by_line: Counter = Counter()
        for frames, n in stacks:
            for func, file, line in frames:
                if _is(func, func_name) and file.endswith(suffix):
                    by_line[line] += n
                    break
        if by_line:
            out.append(f"  {suffix} {func_name}() by line (inclusive):")
            for line, n in by_line.most_common(6):
                text = source.get(line, "").strip()[:70]
                out.append(f"    {100 * n / total:5.1f} %  :{line}  {text}")
    return out

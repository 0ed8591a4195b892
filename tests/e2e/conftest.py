"""Browser journeys: the real app served by a real server process on a fresh SQLite
database with the demo data, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
# screenshots of the journeys (kept as CI artefacts; gitignored, never committed)
OUTPUT = ROOT / "tests" / "e2e" / "output"


def screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Save what the page shows now as ``tests/e2e/output/NAME.png``."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_env(tmp_path_factory) -> dict[str, str]:
    """The live server's environment: a test runs the CLI (``FLASK + [...]``) with it to
    change the server's database."""
    db_file = tmp_path_factory.mktemp("e2e") / "e2e.db"
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_file}",
        "XUEKAO_CONFIG": "development",
        "LOGIN_RATE_LIMIT": "1000 per minute",
    }


@pytest.fixture(scope="session")
def live_server(live_env):
    """Base URL of a server process with migrated, demo-loaded data."""
    env = live_env
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(FLASK + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    # The server's output goes to a file, never an unread pipe: one log line per request
    # fills a pipe's 64 KiB within a few journeys and the server then blocks on its write.
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = open(OUTPUT / "e2e-server.log", "wb")  # noqa: SIM115 (closed at the end)
    process = subprocess.Popen(
        FLASK + ["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)  # clock-ok: polling a real server process until it listens
    else:
        process.kill()
        raise RuntimeError("the e2e server did not start")
    yield base
    process.terminate()
    process.wait(10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def login(page, username: str, password: str = "xuekao-demo") -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    # The page's script sends the form itself (it can then wait in the login queue) and
    # goes on when the server says where.
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state()

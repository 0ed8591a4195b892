"""A cadre opens the course assigned to them, reads a lesson to its end and sees the
progress recorded. The server runs with a one-second heartbeat and a small reading
fraction (configuration only), so the journey takes seconds, not minutes."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import FLASK, ROOT, _free_port, login

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def course_server(tmp_path_factory):
    db_file = tmp_path_factory.mktemp("e2e-courses") / "e2e.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_file}",
        "XUEKAO_CONFIG": "development",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "COURSE_ATTACHMENT_DIR": str(db_file.parent / "attachments"),
        "COURSE_HEARTBEAT_SECONDS": "1",
        "COURSE_MIN_READ_FRACTION": "0.005",  # a 7-minute lesson needs 3 visible seconds
    }
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(FLASK + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen(
        FLASK + ["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


@pytest.fixture
def reader(browser, course_server):
    context = browser.new_context(
        base_url=course_server, locale="zh-CN", viewport={"width": 390, "height": 700}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def test_cadre_reads_a_lesson_to_the_end_and_sees_progress(reader):
    page = reader
    login(page, "cadre")
    todo = page.locator("#todo a", has_text="以政治建设为统领")
    assert "轮训" in todo.inner_text() and "已学 0%" in todo.inner_text()
    todo.click()
    page.wait_for_load_state()
    assert "已学 0 / 6 个章节" in page.inner_text("#course-progress")

    page.click("#course-progress >> text=开始学习")
    page.wait_for_load_state()
    assert page.url.endswith("/courses/political-building/theory-study")
    status = page.locator("#lesson-status")
    # reading time is counted while the page is visible, but the end has not been reached
    expect(status).to_contain_text("请读到本章末尾")
    page.wait_for_timeout(4000)  # more than the 3 s this lesson needs at this fraction
    assert "本章已学完" not in status.inner_text()

    page.locator("[data-lesson-end]").scroll_into_view_if_needed()
    expect(page.locator("#lesson[data-studied=true]")).to_be_attached(timeout=20_000)
    expect(status).to_contain_text("本章已学完")
    expect(status).to_contain_text("课程进度 17%")

    page.click("nav[aria-label=breadcrumb] >> text=以政治建设为统领")
    page.wait_for_load_state()
    assert "已学 1 / 6 个章节" in page.inner_text("#course-progress")
    assert "继续学习：第二讲" in page.inner_text("#course-progress")
    assert page.locator("[data-lesson-done]").count() == 1
    assert not page.console_errors, page.console_errors  # includes CSP violations


def test_a_missed_question_lands_on_its_paragraph(reader):
    page = reader
    login(page, "cadre")
    page.goto("/courses/political-building/theory-study#centre-group")
    heading = page.locator("h2#centre-group")
    assert heading.inner_text() == "抓实理论中心组学习制度"
    expect(heading).to_be_in_viewport()  # the browser scrolled to the paragraph
    assert not page.console_errors, page.console_errors

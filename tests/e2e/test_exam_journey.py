"""A cadre sits the demo level test on a phone: answers questions of every kind, reloads and
finds them, loses the network and gets it back without losing an answer, closes the tab
while offline and finds the answer sent on return, sees the same answers on a second
device, submits and sees the result. A one-minute test runs out and submits itself.
Leaving the page too often submits the attempt, after a warning. Another person's attempt
is out of reach."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import FLASK, ROOT, login

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
BANK = "领导班子政治建设题库"
# Chromium logs each fetch refused by the emulated offline network; that is the test's doing.
OFFLINE_NOISE = "ERR_INTERNET_DISCONNECTED"


def _watched(page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    return page


def _context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server, locale="zh-CN", **options)
    return context, _watched(context.new_page())


@pytest.fixture
def phone(browser, live_server):
    context, page = _context(browser, live_server, **PHONE)
    yield page
    context.close()


def real_errors(page) -> list[str]:
    """Console errors (CSP violations included) other than the emulated offline network."""
    return [e for e in page.console_errors if OFFLINE_NOISE not in e]


def server_attempt(page, attempt_id: int) -> dict:
    response = page.request.get(f"/api/v1/attempts/{attempt_id}")
    assert response.ok, response.status
    return response.json()


def attempt_id_of(page) -> int:
    return int(page.get_attribute("#exam", "data-attempt-id"))


def start_from_my_exams(page, title: str) -> int:
    """Through the pages a cadre uses: 我的考试 → the exam → 开始考试 (confirmed)."""
    page.goto("/exams/")
    page.click(f"text={title}")
    boxes: list[str] = []

    def browser_box(dialog) -> None:
        boxes.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", browser_box)
    page.click("button:has-text('开始考试')")
    # the page's own dialog, styled like the submit dialog; the browser's confirm() never shows
    page.wait_for_selector("#xk-confirm.show")
    page.remove_listener("dialog", browser_box)  # later journeys answer their own dialogs
    assert boxes == []
    assert "计时不会暂停" in page.inner_text("#xk-confirm")
    page.click("#xk-confirm [data-confirm-ok]")
    page.wait_for_url("**/exams/attempts/*")
    page.wait_for_selector(".xk-question")
    return attempt_id_of(page)


def option_ids(question) -> list[str]:
    """The opaque option ids of a question on the page, in display order."""
    return question.locator(".xk-answer input").evaluate_all("inputs => inputs.map(i => i.value)")


def wait_all_saved(page) -> None:
    page.wait_for_selector("#exam-save-status[data-state=saved]", timeout=10_000)


def create_exam(live_env, tmp_path, title: str, **fields) -> None:
    """An exam published to the demo cadre through ``flask exams create``, open from five
    minutes ago for a day. The live server runs on the real clock, so the window is taken from
    it too, in UTC with its offset: no hour of the day or Shanghai date enters."""
    now = datetime.now(UTC).replace(microsecond=0)  # clock-ok: the live server's own clock
    spec = {
        "title": title,
        "opens_at": (now - timedelta(minutes=5)).isoformat().replace("+00:00", "Z"),
        "closes_at": (now + timedelta(days=1)).isoformat().replace("+00:00", "Z"),
        "audience": {"users": ["cadre"]},
        "paper": {
            "rules": [
                {"bank": BANK, "type": "single", "count": 2, "points": 5},
                {"bank": BANK, "type": "essay", "count": 1, "points": 10},
            ]
        },
        "publish": True,
        **fields,
    }
    path = tmp_path / "exam.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        FLASK + ["exams", "create", str(path)], cwd=ROOT, env=live_env, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()


def test_cadre_sits_the_level_test_on_a_phone(phone, browser, live_server):
    page = phone
    login(page, "cadre")
    exams = page.request.get("/api/v1/exams").json()["exams"]
    level = next(e for e in exams if e["kind"] == "level_test" and e["can_start"])
    attempt_id = start_from_my_exams(page, level["title"])

    total = page.locator(".xk-question").count()
    assert total == 20
    for heading in ("单选题", "多选题", "判断题", "填空题"):
        assert heading in page.inner_text("#exam-questions")
    assert page.locator("#exam-nav-grid .xk-nav-item").count() == total
    assert not page.is_visible("#exam-nav-grid")  # folded away on a phone
    assert "已答 0/20" in page.inner_text("#exam-nav-toggle")
    countdown = page.inner_text("[data-countdown]")
    assert countdown in ("30:00", "29:59", "29:58"), countdown
    assert "text-bg-warning" not in page.get_attribute("#exam-countdown", "class")

    single = page.locator(".xk-question[data-type=single]").nth(0)
    multiple = page.locator(".xk-question[data-type=multiple]").nth(0)
    judge = page.locator(".xk-question[data-type=judge]").nth(0)
    blank = page.locator(".xk-question[data-type=blank]").nth(0)
    single.locator(".xk-option").nth(1).click()
    multiple.locator(".xk-option").nth(0).click()
    multiple.locator(".xk-option").nth(2).click()
    judge.locator(".xk-option", has_text="错误").click()
    blank_inputs = blank.locator("input[data-blank]")
    for i in range(blank_inputs.count()):
        blank_inputs.nth(i).fill(f"答案{i + 1}")
    wait_all_saved(page)
    for question in (single, multiple, judge, blank):
        assert question.get_attribute("data-state") == "saved"
        assert "已保存" in question.locator(".xk-qstatus").inner_text()

    answered = {"single": single, "multiple": multiple, "judge": judge, "blank": blank}
    ids = {name: question.get_attribute("data-qid") for name, question in answered.items()}
    single_ids, multiple_ids = option_ids(single), option_ids(multiple)
    stored = server_attempt(page, attempt_id)["answers"]
    assert stored[ids["single"]] == single_ids[1]
    assert sorted(stored[ids["multiple"]]) == sorted([multiple_ids[0], multiple_ids[2]])
    assert stored[ids["judge"]] is False
    assert stored[ids["blank"]] == [f"答案{i + 1}" for i in range(blank_inputs.count())]

    # Flag one for review, reload: answers and the flag are still there. All is saved, so
    # nothing asks before leaving (a beforeunload dialog would cancel this reload).
    judge.locator("[data-flag]").click()
    page.reload()
    page.wait_for_selector(".xk-question")
    wait_all_saved(page)
    assert single.locator(".xk-answer input").nth(1).is_checked()
    assert multiple.locator(".xk-answer input").nth(0).is_checked()
    assert multiple.locator(".xk-answer input").nth(2).is_checked()
    assert not multiple.locator(".xk-answer input").nth(1).is_checked()
    assert judge.locator(".xk-answer input[value=false]").is_checked()
    assert blank_inputs.nth(0).input_value() == "答案1"
    assert "已答 4/20" in page.inner_text("#exam-nav-toggle")
    nav_judge = page.locator(f"#exam-nav-grid [data-qid='{ids['judge']}']")
    assert "xk-flagged" in nav_judge.get_attribute("class")
    assert "xk-answered" in nav_judge.get_attribute("class")

    # The network drops: the answer waits in the browser, marked unsaved, and goes when it
    # comes back.
    second_single = page.locator(".xk-question[data-type=single]").nth(1)
    second_id = second_single.get_attribute("data-qid")
    page.context.set_offline(True)
    second_single.locator(".xk-option").nth(0).click()
    page.wait_for_selector(f".xk-question[data-qid='{second_id}'][data-state=unsaved]")
    assert page.get_attribute("#exam-save-status", "data-state") == "unsaved"
    assert "网络已断开" in page.inner_text("#exam-save-status")
    assert "未保存" in second_single.locator(".xk-qstatus").inner_text()
    page.context.set_offline(False)
    wait_all_saved(page)
    assert second_single.get_attribute("data-state") == "saved"
    stored = server_attempt(page, attempt_id)["answers"]
    assert stored[second_id] == option_ids(second_single)[0]

    # Offline again, answer, close the tab; back online, the attempt reopened sends it.
    third_single = page.locator(".xk-question[data-type=single]").nth(2)
    third_id = third_single.get_attribute("data-qid")
    third_choice = option_ids(third_single)[2]
    page.context.set_offline(True)
    third_single.locator(".xk-option").nth(2).click()
    page.wait_for_selector(f".xk-question[data-qid='{third_id}'][data-state=unsaved]")
    errors = real_errors(page)
    context = page.context
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"]  # asked, since an answer is unsaved
    context.set_offline(False)
    page = _watched(context.new_page())
    page.goto(f"/exams/attempts/{attempt_id}")
    page.wait_for_selector(".xk-question")
    wait_all_saved(page)
    assert page.locator(f"#q-{third_id} input[value='{third_choice}']").is_checked()
    assert server_attempt(page, attempt_id)["answers"][third_id] == third_choice

    # A second device (a desktop) sees every saved answer and the navigator beside them.
    desktop, other = _context(browser, live_server, viewport={"width": 1280, "height": 900})
    login(other, "cadre")
    other.goto(f"/exams/attempts/{attempt_id}")
    other.wait_for_selector(".xk-question")
    assert other.is_visible("#exam-nav-grid")
    assert other.locator(f"#q-{ids['single']} .xk-answer input").nth(1).is_checked()
    assert other.locator(f"#q-{third_id} input[value='{third_choice}']").is_checked()
    assert other.locator(f"#q-{ids['blank']} input[data-blank]").nth(0).input_value() == "答案1"
    assert "已答 6/20" in other.inner_text("#exam-nav")
    assert not other.console_errors, other.console_errors
    desktop.close()

    # Submit: the dialog lists what is unanswered; confirming leads to the result.
    unanswered = [
        n + 1
        for n, cls in enumerate(
            page.locator("#exam-nav-grid .xk-nav-item").evaluate_all(
                "items => items.map(i => i.className)"
            )
        )
        if "xk-answered" not in cls
    ]
    assert len(unanswered) == 14
    page.click("#exam-submit")
    page.wait_for_selector("#exam-submit-modal.show")
    listed = page.inner_text("#exam-submit-modal [data-unanswered]")
    assert "以下题目尚未作答" in listed
    assert listed.split("：")[1] == "、".join(str(n) for n in unanswered)
    page.click("#exam-submit-confirm")
    page.wait_for_url(f"**/exams/attempts/{attempt_id}/result")
    assert page.is_visible("#result-summary")
    assert "得分" in page.inner_text("#result-summary")
    assert server_attempt(page, attempt_id)["status"] == "submitted"
    assert not errors + real_errors(page), errors + real_errors(page)


def test_a_one_minute_test_submits_itself_when_time_runs_out(phone, live_env, tmp_path):
    title = "一分钟测验（自动交卷）"
    create_exam(live_env, tmp_path, title, duration_minutes=1, grace_seconds=0)
    page = phone
    login(page, "cadre")
    attempt_id = start_from_my_exams(page, title)
    page.locator(".xk-question[data-type=single]").nth(0).locator(".xk-option").nth(0).click()
    wait_all_saved(page)
    page.wait_for_selector(".xk-countdown.text-bg-warning")  # the last five minutes

    # Typed a moment before the end and never left the field: it still counts.
    essay = page.locator(".xk-question[data-type=essay] textarea")
    page.wait_for_function(
        "() => document.querySelector('[data-countdown]').textContent <= '00:05'",
        timeout=70_000,
        polling=200,
    )
    essay.type("学思用贯通")
    page.wait_for_url(f"**/exams/attempts/{attempt_id}/result", timeout=20_000)
    assert page.is_visible("#result-summary")
    assert "自动交卷" in page.inner_text("#result-summary")  # the timer's submit, not the cadre's
    state = server_attempt(page, attempt_id)
    assert state["status"] == "submitted"
    essay_id = next(q["id"] for q in state["questions"] if q["type"] == "essay")
    assert state["answers"][str(essay_id)] == "学思用贯通"
    assert not real_errors(page), real_errors(page)


def test_leaving_the_page_is_counted_and_the_limit_submits(phone, live_env, tmp_path):
    title = "切屏限制测验"
    create_exam(live_env, tmp_path, title, focus_loss_limit=2)
    page = phone
    login(page, "cadre")
    attempt_id = start_from_my_exams(page, title)
    assert "超过 2 次将自动交卷" in page.inner_text(".xk-instructions")
    assert not page.is_visible("#exam-focus-warning")

    # Headless Chromium never loses focus by itself: the page hears what a phone would send.
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    page.wait_for_selector("#exam-focus-warning:not(.d-none)")
    assert "再离开 1 次将自动交卷" in page.inner_text("#exam-focus-warning")
    assert server_attempt(page, attempt_id)["focus_losses"] == 1

    page.reload()  # the count survives a reload, and a reload is not leaving
    page.wait_for_selector("#exam-focus-warning:not(.d-none)")
    assert "再离开 1 次将自动交卷" in page.inner_text("#exam-focus-warning")
    assert server_attempt(page, attempt_id)["focus_losses"] == 1

    page.evaluate("window.dispatchEvent(new Event('blur'))")
    page.wait_for_url(f"**/exams/attempts/{attempt_id}/result", timeout=10_000)
    assert "自动交卷" in page.inner_text("#result-summary")
    assert not real_errors(page), real_errors(page)


def test_another_persons_attempt_is_out_of_reach(browser, live_server, live_env, tmp_path):
    title = "他人答卷不可见"
    create_exam(live_env, tmp_path, title, duration_minutes=30)
    owner_context, owner = _context(browser, live_server)
    login(owner, "cadre")
    attempt_id = start_from_my_exams(owner, title)
    question_id = owner.get_attribute(".xk-question", "data-qid")

    stranger_context, stranger = _context(browser, live_server)
    login(stranger, "secretary")  # a cadre too, in the same team
    page_response = stranger.goto(f"/exams/attempts/{attempt_id}")
    assert page_response.status in (403, 404)
    assert stranger.locator(".xk-question").count() == 0
    assert stranger.request.get(f"/api/v1/attempts/{attempt_id}").status in (403, 404)
    assert stranger.request.get(f"/exams/attempts/{attempt_id}/result").status in (403, 404)
    stranger.goto("/exams/")
    token = stranger.get_attribute("meta[name=csrf-token]", "content")
    put = stranger.request.put(
        f"/api/v1/attempts/{attempt_id}/answers/{question_id}",
        data={"response": None, "seq": 99},
        headers={"X-CSRFToken": token},
    )
    assert put.status in (403, 404)
    submit = stranger.request.post(
        f"/api/v1/attempts/{attempt_id}/submit", data={}, headers={"X-CSRFToken": token}
    )
    assert submit.status in (403, 404)
    assert server_attempt(owner, attempt_id)["status"] == "in_progress"
    assert not owner.console_errors, owner.console_errors
    owner_context.close()
    stranger_context.close()

"""Centre-group study in the browser: the secretary records a session starting now and shows
its code (and QR code) on screen; a member checks in with the code on a phone and writes a
reflection; the secretary's session page shows both."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from app.common.timeutil import SHANGHAI
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

REFLECTION = (
    "今天的集体学习围绕政治建设展开，领学同志讲得深入浅出。我体会到，学习不能停留在记笔记上，"
    "而要落实到研究工作、推动落实的具体行动中。下一步我将结合分管工作，把学到的要求逐条对照，"
    "列出需要改进的事项，明确时限，在下次班子会议上交流落实情况，请大家监督。"
) * 2


def _server_now(page) -> datetime:
    """The machine's clock as the browser (and the server beside it) sees it, in Shanghai;
    the pytest process may run on a pinned test clock."""
    iso = page.evaluate("() => new Date().toISOString()")
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC).astimezone(SHANGHAI)


def test_secretary_shows_the_code_and_a_member_checks_in_on_a_phone(browser, live_server):
    desk = browser.new_context(base_url=live_server, locale="zh-CN")
    secretary = desk.new_page()
    login(secretary, "secretary")
    secretary.goto("/checkin/")
    secretary.locator("#managed-teams a", has_text="集体学习").first.click()
    secretary.get_by_role("link", name="登记学习").click()
    now = _server_now(secretary)
    secretary.select_option("#kind", "collective")
    secretary.fill("#topic", "集体学习：端到端签到演示")
    secretary.fill("#starts_at", (now - timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M"))
    secretary.fill("#ends_at", (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    secretary.fill("#place", "机关三楼会议室")
    secretary.get_by_role("button", name="保存").click()
    expect(secretary.locator("h1")).to_contain_text("端到端签到演示")
    session_url = secretary.url
    session_id = re.search(r"/checkin/sessions/(\d+)", session_url).group(1)
    code = secretary.locator("#checkin-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    qr = secretary.locator("#checkin-qr")
    expect(qr).to_be_visible()
    assert secretary.evaluate("img => img.naturalWidth > 0", qr.element_handle())

    phone = browser.new_context(
        base_url=live_server,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    member = phone.new_page()
    errors: list[str] = []
    member.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(member, "cadre")
    member.goto(f"/checkin/s/{session_id}")
    member.fill("#code", "000000")
    member.get_by_role("button", name="签到", exact=True).click()
    expect(member.get_by_text("签到码不正确")).to_be_visible()
    member.fill("#code", code)
    member.get_by_role("button", name="签到", exact=True).click()
    expect(member.get_by_text("签到成功")).to_be_visible()
    expect(member.locator("#my-attendance")).to_contain_text("出席")

    member.get_by_role("link", name="提交心得体会").click()
    member.fill("#title", "端到端演示的学习体会")
    member.fill("#body", "太短")
    member.locator("#reflection-form button[type=submit]").click()
    expect(member.locator(".invalid-feedback")).to_contain_text("现在 2 字")
    member.fill("#body", REFLECTION)
    member.locator("#reflection-form button[type=submit]").click()
    expect(member.get_by_text("心得体会已提交")).to_be_visible()
    assert errors == []

    secretary.goto(session_url)
    sheet = secretary.locator("#attendance-sheet")
    cadre_row = sheet.locator("tr", has=secretary.get_by_text("签到码"))
    expect(cadre_row).to_have_count(1)
    expect(cadre_row).to_contain_text("出席")
    expect(secretary.locator("#session-reflections")).to_contain_text("端到端演示的学习体会")
    desk.close()
    phone.close()

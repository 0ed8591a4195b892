"""On a phone, the demo cadre fills in the self-assessment and casts an anonymous ballot; the
demo assessor scores the cadre standard by standard and publishes; the cadre then sees the
political portrait with the conclusion."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def test_self_assessment_ballot_appraisal_and_portrait(browser, live_server):
    cadre = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE)
    page = cadre.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, "cadre")
    page.goto("/evaluation/")
    page.locator("#my-self a").first.click()
    statements = page.locator("#self-form textarea")
    for index in range(statements.count()):
        page.locator("#self-form input[name^=score_]").nth(index).fill("12")
        statements.nth(index).fill("对照标准逐条查摆，学习还需更加系统。")
    page.locator("#self-form button[type=submit]").click()
    expect(page.get_by_text("自评已提交")).to_be_visible()

    page.locator("#to-vote a").first.click()
    expect(page.get_by_text("本票匿名")).to_be_visible()
    for fieldset in page.locator("#ballot-form fieldset").all():
        fieldset.locator("label").first.click()  # 好
    page.fill("#comment", "希望多到基层调研")
    page.locator("#ballot-form button[type=submit]").click()
    expect(page.get_by_text("测评票已匿名提交")).to_be_visible()

    assessor = browser.new_context(base_url=live_server, locale="zh-CN")
    desk = assessor.new_page()
    login(desk, "assessor")
    desk.goto("/evaluation/")
    desk.locator("#rounds a", has_text="领导班子和领导干部").click()
    desk.locator("tr", has_text="学员（演示）").get_by_text("评价鉴定").click()
    expect(desk.get_by_text("对照标准逐条查摆").first).to_be_visible()  # the self-assessment
    for field in desk.locator("#score-form input[name^=score_]").all():
        field.fill("7")
    desk.locator("#score-form button[type=submit]").click()
    expect(desk.get_by_text("评分已保存")).to_be_visible()
    desk.fill("textarea[name=conclusion]", "理论学习扎实，履职担当有为，今后要更加注重调查研究。")
    desk.get_by_role("button", name="发布结果").click()
    desk.locator("#xk-confirm [data-confirm-ok]").click()  # the page's own confirm dialog
    expect(desk.get_by_text("评价结果已发布")).to_be_visible()

    page.goto("/evaluation/")
    page.locator("#my-results a").first.click()
    expect(page.locator("#conclusion")).to_contain_text("更加注重调查研究")
    expect(page.locator("#result")).to_contain_text("77")  # 11 standards × 7
    expect(page.locator(".portrait-table")).to_be_visible()
    assert errors == []
    cadre.close()
    assessor.close()

"""The secretary opens the statistics dashboard, drills into the level test, sees who has not
taken it, and downloads the results as xlsx."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from app.quiz.exams.demo import LEVEL_TEST
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_secretary_drills_into_the_level_test_and_downloads_the_xlsx(page):
    login(page, "secretary")
    page.goto("/stats/")  # 统计看板, in the 统计 menu
    expect(page.get_by_role("heading", name="统计看板")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("考试参与率")
    page.get_by_role("link", name="考试结果").first.click()
    page.get_by_role("link", name=LEVEL_TEST).click()
    expect(page.get_by_role("heading", name=LEVEL_TEST)).to_be_visible()
    not_started = page.locator("caption", has_text="尚未参加").locator("xpath=..")
    expect(not_started).to_contain_text("u201")  # a demo member of the team
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as downloaded:  # saved without an extension
        book = load_workbook(downloaded)
    assert "尚未参加" in book.sheetnames
    names = [row[1] for row in book["尚未参加"].iter_rows(min_row=2, values_only=True)]
    assert names and all(name for name in names)
    assert not page.console_errors, page.console_errors


def test_roster_is_stacked_cards_on_a_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": 390, "height": 800}
    )
    page = context.new_page()
    try:
        login(page, "secretary")
        page.goto("/teams/")
        page.locator(".list-group a").first.click()
        row = page.locator("table.xk-stack-table tbody tr").first
        expect(row).to_be_visible()
        assert row.evaluate("r => getComputedStyle(r).display") == "block"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        screenshot(page, "secretary-phone-roster", full_page=True)
        # the secretary's other pages fit the phone too (wide tables scroll in their own box)
        for path, name in (
            ("/stats/", "secretary-phone-dashboard"),
            ("/checkin/", "secretary-phone-checkin"),
        ):
            page.goto(path)
            expect(page.locator("main")).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
            screenshot(page, name, full_page=True)
    finally:
        context.close()

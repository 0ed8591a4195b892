"""The demo cadre sees today's quiz on the home page, answers it question by question with
immediate feedback, extends the streak from 3 to 4 days, and re-practises the mistake book."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def answer_visible(page) -> None:
    """Answer the question on screen (whatever comes first) and wait for the feedback."""
    card = page.locator(".xk-pq:not([hidden])")
    kind = card.get_attribute("data-type")
    if kind == "blank":
        for field in card.locator("input").all():
            field.fill("作答")
    else:
        card.locator("input").first.check()
    card.locator(".xk-submit").click()
    expect(card.locator("[data-feedback]")).to_be_visible()
    expect(card.locator("[data-fb-answer]")).not_to_be_empty()
    expect(card.locator(".xk-submit")).to_be_hidden()


def test_daily_quiz_and_mistake_book(page):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "cadre")
    todo = page.locator("#todo").get_by_text("今日每日答题未完成")
    expect(todo).to_be_visible()
    todo.click()

    expect(page.locator("[data-streak]")).to_have_text("3")
    # nothing about the key is on the page before answering
    expect(page.locator("[data-fb-answer]").first).to_be_empty()
    for index in range(5):
        answer_visible(page)
        expect(page.locator("[data-answered]").first).to_have_text(str(index + 1))
        if index < 4:
            page.click("[data-next]")
    page.get_by_text("查看本次结果").click()
    expect(page.get_by_text("本次结果")).to_be_visible()

    page.goto("/daily/")
    expect(page.locator("[data-streak]")).to_have_text("4")
    expect(page.locator("#daily-done")).to_be_visible()
    page.goto("/")
    expect(page.locator("#todo").get_by_text("今日每日答题未完成")).to_have_count(0)

    page.goto("/mistakes/")
    expect(page.locator(".xk-mistake").first).to_be_visible()
    page.locator("#practise-these button").click()
    expect(page.locator("h1")).to_contain_text("错题巩固")
    answer_visible(page)
    assert page.console_errors == []

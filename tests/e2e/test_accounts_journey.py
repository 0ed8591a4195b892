"""A new user logs in as each demo account and finds the right home page and menu, in
Chinese and in English; a phone-sized screen gets the collapsed menu."""

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("username", "sees", "menu_has", "menu_lacks"),
    [
        ("admin", "平台概况", ["用户管理", "单位管理", "审计日志"], ["我的中心组"]),
        ("secretary", "我负责的中心组", ["我的中心组"], ["用户管理"]),
        ("cadre", "待办事项", ["首页"], ["用户管理", "我的中心组"]),
    ],
)
def test_each_demo_account_sees_its_home(page, username, sees, menu_has, menu_lacks):
    login(page, username)
    assert page.url.endswith("/")
    body = page.inner_text("body")
    assert sees in body
    nav = page.text_content("#mainNav")
    for label in menu_has:
        assert label in nav
    for label in menu_lacks:
        assert label not in nav
    assert not page.console_errors, page.console_errors  # includes CSP violations


def test_wrong_password_then_language_switch(page):
    page.goto("/login")
    page.fill("#username", "cadre")
    page.fill("#password", "wrong-password-1")
    page.click("button[type=submit]")
    page.wait_for_selector("text=登录名或密码不正确")  # the page's script shows the answer
    assert "登录名或密码不正确" in page.inner_text("form")

    login(page, "secretary")
    page.click("#langMenu")
    page.click("text=English")
    page.wait_for_load_state()
    assert "My centre groups" in page.text_content("#mainNav")
    assert "To do" in page.inner_text("body")
    page.click("#langMenu")
    page.click("text=中文")
    assert "我的中心组" in page.text_content("#mainNav")


def test_phone_layout_collapses_the_menu_and_logout_works(browser, live_server):
    context = browser.new_context(
        base_url=live_server, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    login(page, "cadre")
    assert not page.is_visible("#mainNav")
    page.click(".navbar-toggler")
    page.wait_for_selector("#mainNav.show")
    page.click("#userMenu")
    page.click("text=退出登录")
    page.wait_for_load_state()
    assert "您已退出登录" in page.inner_text("body")
    page.goto("/")
    assert "/login" in page.url
    context.close()

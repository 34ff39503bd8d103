"""A clerk takes a call and dispatches it with the keyboard alone; the technician sees the notice."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.data import PASSWORD

from .conftest import PHONE

pytestmark = pytest.mark.e2e


def test_a_clerk_takes_a_call_and_dispatches_it_by_keyboard_and_the_technician_is_notified(
        org, page, browser, base_url, shot):
    kb = page.keyboard
    page.goto("/login")
    # the username field has focus on arrival (waited for: Chromium applies autofocus after "load")
    expect(page.get_by_label("用户名")).to_be_focused()
    kb.type("clerk")
    kb.press("Tab")
    kb.type(PASSWORD)
    kb.press("Enter")
    expect(page.get_by_role("heading", name="维修看板")).to_be_visible()
    shot(page, "desk-board-empty")

    page.goto("/desk/repairs/new")
    expect(page.get_by_role("combobox", name="房号")).to_be_focused()
    kb.type("1201")
    option = page.get_by_role("option", name=re.compile("3栋2单元1201"))
    expect(option).to_be_visible()
    kb.press("ArrowDown")
    expect(option).to_be_focused()
    kb.press("Enter")
    # picking fills the owner and moves on to the contact name
    expect(page.get_by_label("联系人")).to_have_value("业主1201")
    expect(page.get_by_label("联系人")).to_be_focused()
    kb.press("Tab")
    expect(page.get_by_label("联系电话")).to_have_value("13800001201")
    kb.press("Tab")  # the SMS consent box, as on file for this contact
    kb.press("Tab")
    kb.press("ArrowDown")  # category: the first one, 水电
    kb.press("Tab")  # urgency: stays 普通
    kb.press("Tab")
    kb.type("卫生间水龙头漏水，关不紧")
    kb.press("Tab")
    kb.press("ArrowDown")
    kb.press("ArrowDown")  # appointment: tomorrow
    kb.press("Tab")
    kb.press("ArrowDown")
    kb.press("ArrowDown")  # window: 10:00-12:00
    kb.press("Tab")
    kb.press("ArrowDown")  # dispatch to the first technician
    shot(page, "desk-intake-filled")
    kb.press("Control+Enter")

    expect(page.get_by_text(re.compile(r"报修单 BX-\d{8}-0001 已保存"))).to_be_visible()
    expect(page.locator(".tag.state-dispatched").first).to_be_visible()
    number = re.search(r"BX-\d{8}-\d{4}", page.url).group(0)
    shot(page, "desk-order-page")

    phone = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    tech = phone.new_page()
    tech.goto("/login")
    tech.get_by_label("用户名").fill("technician")
    tech.get_by_label("密码").fill(PASSWORD)
    tech.get_by_role("button", name="登录").click()
    expect(tech.locator("#notice-badge .badge")).to_have_text("1")
    expect(tech.get_by_role("link", name=re.compile("3栋2单元1201"))).to_be_visible()
    shot(tech, "tech-home-phone")
    tech.get_by_role("link", name=re.compile("通知")).first.click()
    expect(tech.get_by_text(re.compile(number))).to_be_visible()
    phone.close()


def test_the_board_updates_without_reload(org, make_order, page, login, shot):
    login(page, "clerk", PASSWORD)
    expect(page.get_by_role("heading", name="维修看板")).to_be_visible()
    page.get_by_label("紧急程度").select_option("emergency")
    expect(page).to_have_url(re.compile("urgency=emergency"))
    order = make_order(urgency="emergency")
    expect(page.get_by_role("link", name=order.number)).to_be_visible(timeout=20000)
    shot(page, "desk-board")

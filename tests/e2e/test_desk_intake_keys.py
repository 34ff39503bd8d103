"""Intake at full typing speed: keys pressed before the unit results arrive are kept, Enter in a
field moves on instead of sending a half-filled 报修单, a refused save starts at the field in error.

Every test types with no delay and presses ↓ / Enter at once, as a clerk on the phone does: the
unit search waits 150 ms after the last character, so those keys always come before the results.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.data import PASSWORD

pytestmark = pytest.mark.e2e


def _orders() -> int:
    from wuye.extensions import db
    from wuye.models import RepairOrder
    db.session.rollback()  # a fresh read: the live server wrote meanwhile
    return db.session.scalar(db.select(db.func.count()).select_from(RepairOrder))


@pytest.fixture
def intake(org, page, login):
    login(page, "clerk", PASSWORD)
    expect(page.get_by_role("heading", name="维修看板")).to_be_visible()
    page.goto("/desk/repairs/new")
    expect(page.get_by_role("combobox", name="房号")).to_be_focused()
    return page


def test_down_and_enter_typed_before_the_unit_results_arrive_pick_the_unit(intake):
    kb = intake.keyboard
    kb.type("1201")
    kb.press("ArrowDown")
    kb.press("Enter")
    expect(intake.get_by_label("联系人")).to_have_value("业主1201")
    expect(intake.get_by_label("联系人")).to_be_focused()
    expect(intake.get_by_label("联系电话")).to_have_value("13800001201")


def test_two_downs_typed_before_the_results_arrive_pick_the_second_unit(intake):
    kb = intake.keyboard
    kb.type("120")
    kb.press("ArrowDown")
    kb.press("ArrowDown")
    kb.press("Enter")
    expect(intake.get_by_label("联系人")).to_have_value("业主1202")


def test_enter_typed_at_once_in_the_unit_search_picks_the_first_unit_and_saves_nothing(intake, shot):
    kb = intake.keyboard
    kb.type("1201")
    kb.press("Enter")
    expect(intake.get_by_label("联系人")).to_have_value("业主1201")
    expect(intake).to_have_url(re.compile(r"/desk/repairs/new$"))
    shot(intake, "desk-intake-picked-fast")
    assert _orders() == 0


def test_enter_in_a_text_field_moves_to_the_next_field_instead_of_saving(intake):
    kb = intake.keyboard
    kb.type("1201")
    kb.press("Enter")
    name = intake.get_by_label("联系人")
    expect(name).to_be_focused()
    kb.type("王先生")
    kb.press("Enter")
    expect(intake.get_by_label("联系电话")).to_be_focused()
    kb.press("Enter")
    expect(intake.locator("#sms_consent")).to_be_focused()  # the clerk asks whether messages are welcome
    kb.press("Enter")
    expect(intake.get_by_label("报修类别")).to_be_focused()
    expect(intake).to_have_url(re.compile(r"/desk/repairs/new$"))
    assert not intake.locator(".alert-error").count()  # nothing was sent, so nothing was refused
    assert _orders() == 0


def test_enter_in_the_description_is_a_newline_and_ctrl_enter_saves(intake):
    kb = intake.keyboard
    kb.type("1201")
    kb.press("Enter")
    expect(intake.get_by_label("联系人")).to_have_value("业主1201")
    intake.get_by_label("报修类别").select_option(index=1)
    intake.get_by_label("紧急").check()
    description = intake.get_by_label("报修内容")
    description.focus()
    kb.type("卫生间水龙头漏水")
    kb.press("Enter")
    kb.type("关不紧")
    expect(description).to_have_value("卫生间水龙头漏水\n关不紧")
    assert _orders() == 0
    kb.press("Control+Enter")
    expect(intake.get_by_text(re.compile(r"报修单 BX-\d{8}-\d{4} 已保存"))).to_be_visible()
    assert _orders() == 1


def test_a_refused_save_puts_the_focus_on_the_first_field_in_error(intake, shot):
    kb = intake.keyboard
    kb.type("1201")
    kb.press("Enter")
    expect(intake.get_by_label("联系人")).to_have_value("业主1201")
    intake.get_by_label("紧急").check()
    intake.get_by_label("联系电话").fill("12345")  # not a phone number; category and description empty
    intake.get_by_label("联系电话").press("Control+Enter")
    expect(intake.get_by_text("部分内容需要修改，尚未保存。")).to_be_visible()
    expect(intake.get_by_label("联系电话")).to_be_focused()
    shot(intake, "desk-intake-refused")
    # corrected, the next refusal starts at the next field in error
    kb.press("Control+a")
    kb.type("13812345678")
    kb.press("Control+Enter")
    expect(intake.get_by_label("报修类别")).to_be_focused()
    assert _orders() == 0


def test_an_emergency_filed_already_overdue_is_saved_only_after_the_clerk_confirms(intake, shot):
    from datetime import timedelta

    from wuye.clock import now
    from wuye.i18n import zone
    kb = intake.keyboard
    kb.type("1201")
    kb.press("Enter")
    expect(intake.get_by_label("联系人")).to_have_value("业主1201")
    intake.get_by_label("报修类别").select_option(index=1)
    intake.get_by_label("紧急").check()
    intake.get_by_label("报修内容").fill("厨房水管爆裂")
    called = (now() - timedelta(minutes=40)).astimezone(zone("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
    intake.get_by_label("报修时间").fill(called)
    intake.get_by_label("报修内容").press("Control+Enter")
    confirm = intake.get_by_role("button", name="确认按已超时登记")
    expect(confirm).to_be_focused()
    expect(intake.get_by_role("alert").filter(has_text="紧急到场时限")).to_be_visible()
    shot(intake, "desk-intake-overdue-warning")
    assert _orders() == 0
    kb.press("Enter")
    expect(intake.get_by_text(re.compile(r"报修单 BX-\d{8}-\d{4} 已保存"))).to_be_visible()
    assert _orders() == 1

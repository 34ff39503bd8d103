"""A disabled control looks disabled and reads disabled, with its reason beside it (the 出发 button
until the preparation checklist is done)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CHECKLIST = ("我已详细了解工作内容", "工作服统一整洁", "已佩戴胸牌", "已带抹布和脚套", "维修工具和常用备件齐全")


def test_the_depart_button_looks_and_reads_disabled_with_its_reason_until_the_checklist_is_done(
        org, make_order, tech_phone, shot):
    _, page = tech_phone
    make_order(technician=org.users["technician"])
    page.goto("/tech/")
    page.get_by_role("link", name=re.compile("3栋2单元1201")).click()
    page.get_by_role("button", name="接单").click()
    depart = page.get_by_role("button", name="出发")
    expect(depart).to_be_disabled()
    expect(depart).to_have_accessible_description("先完成准备清单")
    expect(page.get_by_text("先完成准备清单")).to_be_visible()
    # it does not look like the blue primary button it becomes
    expect(depart).to_have_css("cursor", "not-allowed")
    expect(depart).to_have_css("background-color", "rgb(233, 236, 241)")
    shot(page, "tech-depart-disabled")
    for label in CHECKLIST:
        page.get_by_role("checkbox", name=label).click()
        expect(page.get_by_role("checkbox", name=label)).to_have_attribute("aria-checked", "true")
    expect(depart).to_be_enabled()
    page.mouse.move(1, 1)  # off the button: its hover colour is not the point here
    expect(depart).to_have_accessible_description("")
    expect(page.get_by_text("先完成准备清单")).to_be_hidden()
    expect(depart).to_have_css("cursor", "pointer")
    expect(depart).to_have_css("background-color", "rgb(11, 92, 171)")  # the primary blue
    shot(page, "tech-depart-enabled")


def test_every_disabled_kind_of_control_is_styled_as_disabled(org, page, login):
    """The rule holds for any control a page disables, not only the one that was reported."""
    from tests.fixtures.data import PASSWORD
    login(page, "clerk", PASSWORD)
    page.goto("/desk/repairs/new")
    kinds = page.evaluate("""() => {
      const form = document.getElementById('intake-form');
      const made = ['button', 'input', 'select', 'textarea'].map(tag => {
        const el = document.createElement(tag); if (tag === 'button') el.className = 'primary';
        form.appendChild(el); return el; });
      const enabled = made.map(el => getComputedStyle(el).cursor + ' ' + getComputedStyle(el).backgroundColor);
      made.forEach(el => el.disabled = true);
      const link = document.createElement('a'); link.className = 'button primary'; link.href = '#';
      link.setAttribute('aria-disabled', 'true'); form.appendChild(link);
      return {enabled, disabled: made.concat([link]).map(el => getComputedStyle(el).cursor + ' ' + getComputedStyle(el).backgroundColor)};
    }""")
    for style in kinds["disabled"]:
        assert style == "not-allowed rgb(233, 236, 241)"
    assert all(s != "not-allowed rgb(233, 236, 241)" for s in kinds["enabled"])

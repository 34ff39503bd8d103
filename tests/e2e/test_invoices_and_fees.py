"""After payment: the invoice round trip (desk at 1366×768, technician on a 390×844 phone) and the
cash handover to the housing officer with a difference flagged with both names."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.data import PASSWORD
from tests.fixtures.payments import pay_order
from wuye.extensions import db
from wuye.models.job import FeeHandover, Invoice

from .conftest import PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def names(org):
    """Real-looking names, so the screenshots read like the office."""
    for key, name in (("technician", "王建国"), ("technician2", "李志强"), ("housing_officer", "陈静"), ("clerk", "赵敏")):
        org.users[key].name = name
    db.session.commit()
    return org


def on_phone(browser, base_url, login, username):
    """A second person, on a 390×844 touch phone, signed in."""
    context = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    page = context.new_page()
    login(page, username, PASSWORD)
    return context, page


def test_the_invoice_round_trip(names, make_order, page, login, browser, base_url, shot):
    org = names
    order = make_order(technician=org.users["technician"])
    pay_order(org, order, method="wechat", invoice=True, receipt="WX-0001")
    other = make_order(technician=org.users["technician2"], unit=org.units[1])
    pay_order(org, other, method="cash", invoice=True, receipt="R-0002")

    # the clerk, at the desk
    login(page, "clerk", PASSWORD)
    invoices_link = page.get_by_role("banner").get_by_role("link", name=re.compile("发票"))
    expect(invoices_link).to_contain_text("2")
    invoices_link.click()
    expect(page.get_by_role("heading", name="发票", exact=True)).to_be_visible()
    number = page.get_by_label(f"{order.number} 的发票号码")
    expect(number).to_be_focused()  # the queue is work: the first row's field waits for the number
    shot(page, "desk-invoices-queue")
    number.fill("   ")  # blanks pass the browser's own check, not ours
    page.get_by_role("button", name="登记").first.click()
    expect(page.get_by_text("请输入发票号。")).to_be_visible()
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_be_focused()  # back on the field to correct (and the swap has settled)
    number.fill("04412345")
    number.press("Enter")
    expect(page.get_by_role("status").filter(has_text="04412345")).to_contain_text("王建国")
    expect(invoices_link).to_contain_text("1")  # the count followed without a reload
    delivering = page.get_by_role("region", name=re.compile("已开具"))
    expect(delivering.get_by_role("row", name=re.compile(order.number))).to_contain_text("王建国")
    shot(page, "desk-invoices-issued")
    db.session.rollback()  # end the test's read snapshot: the server wrote since
    assert db.session.scalar(db.select(Invoice).where(Invoice.order_id == order.id)).number == "04412345"

    # the technician, on the phone
    context, tech = on_phone(browser, base_url, login, "technician")
    task = tech.get_by_role("region", name=re.compile("待送发票")).get_by_role("link", name=re.compile("3栋2单元1201"))
    expect(task).to_contain_text("04412345")
    shot(tech, "tech-home-invoice-to-deliver")
    task.click()
    deliver = tech.get_by_role("button", name="发票已送交客户")
    expect(deliver).to_be_visible()
    deliver.scroll_into_view_if_needed()
    shot(tech, "tech-job-invoice-ready", full_page=False)
    deliver.tap()
    expect(tech.get_by_text("发票 04412345 已送交客户。")).to_be_visible()
    tech.goto("/tech/")
    expect(tech.get_by_role("region", name=re.compile("待送发票"))).to_have_count(0)
    context.close()

    page.reload()
    expect(page.get_by_role("region", name=re.compile("已开具")).get_by_role("row", name=re.compile(order.number))) \
        .to_have_count(0)
    db.session.rollback()  # end the test's read snapshot: the server wrote since
    assert db.session.scalar(db.select(Invoice).where(Invoice.order_id == order.id)).delivered_at is not None


def test_the_handover_with_a_difference(names, make_order, page, login, browser, base_url, shot):
    org = names
    first = make_order(technician=org.users["technician"])
    pay_order(org, first, receipt="R-0101")
    second = make_order(technician=org.users["technician"], unit=org.units[1])
    pay_order(org, second, receipt="R-0102")
    third = make_order(technician=org.users["technician2"], unit=org.units[2])
    pay_order(org, third, receipt="R-0201")
    pay_order(org, make_order(technician=org.users["technician2"]), method="alipay", receipt="ALI-01")

    # the technician sees what they hold before walking to the office
    context, tech = on_phone(browser, base_url, login, "technician")
    tech.get_by_role("link", name="我的现金").click()
    expect(tech.get_by_text("¥240.00")).to_be_visible()
    expect(tech.get_by_text("R-0201")).to_have_count(0)  # not theirs
    shot(tech, "tech-fees-holding")

    # the housing officer lands on the fees to receive
    login(page, "housing_officer", PASSWORD)
    expect(page.get_by_role("heading", name="待收款项")).to_be_visible()
    group = page.get_by_role("region", name=re.compile("王建国"))
    expect(group).to_contain_text("¥240.00")
    shot(page, "fees-to-receive")

    page.get_by_label(f"{first.number} 实收金额").fill("120")
    page.get_by_role("button", name=f"确认收到 {first.number} 的款项").click()
    expect(page.get_by_role("status").filter(has_text=first.number)).to_contain_text("¥120.00")

    # the cursor goes on to the same technician's next order (李志强's row comes first on the page)
    received = page.get_by_label(f"{second.number} 实收金额")
    expect(received).to_be_focused()
    received.fill("110")
    page.get_by_role("button", name=f"确认收到 {second.number} 的款项").click()
    expect(page.get_by_text("实收金额与应收金额不符")).to_be_visible()  # a difference needs a note
    shot(page, "fees-difference-needs-note")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(FeeHandover)) == 1
    note = page.get_by_label(f"{second.number} 备注")
    expect(note).to_be_focused()  # the field that needs filling
    note.fill("少10元，王建国说找零多找了")
    page.get_by_role("button", name=f"确认收到 {second.number} 的款项").click()
    flag = page.get_by_role("status").locator(".flag")
    expect(flag).to_contain_text("¥10.00")
    expect(flag).to_contain_text("王建国")
    expect(flag).to_contain_text("陈静")
    expect(page.get_by_role("region", name="今日已收")).to_contain_text("少10元")
    shot(page, "fees-difference-flagged")

    page.get_by_role("link", name="每日对账").first.click()
    expect(page.get_by_role("heading", name=re.compile("每日对账"))).to_be_visible()
    row = page.get_by_role("row", name=re.compile("王建国"))
    expect(row.first).to_contain_text("-¥10.00")
    expect(page.get_by_role("row", name=re.compile("支付宝"))).to_contain_text("¥120.00")
    shot(page, "fees-daily")

    # the technician is told, and sees the flag with both names
    tech.goto("/tech/fees")
    expect(tech.locator(".flag")).to_contain_text("陈静")
    expect(tech.locator(".flag")).to_contain_text("王建国")
    shot(tech, "tech-fees-flagged")
    context.close()

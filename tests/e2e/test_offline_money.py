"""Money on a phone without signal: the payment card shows the amount the customer agreed to —
online, offline, after a reload, after a partial sync — and the server takes the payment."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from wuye.extensions import db
from wuye.models import RepairOrder
from wuye.models.job import Payment

from .test_offline import fresh, open_job, pending, wait_synced
from .test_technician_job import sign

pytestmark = pytest.mark.e2e

TICKS = ("我已详细了解工作内容", "工作服统一整洁", "已佩戴胸牌", "已带抹布和脚套", "维修工具和常用备件齐全")


@pytest.fixture
def phone(tech_phone):
    context, page = tech_phone
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return context, page


def to_the_door(page):
    for label in TICKS:
        page.get_by_role("checkbox", name=label).click()
        expect(page.get_by_role("checkbox", name=label)).to_have_attribute("aria-checked", "true")
    page.get_by_role("button", name="出发").click()
    page.get_by_role("button", name="我已到达门口").click()
    page.get_by_label("脚套").check()
    page.get_by_role("button", name="保存").click()


def quote_and_consent(page):
    """1.5 h of labour (¥50/h) + one 水龙头 ¥45 = ¥120; the customer signs."""
    page.get_by_label("工时").fill("1.5")
    page.locator("#q-item-0").select_option(label="水龙头 · ¥45.00/个")
    expect(page.locator(".fee-total")).to_have_text("¥120.00")
    sign(page)
    page.get_by_role("button", name="客户同意并签字").click()
    expect(page.get_by_role("heading", name="6. 维修")).to_be_visible()


def finish_and_accept(page):
    page.get_by_role("button", name="完工，请客户验收").click()
    page.get_by_label("已向客户示范使用功能").check()
    sign(page)
    page.get_by_role("button", name="客户验收签字").click()
    expect(page.get_by_role("heading", name="8. 现场缴费")).to_be_visible()


def pay_cash(page, receipt):
    page.get_by_label("现金").check()
    page.get_by_label("收据号").fill(receipt)
    page.get_by_role("button", name="确认收款").click()
    expect(page.get_by_role("heading", name="已完成")).to_be_visible()


def go_online(context, page):
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")


def paid(order, fen):
    fresh()
    assert db.session.get(RepairOrder, order.id).state == "completed"
    assert db.session.scalar(db.select(Payment.amount_fen).where(Payment.order_id == order.id)) == fen


def test_payment_card_shows_the_consented_amount_after_an_offline_reload(org, make_order, phone, shot):
    context, page = phone
    order = make_order(technician=org.users["technician"])
    open_job(page, order.number)
    page.get_by_role("button", name="接单").click()
    wait_synced(page, answered=1)

    context.set_offline(True)
    to_the_door(page)
    quote_and_consent(page)
    response = page.reload()  # still without signal: the copy from the service worker
    assert response.from_service_worker
    expect(page.get_by_role("heading", name="6. 维修")).to_be_visible()
    expect(page.locator(".work-card .agreed-fee")).to_have_text("¥120.00")
    finish_and_accept(page)
    card = page.locator(".pay-card")
    expect(card.get_by_label("金额（¥）")).to_have_value("120.00")
    expect(card.locator(".agreed-fee")).to_have_text("¥120.00")
    # what the technician types does not hide what was agreed
    card.get_by_label("金额（¥）").fill("100")
    expect(card.locator(".agreed-fee")).to_have_text("¥120.00")
    expect(card.locator(".amount-differs")).to_be_visible()
    shot(page, "offline-money-1-payment-after-reload", full_page=False)
    card.get_by_label("金额（¥）").fill("120.00")
    expect(card.locator(".amount-differs")).to_be_hidden()
    pay_cash(page, "R-RELOAD-1")
    assert pending(page) == 12  # 5 ticks, depart, arrive, door, consent, finish, acceptance, pay

    go_online(context, page)
    wait_synced(page, answered=12)
    assert page.evaluate("window.wuyeOutbox.all('attention')") == []
    paid(order, 12000)


def test_payment_card_shows_the_consented_amount_after_a_partial_sync_and_a_reload(
        org, make_order, phone, shot):
    """The consent reached the server, the signal went before the page was fetched again; the
    later steps wait on the phone. Reloaded offline, the payment card still shows ¥120."""
    context, page = phone
    order = make_order(technician=org.users["technician"])
    open_job(page, order.number)
    page.get_by_role("button", name="接单").click()
    wait_synced(page, answered=1)
    to_the_door(page)
    wait_synced(page, answered=9)

    # the consent reaches the server and its answer the phone; right then the signal goes, before
    # the phone can fetch the page again
    def answer_then_no_signal(route):
        answer = route.fetch()
        context.set_offline(True)
        route.fulfill(response=answer)
    context.route("**/consent", answer_then_no_signal)
    quote_and_consent(page)
    wait_synced(page, answered=10)
    context.unroute("**/consent")
    fresh()
    assert db.session.get(RepairOrder, order.id).state == "in_progress"
    # taken by the server, not yet in any copy of the page the phone holds
    assert "consent" in page.evaluate("window.wuyeOutbox.all('sent').then(s => s.map(i => i.action))")
    response = page.reload()
    assert response.from_service_worker
    finish_and_accept(page)
    expect(page.locator(".pay-card").get_by_label("金额（¥）")).to_have_value("120.00")
    pay_cash(page, "R-PARTIAL-1")

    go_online(context, page)
    wait_synced(page, answered=3)
    assert page.evaluate("window.wuyeOutbox.all('attention')") == []
    paid(order, 12000)


def test_payment_card_shows_the_consented_amount_online(org, make_order, phone):
    context, page = phone
    order = make_order(technician=org.users["technician"])
    open_job(page, order.number)
    page.get_by_role("button", name="接单").click()
    to_the_door(page)
    quote_and_consent(page)
    finish_and_accept(page)
    wait_synced(page, answered=11)
    page.reload()
    card = page.locator(".pay-card")
    expect(card.get_by_label("金额（¥）")).to_have_value("120.00")
    expect(card.locator(".agreed-fee")).to_have_text("¥120.00")
    pay_cash(page, "R-ONLINE-1")
    wait_synced(page, answered=1)
    paid(order, 12000)

"""The technician's whole job on a 390×844 touch screen, signatures drawn with the pointer."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from wuye.extensions import db
from wuye.models import RepairOrder
from wuye.models.job import Payment, Quote, SheetRevision


pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(tech_phone):
    return tech_phone[1]


def sign(page, nth=0):
    """Draw a signature on the pad with the pointer, as a customer's finger would."""
    pad = page.locator("canvas.sig-pad:visible").nth(nth)
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + 120)
    page.mouse.down()
    for i, (dx, dy) in enumerate([(60, 40), (100, 140), (150, 50), (200, 150), (260, 60), (300, 120)]):
        page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()


def prepare_and_arrive(page, shot=None, prefix=""):
    for label in ("我已详细了解工作内容", "工作服统一整洁", "已佩戴胸牌", "已带抹布和脚套", "维修工具和常用备件齐全"):
        page.get_by_role("checkbox", name=label).click()
        expect(page.get_by_role("checkbox", name=label)).to_have_attribute("aria-checked", "true")
    if shot:
        shot(page, f"{prefix}checklist")
    page.get_by_role("button", name="出发").click()
    page.get_by_role("button", name="我已到达门口").click()
    expect(page.get_by_role("heading", name="到门口时")).to_be_visible()


def server_has(page, order, state: str, seconds: float = 10) -> None:
    """The job page applies a step at once and its outbox sends it: wait until the server has it."""
    for _ in range(int(seconds * 10)):
        db.session.rollback()  # a fresh read snapshot each time: the live server writes meanwhile
        if db.session.get(RepairOrder, order.id).state == state:
            return
        page.wait_for_timeout(100)
    assert db.session.get(RepairOrder, order.id).state == state


def test_the_whole_job_from_accept_to_payment(org, make_order, phone, shot):
    order = make_order(technician=org.users["technician"])
    page = phone
    page.goto("/tech/")
    page.get_by_role("link", name=re.compile("3栋2单元1201")).click()
    shot(page, "tech-1-dispatched")
    page.get_by_role("button", name="接单").click()
    expect(page.get_by_role("button", name="出发")).to_be_disabled()
    prepare_and_arrive(page, shot, "tech-2-")
    shot(page, "tech-3-at-door")
    page.get_by_label("脚套").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已记录：脚套")).to_be_visible()

    page.get_by_label("工时").fill("1.5")
    page.locator("#q-item-0").select_option(label="水龙头 · ¥45.00/个")
    expect(page.locator(".fee-total")).to_have_text("¥120.00")
    sign(page)
    shot(page, "tech-4-quote-signed")
    page.get_by_role("button", name="客户同意并签字").click()
    expect(page.get_by_text("¥120.00").first).to_be_visible()

    page.get_by_label("备注").fill("更换水龙头一个")
    page.get_by_role("button", name="添加备注").click()
    expect(page.get_by_text("更换水龙头一个")).to_be_visible()
    shot(page, "tech-5-working")
    page.get_by_role("button", name="完工，请客户验收").click()

    page.get_by_label("已向客户示范使用功能").check()
    sign(page)
    shot(page, "tech-6-acceptance")
    page.get_by_role("button", name="客户验收签字").click()

    expect(page.get_by_label("金额（¥）")).to_have_value("120.00")
    page.get_by_label("现金").check()
    page.get_by_label("收据号").fill("R-20261127-01")
    shot(page, "tech-7-payment")
    page.get_by_role("button", name="确认收款").click()
    expect(page.get_by_role("heading", name="已完成")).to_be_visible()
    shot(page, "tech-8-completed")
    server_has(page, order, "completed")  # the page moved on at once; the outbox sends the payment

    page.get_by_role("link", name="派工单").click()
    expect(page.locator("img.sig-img")).to_have_count(2)
    shot(page, "tech-9-dispatch-sheet")

    db.session.rollback()  # end the test's read snapshot: the live server wrote since
    done = db.session.get(RepairOrder, order.id)
    assert done.state == "completed"
    assert db.session.scalar(db.select(Payment).where(Payment.order_id == order.id)).amount_fen == 12000
    assert db.session.scalar(db.select(SheetRevision).where(SheetRevision.order_id == order.id)).signature_id


def test_the_declined_quote_closes_the_order(org, make_order, phone, shot):
    order = make_order(technician=org.users["technician"])
    page = phone
    page.goto(f"/tech/jobs/{order.number}")
    page.get_by_role("button", name="接单").click()
    prepare_and_arrive(page)
    page.get_by_label("工时").fill("2")
    page.get_by_label("客户谢绝原因").fill("业主觉得价格高")
    page.get_by_role("button", name="客户谢绝").click()
    expect(page.get_by_role("heading", name="客户谢绝")).to_be_visible()
    shot(page, "tech-declined")
    # the page moves on at once; the server has it once the outbox is empty
    page.wait_for_function("() => window.wuyeOutbox.pending === 0 && !window.wuyeOutbox.replaying"
                           " && window.wuyeOutbox.done >= 9")
    db.session.rollback()  # end the test's read snapshot: the live server wrote since
    assert db.session.get(RepairOrder, order.id).state == "declined"
    assert db.session.scalar(db.select(Quote).where(Quote.order_id == order.id)).decision == "declined"


def test_cannot_fix_now_books_the_revisit(org, make_order, phone, shot):
    order = make_order(technician=org.users["technician"])
    page = phone
    page.goto(f"/tech/jobs/{order.number}")
    page.get_by_role("button", name="接单").click()
    prepare_and_arrive(page)
    page.get_by_text("暂时无法修复", exact=True).click()
    page.get_by_label("暂时无法修复的原因").fill("需订购同型号配件")
    page.get_by_label("下次上门").select_option(index=2)
    page.get_by_label("预约时段").last.select_option("14:00-16:00")
    shot(page, "tech-cannot-fix")
    page.get_by_role("button", name="预约下次上门").click()
    expect(page.get_by_text("第 2 次上门")).to_be_visible()
    expect(page.get_by_role("checkbox", name="已佩戴胸牌")).to_have_attribute("aria-checked", "false")
    server_has(page, order, "scheduled")

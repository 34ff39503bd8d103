"""Who pays, in the browser (A3): intake proposes 保修期内 with its reason; on the phone the technician
makes one job 户内有偿 for misuse and the customer consents, signs and pays; another stays 保修期内 (¥0,
signed, closed without money) and is on the claim list, whose XLSX export holds its row and total."""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.fixtures.data import PASSWORD
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import AuditEvent, RepairOrder
from wuye.models.job import Payment
from wuye.services import orgs

from .test_technician_job import server_has, sign

pytestmark = pytest.mark.e2e


@pytest.fixture
def home(org):
    with transaction():
        b = orgs.add_building(org.p1, "5栋", completed_on=date(2023, 6, 30), developer="翠湖置业",
                              main_contractor="中建八局")
        unit = orgs.add_unit(org.p1, b, "5栋1单元101", "业主赵", "13800005101")
    return unit


def to_the_door(page, number):
    page.goto(f"/tech/jobs/{number}")
    page.get_by_role("button", name="接单").click()
    for label in ("我已详细了解工作内容", "工作服统一整洁", "已佩戴胸牌", "已带抹布和脚套", "维修工具和常用备件齐全"):
        page.get_by_role("checkbox", name=label).click()
        expect(page.get_by_role("checkbox", name=label)).to_have_attribute("aria-checked", "true")
    page.get_by_role("button", name="出发").click()
    page.get_by_role("button", name="我已到达门口").click()
    expect(page.get_by_role("heading", name="到门口时")).to_be_visible()


def quote_and_sign(page, expected_fee: str):
    page.get_by_label("工时").fill("1.5")
    page.locator("#q-item-0").select_option(label="水龙头 · ¥45.00/个")
    expect(page.locator(".fee-total")).to_have_text(expected_fee)
    sign(page)


def test_intake_proposes_warranty_the_technician_makes_it_paid_work_and_another_stays_free_and_is_claimed(
        org, home, make_order, page, tech_phone, login, shot, browser, base_url):
    # the desk: the proposal with its reason, as soon as the unit and the category are picked
    login(page, "clerk", PASSWORD)
    page.goto("/desk/repairs/new")
    page.get_by_role("combobox", name="房号").fill("5栋1单元101")
    page.get_by_role("option", name=re.compile("5栋1单元101")).click()
    expect(page.get_by_label("联系人")).to_have_value("业主赵")
    page.get_by_label("报修类别").select_option(label="渗漏水")
    reason = page.locator("#charge .charge-reason")
    expect(reason).to_have_text("保修期内：屋面防水、卫生间房间外墙面防渗漏 5 年，竣工 2023-06-30，至 2028-06-30。")
    expect(page.get_by_role("radio", name=re.compile("保修期内"))).to_be_checked()
    page.get_by_label("报修内容").fill("卫生间地面渗水到楼下")
    page.get_by_label("预约日期").select_option(index=2)
    page.get_by_label("预约时段").select_option("10:00-12:00")
    page.get_by_label("派工给").select_option(index=1)
    shot(page, "warranty-1-intake-proposal", full_page=False)
    page.get_by_role("button", name="保存报修单").click()
    expect(page.get_by_text(re.compile(r"报修单 BX-\d{8}-\d{4} 已保存"))).to_be_visible()
    first = db.session.scalar(db.select(RepairOrder).where(RepairOrder.unit_id == home.id))
    assert first.charge_type == "warranty" and first.charge_party == "中建八局"

    # the phone: misuse found at the door — paid work, with its reason; consent, signature, payment
    _ctx, phone = tech_phone
    to_the_door(phone, first.number)
    phone.get_by_text("更改收费类型", exact=True).click()
    phone.get_by_label("户内有偿").check()
    phone.get_by_label("原因（例如人为损坏）").fill("人为损坏：住户装修时打穿防水层")
    shot(phone, "warranty-2-phone-change", full_page=False)
    phone.get_by_role("button", name="保存收费类型").click()
    expect(phone.locator(".charge-line .charge-current")).to_have_text("户内有偿")
    quote_and_sign(phone, "¥120.00")
    phone.get_by_role("button", name="客户同意并签字").click()
    phone.get_by_role("button", name="完工，请客户验收").click()
    phone.get_by_label("已向客户示范使用功能").check()
    sign(phone)
    phone.get_by_role("button", name="客户验收签字").click()
    expect(phone.get_by_label("金额（¥）")).to_have_value("120.00")
    phone.get_by_label("现金").check()
    phone.get_by_label("收据号").fill("R-5101-01")
    phone.get_by_role("button", name="确认收款").click()
    expect(phone.get_by_role("heading", name="已完成")).to_be_visible()
    server_has(phone, first, "completed")
    db.session.rollback()
    assert db.session.get(RepairOrder, first.id).charge_type == "paid"
    assert db.session.scalar(db.select(Payment).where(Payment.order_id == first.id)).amount_fen == 12000
    change = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "charge_change"))
    assert change.changes["reason"] == "人为损坏：住户装修时打穿防水层"

    # the desk's order page shows the change and its reason
    page.goto(f"/desk/repairs/{first.number}")
    expect(page.get_by_text("现场更改收费类型")).to_be_visible()
    expect(page.locator(".charge-facts")).to_contain_text("人为损坏：住户装修时打穿防水层")

    # another job stays under warranty: ¥0 due, still consented and signed, closed without money
    second = make_order(unit=home, category="leak", technician=org.users["technician"], description="外墙渗水")
    to_the_door(phone, second.number)
    quote_and_sign(phone, "¥0.00")
    expect(phone.locator(".fee-value-total")).to_have_text("¥120.00")
    shot(phone, "warranty-3-phone-zero-quote")
    phone.get_by_role("button", name="客户同意并签字").click()
    phone.get_by_role("button", name="完工，请客户验收").click()
    phone.get_by_label("已向客户示范使用功能").check()
    sign(phone)
    phone.get_by_role("button", name="客户验收签字").click()
    expect(phone.get_by_text("应收 ¥0")).to_be_visible()
    shot(phone, "warranty-4-phone-zero-close", full_page=False)
    phone.get_by_role("button", name="结单：无需付费").click()
    expect(phone.get_by_role("heading", name="已完成")).to_be_visible()
    server_has(phone, second, "completed")

    # the claim list: the warranty job under its contractor, with its cost; the export holds row and total
    desk = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True,
                               viewport={"width": 1366, "height": 768})
    page = desk.new_page()
    login(page, "cs_supervisor", PASSWORD)
    page.goto("/desk/claims/?kind=warranty")
    party = page.locator("section.claim-party", has_text="中建八局")
    expect(party).to_contain_text(second.number)
    expect(party).to_contain_text("¥120.00")
    expect(page.get_by_text(first.number)).to_have_count(0)
    shot(page, "warranty-5-claim-list")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 XLSX").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book["中建八局"].iter_rows(values_only=True))
    assert [r[0] for r in rows[2:-1]] == [second.number] and rows[2][8] == 120
    assert rows[-1][0] == "合计" and rows[-1][8] == 120
    page.get_by_role("checkbox", name=second.number).check()
    page.get_by_role("button", name="标记为已索赔").click()
    expect(page.get_by_text("已标记 1 张维修单。")).to_be_visible()
    desk.close()

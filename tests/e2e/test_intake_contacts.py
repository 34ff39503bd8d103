"""At the desk (1366×768), the caller may be any of the unit's people: the owner is proposed, a tenant's or
a family member's button puts them in the contact fields, and the order is saved with them."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.data import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def family(org):
    """3栋2单元1201: its owner, a tenant with two phones and a family member."""
    from wuye.database import transaction
    from wuye.extensions import db
    from wuye.models import Unit
    from wuye.services import orgs
    with transaction():
        unit = db.session.get(Unit, org.units[0].id)
        orgs.set_contacts(unit, [{"kind": "owner", "name": "业主1201", "phone": "13800001201"},
                                 {"kind": "tenant", "name": "租客小李", "phone": "13911112222", "phone2": "13911113333"},
                                 {"kind": "family", "name": "李奶奶", "phone": "0755-12345678",
                                  "may_receive_messages": False}])
    return unit


def test_a_tenants_or_family_members_contact_fills_the_caller_and_is_saved(org, family, page, login, shot):
    from wuye.extensions import db
    from wuye.models import RepairOrder
    login(page, "clerk", PASSWORD)
    expect(page.get_by_role("heading", name="维修看板")).to_be_visible()
    page.goto("/desk/repairs/new")
    # typed only once the cursor is in 房号, as a clerk sees it there (under load the page's autofocus
    # could come after Playwright's load event, and the keys went nowhere: a CI run)
    expect(page.get_by_role("combobox", name="房号")).to_be_focused()
    kb = page.keyboard
    kb.type("1201")
    kb.press("ArrowDown")
    kb.press("Enter")
    name, phone = page.get_by_label("联系人", exact=True), page.get_by_label("联系电话")
    expect(name).to_have_value("业主1201")  # the owner is proposed
    owner = page.get_by_role("button", name="选用 业主 业主1201 13800001201")
    expect(owner).to_have_attribute("aria-pressed", "true")
    tenant = page.get_by_role("button", name="选用 租户 租客小李 13911113333")  # the tenant's second phone
    tenant.click()
    expect(name).to_have_value("租客小李")
    expect(phone).to_have_value("13911113333")
    expect(tenant).to_have_attribute("aria-pressed", "true")
    expect(owner).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_label("报修类别")).to_be_focused()  # the caller is known: on to what needs repairing
    shot(page, "desk-intake-tenant-picked", full_page=False)

    # by keyboard: Shift+Tab back from the contact name reaches the family member's button; Enter picks it
    grandma = page.get_by_role("button", name="选用 家属 李奶奶 0755-12345678")
    grandma.focus()
    kb.press("Enter")
    expect(name).to_have_value("李奶奶")
    expect(phone).to_have_value("0755-12345678")
    tenant.click()

    page.get_by_label("报修类别").select_option("plumbing_electric")
    page.get_by_label("报修内容").fill("厨房水龙头漏水")
    page.get_by_label("预约日期").select_option(index=2)
    page.get_by_label("预约时段").select_option(index=2)
    page.get_by_role("button", name="保存报修单").click()
    expect(page.get_by_text(re.compile(r"报修单 BX-\d{8}-\d{4} 已保存"))).to_be_visible()
    expect(page.get_by_text("租客小李 ·")).to_be_visible()
    db.session.rollback()
    order = db.session.scalar(db.select(RepairOrder))
    assert (order.contact_name, order.contact_phone) == ("租客小李", "13911113333")

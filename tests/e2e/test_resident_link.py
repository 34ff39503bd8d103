"""A resident follows the order on a 390×844 phone from intake to completion — the page updates
by itself while the technician works — fills the 服务单, and the desk sees the low score."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.data import PASSWORD
from tests.fixtures.journey import Journey
from wuye.extensions import db
from wuye.models import RepairOrder

from .conftest import PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def fast_polling(live_server):
    app = live_server.app
    before = app.config["WUYE_LINK_POLL_SECONDS"]
    app.config["WUYE_LINK_POLL_SECONDS"] = 1
    yield
    app.config["WUYE_LINK_POLL_SECONDS"] = before


@pytest.fixture
def phones(browser, base_url):
    """New phone-sized browser contexts, all closed after the test even when it fails — a page left
    open would go on polling the live server into the tests that follow."""
    opened = []

    def open_page():
        context = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
        opened.append(context)
        return context.new_page()
    yield open_page
    for context in opened:
        context.close()


def take_a_call(page):
    """The clerk's intake by keyboard, dispatched to the first technician at once."""
    kb = page.keyboard
    page.goto("/desk/repairs/new")
    expect(page.get_by_role("combobox", name="房号")).to_be_focused()
    kb.type("1201")
    option = page.get_by_role("option", name=re.compile("3栋2单元1201"))
    expect(option).to_be_visible()
    kb.press("ArrowDown")
    expect(option).to_be_focused()
    kb.press("Enter")
    expect(page.get_by_label("联系人")).to_be_focused()
    kb.press("Tab")
    kb.press("Tab")  # the SMS consent box, as on file for this contact
    kb.press("Tab")
    kb.press("ArrowDown")  # category: 水电
    kb.press("Tab")
    kb.press("Tab")
    kb.type("卫生间水龙头漏水，关不紧")
    kb.press("Tab")
    kb.press("ArrowDown")
    kb.press("ArrowDown")  # tomorrow
    kb.press("Tab")
    kb.press("ArrowDown")
    kb.press("ArrowDown")  # 10:00-12:00
    kb.press("Tab")
    kb.press("ArrowDown")  # the first technician
    kb.press("Control+Enter")
    expect(page.get_by_text(re.compile(r"报修单 BX-\d{8}-\d{4} 已保存"))).to_be_visible()


def read_qr(png: bytes) -> str:
    import io

    import zxingcpp
    from PIL import Image
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found.text


def score(page, question: str, answer: str):
    page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True).check()


def test_a_resident_follows_the_order_on_the_link_and_the_desk_sees_a_low_score(
        org, page, phones, base_url, login, shot, fast_polling):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, "clerk", PASSWORD)
    take_a_call(page)
    link = page.get_by_role("textbox", name="业主链接")
    url = link.input_value()
    assert re.fullmatch(re.escape(base_url) + r"/s/[A-Za-z0-9_-]{43}", url)
    page.get_by_role("button", name="复制", exact=True).click()
    expect(page.get_by_text("已复制")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    shot(page, "resident-desk-1-order-with-link")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="打印（A5）").click()
    printed = popup.value
    expect(printed.get_by_role("img", name="业主查询二维码")).to_be_visible()
    shot(printed, "resident-desk-print-a5")
    assert read_qr(printed.get_by_role("img", name="业主查询二维码").screenshot()) == url  # the paper's link
    printed.close()

    res = phones()
    res.goto(url)
    expect(res.get_by_role("heading", name="已派工")).to_be_visible()
    expect(res.get_by_text("3栋2单元***")).to_be_visible()
    expect(res.get_by_text(re.compile(r"^\S+师傅$"))).to_be_visible()
    res.evaluate("window.wuyeNotReloaded = true")
    shot(res, "resident-1-dispatched")

    order = db.session.scalar(db.select(RepairOrder))
    journey = Journey(order)
    for step, word in (("depart", "师傅已出发"), ("arrive", "师傅已到达"), ("consent", "维修中"),
                       ("finish", "待验收")):
        journey.to(step)
        db.session.commit()
        expect(res.get_by_role("heading", name=word)).to_be_visible(timeout=8000)
        if step == "arrive":
            shot(res, "resident-2-arrived")
    journey.to("pay")
    db.session.commit()
    expect(res.get_by_role("heading", name="已完成")).to_be_visible(timeout=8000)
    expect(res.get_by_role("heading", name="服务单")).to_be_visible()
    assert res.evaluate("window.wuyeNotReloaded") is True  # every change came by polling
    shot(res, "resident-3-completed-form")

    score(res, "总体满意度", "不满意")
    score(res, "及时性", "非常不满意")
    score(res, "服务态度", "满意")
    score(res, "维修质量", "一般")
    res.get_by_label("意见和建议").fill("约好上午，下午才到")
    shot(res, "resident-3b-form-filled", full_page=False)
    res.get_by_role("button", name="提交").click()
    expect(res.get_by_text("谢谢，您的评价已提交。")).to_be_visible()
    expect(res.get_by_role("link", name="修改我的评价")).to_be_visible()
    shot(res, "resident-4-form-sent")

    page.goto("/desk/return-visits")
    row = page.get_by_role("row", name=re.compile(order.number))
    expect(row).to_be_visible()
    expect(row.get_by_text("约好上午，下午才到")).to_be_visible()
    shot(page, "resident-desk-2-return-visits")
    page.goto("/desk/repairs")
    expect(page.locator(".score-low").first).to_have_text("2/5")
    shot(page, "resident-desk-3-board")
    page.goto(f"/desk/repairs/{order.number}")
    expect(page.get_by_role("heading", name="业主评价")).to_be_visible()
    shot(page, "resident-desk-4-order-feedback")


def test_a_resident_asks_for_another_time_and_sees_the_answer_without_reload(
        org, make_order, phones, page, login, shot, fast_polling):
    from wuye.services import Actor
    from wuye.services.residents import link as links
    order = make_order(technician=org.users["technician2"])
    _link, token = links.issue_link(Actor(org.users["clerk"], "x"), order)
    res = phones()
    res.goto(f"/s/{token}")
    expect(res.get_by_text("李师傅")).to_be_visible()
    res.get_by_text("向客服申请改约").click()
    res.get_by_label("日期").select_option(index=2)
    res.get_by_label("预约时段").select_option("18:00-20:00")
    res.get_by_label("给客服的留言").fill("白天上班，晚上在家")
    res.get_by_role("button", name="提交申请").click()
    expect(res.get_by_text("申请已提交，客服会在本页面答复您。")).to_be_visible()
    expect(res.get_by_text(re.compile("您已申请改约到"))).to_be_visible()
    shot(res, "resident-5-time-requested")

    login(page, "clerk", PASSWORD)
    page.goto("/desk/return-visits")
    row = page.get_by_role("row", name=re.compile(order.number))
    expect(row.get_by_text("白天上班，晚上在家")).to_be_visible()
    row.get_by_label("同意新时间").check()
    row.get_by_role("button", name="发送答复").click()
    expect(page.get_by_text("没有待处理的改约申请。")).to_be_visible()

    expect(res.get_by_role("heading", name="改约")).to_be_visible(timeout=8000)
    expect(res.get_by_text(re.compile("18:00–20:00")).first).to_be_visible()
    shot(res, "resident-6-rescheduled")


def test_a_declined_order_asks_the_resident_why(org, make_order, phones, shot):
    from wuye.services import Actor
    from wuye.services.residents import link as links
    order = make_order(technician=org.users["technician2"])
    Journey(order).to("arrive").decline()
    db.session.commit()
    _link, token = links.issue_link(Actor(org.users["clerk"], "x"), order)
    res = phones()
    res.goto(f"/s/{token}")
    expect(res.get_by_role("heading", name="已谢绝")).to_be_visible()
    expect(res.get_by_role("group", name="维修质量")).to_have_count(0)
    res.get_by_role("button", name="提交").click()
    expect(res.get_by_text("请告诉我们谢绝维修的原因。")).to_be_visible()
    score(res, "总体满意度", "一般")
    score(res, "及时性", "满意")
    score(res, "服务态度", "非常满意")
    res.get_by_label("价格太高").check()
    shot(res, "resident-7-declined-form")
    res.get_by_role("button", name="提交").click()
    expect(res.get_by_text("谢谢，您的评价已提交。")).to_be_visible()
    expect(res.get_by_text("价格太高")).to_be_visible()


def test_a_revoked_link_stops_polling_and_says_why(org, make_order, phones, fast_polling):
    from wuye.services import Actor
    from wuye.services.residents import link as links
    order = make_order(technician=org.users["technician2"])
    link, token = links.issue_link(Actor(org.users["clerk"], "x"), order)
    res = phones()
    polls = []
    res.on("request", lambda r: polls.append(r.url) if r.url.endswith(token) else None)
    res.goto(f"/s/{token}")
    expect(res.get_by_role("heading", name="已派工")).to_be_visible()
    links.revoke_link(Actor(org.users["clerk"], "x"), order, link.id)
    db.session.commit()
    expect(res.get_by_text("此链接无效，请联系客服获取新链接。")).to_be_visible(timeout=8000)
    seen = len(polls)
    res.wait_for_timeout(3000)  # three poll intervals
    assert len(polls) == seen

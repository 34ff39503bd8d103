"""The project manager's monthly review in the browser: open the figures, go back a month, follow a
figure to the orders behind it, a money figure and a complaint figure to their lists, download the XLSX and print the A4 review report — and no CSP
violation on the way (the charts are inline SVG)."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.fixtures.data import PASSWORD
from tests.fixtures.reports import REPORT_NOW

pytestmark = pytest.mark.e2e


@pytest.fixture
def server_clock(live_server):
    class Clock:
        now = REPORT_NOW + timedelta(days=5)  # 5 December: the report opens on December

        def __call__(self):
            return self.now

    live_server.app.extensions["wuye.clock"] = Clock()
    yield
    live_server.app.extensions.pop("wuye.clock", None)


def test_a_project_manager_reviews_november_follows_a_figure_downloads_and_prints(
        month, server_clock, browser, base_url, shot):
    from openpyxl import load_workbook

    context = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 768}, accept_downloads=True)
    context.set_default_timeout(10000)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/login")
    page.get_by_label("用户名").fill("project_manager")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="管理评审").click()
    expect(page.get_by_role("heading", name=re.compile("管理评审 · 2026年12月"))).to_be_visible()

    page.get_by_role("link", name="← 上一期").click()
    expect(page.get_by_role("heading", name=re.compile("管理评审 · 2026年11月"))).to_be_visible()
    source = page.locator("#t-repairs_source")
    expect(source.locator("svg text", has_text="电话").first).to_be_attached()  # a label of the chart, as text
    expect(source.get_by_role("row", name=re.compile("电话"))).to_contain_text("3")
    shot(page, "reports-november")

    # the 3 phone orders of November, on the desk board
    source.get_by_role("row", name=re.compile("电话")).get_by_role("link", name="3").click()
    expect(page).to_have_url(re.compile(r"/desk/repairs\?day_from=2026-11-01&day_to=2026-11-30&source=phone"))
    expect(page.locator("tbody tr", has_text="BX-T-")).to_have_count(3)
    page.go_back()

    # a money figure: November's cash, paid at 02:00 on 1 November, on the board with its amount
    cash = page.locator("#t-money_method").get_by_role("row", name=re.compile("现金"))
    cash.get_by_role("link", name="¥50.00").click()
    expect(page.locator(".board-summary")).to_have_text("1 个工单符合 · 日期为缴费日 · 已收 ¥50.00")
    expect(page.locator("tbody tr", has_text="BX-T-")).to_have_count(1)
    expect(page.locator("tbody tr", has_text="BX-T-0003")).to_be_visible()
    shot(page, "reports-money-figure-board")
    page.go_back()

    # a complaint figure: November's valid complaints, on the complaint board
    valid = page.locator("#t-complaints_validity").get_by_role("row", name=re.compile("有效投诉"))
    valid.get_by_role("link", name="2").click()
    expect(page.locator(".board-summary")).to_have_text("2 件投诉符合")
    expect(page.locator(".ccard", has_text="TS-T-")).to_have_count(2)
    shot(page, "reports-complaint-figure-board")
    page.go_back()

    with page.expect_download() as got:
        page.get_by_role("link", name="下载 XLSX").click()
    with open(got.value.path(), "rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    cells = [c for ws in book for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "翠湖花园" in cells and "按来源" in cells
    assert book["收费"] is not None

    page.get_by_role("link", name="打印管理评审报告").click()
    expect(page.get_by_role("heading", name="评审决议")).to_be_visible()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    shot(page, "reports-print-a4")
    assert page.locator("svg.wuye-chart").count() >= 10
    assert violations == []
    context.close()

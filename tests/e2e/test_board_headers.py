"""Board column headers never break mid-word, at desk width and on a phone, in both languages."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.data import PASSWORD

from .conftest import PHONE

pytestmark = pytest.mark.e2e

# how many lines each header's text takes: a word broken over two lines gives two rects
LINES = """() => Array.from(document.querySelectorAll('table.board th')).map(th => {
  const r = document.createRange(); r.selectNodeContents(th);
  const tops = new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top)));
  return [th.textContent.trim(), tops.size]; })"""


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_board_column_headers_stay_on_one_line(org, make_order, browser, base_url, size, shot):
    make_order()
    extra = PHONE if size == "phone" else {"viewport": {"width": 1366, "height": 768}}
    context = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **extra)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="维修看板")).to_be_visible()
    for lang in ("zh", "en"):
        headers = page.evaluate(LINES)
        assert len(headers) == 10
        assert [h for h, lines in headers if lines != 1] == [], lang
        shot(page, f"board-headers-{size}-{lang}", full_page=False)
        if lang == "zh":
            page.get_by_role("button", name="English").click()
            expect(page.get_by_role("heading", name="Repair board")).to_be_visible()
    # the table scrolls sideways on a phone; the page itself does not get wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()

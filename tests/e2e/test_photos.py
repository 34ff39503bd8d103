"""The desk opens an order's photo gallery at desk size and enlarges a photo (js/gallery.js)."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.fixtures.data import PASSWORD
from wuye.services import Actor
from wuye.services.repairs import technician as svc

pytestmark = pytest.mark.e2e


def a_photo(colour, size=(1600, 1200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG", quality=80)
    return buf.getvalue()


def test_the_desk_opens_the_gallery_and_enlarges_a_photo(org, make_order, page, shot):
    order = make_order(technician=org.users["technician"])
    tech = Actor(org.users["technician"], "x")
    svc.photo(svc.Step(tech, order), "before", a_photo((200, 80, 60)))
    svc.photo(svc.Step(tech, order), "after", a_photo((60, 160, 90), (1200, 1600)))

    page.goto("/login")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"/desk/repairs/{order.number}")
    gallery = page.locator("#order-photos")
    gallery.scroll_into_view_if_needed()
    tiles = gallery.get_by_role("link", name=re.compile("^放大查看："))
    expect(tiles).to_have_count(2)
    # the gallery loads the small thumbnails, not the photos themselves
    thumbs = gallery.locator("img")
    for i in range(2):
        expect(thumbs.nth(i)).not_to_have_js_property("naturalWidth", 0)
    assert thumbs.evaluate_all("imgs => imgs.map(i => Math.max(i.naturalWidth, i.naturalHeight))") == [320, 320]
    shot(page, "desk-photo-gallery", full_page=False)

    tiles.first.click()
    dialog = page.get_by_role("dialog", name=re.compile("维修前"))
    expect(dialog).to_be_visible()
    big = page.locator("dialog.lightbox img")
    expect(big).to_have_js_property("naturalWidth", 1600)
    box = big.bounding_box()
    assert box["width"] > 600 and box["height"] <= 768  # enlarged, and within the screen
    shot(page, "desk-photo-enlarged", full_page=False)

    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("dialog", name=re.compile("维修后"))).to_be_visible()
    expect(big).to_have_js_property("naturalHeight", 1600)
    page.keyboard.press("Escape")
    expect(page.locator("dialog.lightbox")).to_be_hidden()
    expect(tiles.first).to_be_focused()  # back where the clerk was

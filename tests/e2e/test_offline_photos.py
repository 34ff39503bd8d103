"""Photos taken without signal go through the outbox like every other step: the phone stores the
scaled image, keeps it over a reload, and the server gets it exactly once when the signal returns."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from wuye.extensions import db
from wuye.models.job import Photo
from wuye.services.repairs.uploads import path_of

from .test_offline import counts, fresh, open_job, pending, wait_synced
from .test_offline_money import go_online, quote_and_consent, to_the_door

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(tech_phone):
    context, page = tech_phone
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return context, page


def camera_jpeg(width=3000, height=2000) -> bytes:
    """What a phone camera hands over: large, and not trivially compressible."""
    img = Image.effect_noise((width, height), 60).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def stored_photo(page) -> dict:
    return page.evaluate("""window.wuyeOutbox.all('outbox').then(items => {
        const item = items.find(i => i.action === 'photo');
        const blob = item.fields.find(f => f[0] === 'photo-photo')[1];
        return createImageBitmap(blob).then(b => ({type: blob.type, size: blob.size, width: b.width, height: b.height}));
    })""")


def test_a_photo_taken_offline_reaches_the_server_once_when_the_signal_returns(org, make_order, phone, shot):
    context, page = phone
    order = make_order(technician=org.users["technician"])
    open_job(page, order.number)
    page.get_by_role("button", name="接单").click()
    to_the_door(page)
    quote_and_consent(page)
    wait_synced(page, answered=10)

    context.set_offline(True)
    original = camera_jpeg()
    page.get_by_label("维修前").check()
    page.locator("input.photo-input").set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": original}])
    page.get_by_role("button", name="上传照片").click()
    expect(page.locator("#notes li.pending")).to_contain_text("上传照片")
    page.wait_for_function("() => window.wuyeOutbox.pending === 1")
    photo = stored_photo(page)
    assert photo["type"] == "image/jpeg" and max(photo["width"], photo["height"]) == 1600, photo
    assert photo["size"] < len(original)

    # a reload without signal keeps the photo on the phone
    assert page.reload().from_service_worker
    expect(page.get_by_role("heading", name="6. 维修")).to_be_visible()  # the state it was left in
    assert pending(page) == 1 and stored_photo(page) == photo
    shot(page, "offline-photo-pending", full_page=False)
    page.evaluate("window.wuyeOutbox.all('outbox').then(items => { window.__copy = items; })")
    assert counts(order.id).get("photo") is None

    go_online(context, page)
    wait_synced(page, answered=1)
    fresh()
    rows = db.session.scalars(db.select(Photo).where(Photo.order_id == order.id).order_by(Photo.id)).all()
    assert [p.kind for p in rows] == ["before"]
    with Image.open(path_of("photos", rows[0].sha256)) as img:
        assert max(img.size) == 1600

    # the same outbox sent again: the server answers from its record, no second photo
    page.evaluate("Promise.all(window.__copy.map(i => window.wuyeOutbox.put('outbox', i)))"
                  ".then(() => window.wuyeOutbox.replay())")
    wait_synced(page, answered=2)
    fresh()
    assert db.session.scalar(db.select(db.func.count()).select_from(Photo).where(Photo.order_id == order.id)) == 1
    assert counts(order.id).get("photo") == 1

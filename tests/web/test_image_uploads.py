"""Every uploaded image is re-encoded: what is kept is the picture, not the bytes the phone sent.

No GPS position of a customer's home, no HTML smuggled after the image data; a file that is not a
whole image, or one whose pixels would flood the server, is refused with a message (422)."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.fixtures.images import GPS_IFD, HTML, photo_jpeg, photo_png, photo_with_gps, png_header_only, signature_png
from tests.web.test_photos import upload
from tests.web.test_tech_steps import quote_form
from wuye.extensions import db
from wuye.models import RepairOrder
from wuye.models.job import Photo, Signature
from wuye.services import Actor
from wuye.services.repairs import uploads
from wuye.services.repairs import technician as svc


@pytest.fixture
def job(org, make_order, clock):
    return make_order(technician=org.users["technician"])


@pytest.fixture
def on_site(org, job):
    """At the customer's door, ready for the quote and its signature."""
    actor = Actor(org.users["technician"], "x")
    svc.accept(svc.Step(actor, job))
    for item in svc.CHECKLIST:
        svc.tick(svc.Step(actor, db.session.get(RepairOrder, job.id)), item, True)
    svc.depart(svc.Step(actor, db.session.get(RepairOrder, job.id)))
    svc.arrive(svc.Step(actor, db.session.get(RepairOrder, job.id)))
    return db.session.get(RepairOrder, job.id)


@pytest.fixture
def tech(as_role):
    return as_role("technician")


def stored_photo() -> tuple[Photo, bytes]:
    photo = db.session.scalar(db.select(Photo).order_by(Photo.id.desc()))
    return photo, uploads.path_of("photos", photo.sha256).read_bytes()


def photo_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Photo))


def test_a_photo_with_exif_gps_comes_back_without_it(job, tech):
    sent = photo_with_gps()
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(GPS_IFD)  # the phone's file does carry it
    assert upload(tech, job.number, "before", sent).status_code == 303
    photo, kept = stored_photo()
    served = tech.get(f"/tech/jobs/{job.number}/photos/{photo.id}/full").get_data()
    assert served == kept
    for data in (kept, tech.get(f"/tech/jobs/{job.number}/photos/{photo.id}/thumb").get_data()):
        img = Image.open(io.BytesIO(data))
        assert "exif" not in img.info and not img.getexif().get_ifd(GPS_IFD) and len(img.getexif()) == 0
    assert b"PhoneMaker" not in kept and photo.size_bytes == len(kept)
    assert Image.open(io.BytesIO(kept)).size == (640, 480)


def test_a_photo_turned_by_its_exif_orientation_is_stored_upright(job, tech):
    img = Image.new("RGB", (400, 200), (10, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held upright: rotate 90° when shown
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    assert upload(tech, job.number, "before", buf.getvalue()).status_code == 303
    _photo, kept = stored_photo()
    assert Image.open(io.BytesIO(kept)).size == (200, 400)


@pytest.mark.parametrize("original", [photo_jpeg(), photo_png()], ids=["jpeg", "png"])
def test_html_appended_after_the_image_data_is_not_stored(job, tech, original):
    assert upload(tech, job.number, "after", original + HTML).status_code == 303
    photo, kept = stored_photo()
    assert HTML not in kept and b"<html" not in kept and b"<script" not in kept
    assert photo.sha256 == uploads.hashlib.sha256(kept).hexdigest()
    Image.open(io.BytesIO(kept)).load()


def test_a_png_photos_text_chunks_are_dropped(job, tech):
    assert upload(tech, job.number, "after", photo_png(text="<svg onload=alert(1)>"), "p.png").status_code == 303
    photo, kept = stored_photo()
    assert photo.content_type == "image/png" and b"onload" not in kept and b"tEXt" not in kept


@pytest.mark.parametrize("data, message", [
    (b"<html><body>not a photo</body></html>", "不是可识别的图片"),
    (photo_jpeg()[: len(photo_jpeg()) // 2], "不是可识别的图片"),  # a truncated JPEG
    (photo_png(640, 480)[:-200], "不是可识别的图片"),  # a truncated PNG
    (b"GIF89a" + b"\x00" * 64, "JPEG、PNG 或 WebP"),
    (b"", "请选择照片"),
], ids=["html", "truncated-jpeg", "truncated-png", "gif", "empty"])
def test_a_file_that_is_not_a_whole_photo_is_refused_with_a_message(job, tech, data, message):
    r = upload(tech, job.number, "before", data)
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)
    assert photo_count() == 0


def test_an_oversized_photo_is_refused_per_the_limits(job, tech, monkeypatch):
    r = upload(tech, job.number, "before", photo_jpeg(uploads.PHOTO_MAX_SIDE + 1, 100))
    assert r.status_code == 422 and "照片尺寸异常" in r.get_data(as_text=True)
    with pytest.raises(uploads.InvalidUpload):
        uploads.check_photo(photo_jpeg() + b"\x00" * uploads.PHOTO_MAX_BYTES)  # the 2 MB limit itself
    # over HTTP with a smaller limit: the test client spools a 2 MB body to a file it never closes
    monkeypatch.setattr(uploads, "PHOTO_MAX_BYTES", 100_000)
    r = upload(tech, job.number, "before", photo_jpeg() + b"\x00" * 100_000)
    assert r.status_code == 422 and "照片过大" in r.get_data(as_text=True)
    assert photo_count() == 0
    assert upload(tech, job.number, "before", photo_jpeg(uploads.PHOTO_MAX_SIDE, 100)).status_code == 303


@pytest.mark.parametrize("side", [10_000, 30_000], ids=["over-the-warning", "over-the-error"])
def test_a_decompression_bomb_is_refused_cleanly(job, tech, side):
    """Pillow warns above MAX_IMAGE_PIXELS and raises above twice that: both are a 422, never a 500."""
    bomb = png_header_only(side, side)
    assert len(bomb) < 200 and side * side > Image.MAX_IMAGE_PIXELS
    r = upload(tech, job.number, "before", bomb, "bomb.png")
    assert r.status_code == 422 and "图片像素过多" in r.get_data(as_text=True)
    assert photo_count() == 0


def test_a_signature_is_stored_re_encoded_without_what_was_appended(org, on_site, tech):
    sent = signature_png() + HTML
    r = tech.post(f"/tech/jobs/{on_site.number}/consent", quote_form(org, sent), content_type="multipart/form-data")
    assert r.status_code == 303
    sig = db.session.scalar(db.select(Signature))
    kept = uploads.path_of("signatures", sig.png_sha256).read_bytes()
    assert HTML not in kept and kept.startswith(uploads.PNG_MAGIC) and sig.size_bytes == len(kept)
    assert Image.open(io.BytesIO(kept)).size == (400, 150)
    served = tech.get(f"/tech/jobs/{on_site.number}/signatures/{sig.id}")
    assert served.get_data() == kept and served.headers["X-Content-Type-Options"] == "nosniff"


def test_a_signature_bomb_is_refused_cleanly(org, on_site, tech):
    r = tech.post(f"/tech/jobs/{on_site.number}/consent", quote_form(org, png_header_only(30_000, 30_000)),
                  content_type="multipart/form-data")
    assert r.status_code == 422 and "图片像素过多" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Signature)) == 0

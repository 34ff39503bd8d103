"""Photos of the work: shown on the job page, the desk's order page, the printed 派工单 and (before/after
only) the resident's link; served only to those who may see the order, never cached or sniffed."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.fixtures.images import photo_jpeg, photo_png
from wuye.extensions import db
from wuye.models.job import Photo
from wuye.services import Actor
from wuye.services.residents.link import issue_link


def upload(browser, number: str, kind: str, data: bytes, name: str = "p.jpg"):
    browser.get(f"/tech/jobs/{number}")
    return browser.post(f"/tech/jobs/{number}/photo", {"photo-kind": kind, "photo-photo": (io.BytesIO(data), name)},
                        content_type="multipart/form-data")


@pytest.fixture
def job(org, make_order, clock):
    return make_order(technician=org.users["technician"])


@pytest.fixture
def photos(job, as_role):
    """A before and an after photo of the job, uploaded from the technician's phone."""
    tech = as_role("technician")
    assert upload(tech, job.number, "before", photo_jpeg(1600, 1200)).status_code == 303
    assert upload(tech, job.number, "after", photo_png()).status_code == 303
    before, after = db.session.scalars(db.select(Photo).order_by(Photo.id)).all()
    return before, after


def thumb_urls(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+/photos/\d+/thumb)"', html)


def assert_served_as_an_image(r, content_type: str):
    assert r.status_code == 200, r.status_code
    assert r.mimetype == content_type
    assert "no-store" in r.headers["Cache-Control"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    Image.open(io.BytesIO(r.get_data())).verify()


def test_the_job_page_shows_the_technicians_photos_as_thumbnails_to_enlarge(job, photos, as_role):
    before, after = photos
    tech = as_role("technician")
    html = tech.get(f"/tech/jobs/{job.number}").get_data(as_text=True)
    assert thumb_urls(html) == [f"/tech/jobs/{job.number}/photos/{before.id}/thumb",
                                f"/tech/jobs/{job.number}/photos/{after.id}/thumb"]
    assert f'href="/tech/jobs/{job.number}/photos/{before.id}/full"' in html
    assert "维修前" in html and "维修后" in html
    assert "js/gallery.js" in html
    assert_served_as_an_image(tech.get(f"/tech/jobs/{job.number}/photos/{before.id}/full"), "image/jpeg")
    assert_served_as_an_image(tech.get(f"/tech/jobs/{job.number}/photos/{after.id}/full"), "image/png")


def test_the_desk_order_page_has_a_gallery_of_small_thumbnails(job, photos, as_role):
    before, after = photos
    clerk = as_role("clerk")
    html = clerk.get(f"/desk/repairs/{job.number}").get_data(as_text=True)
    assert 'id="order-photos"' in html and "js/gallery.js" in html
    assert thumb_urls(html) == [f"/desk/repairs/{job.number}/photos/{p.id}/thumb" for p in (before, after)]
    thumb = clerk.get(f"/desk/repairs/{job.number}/photos/{before.id}/thumb")
    assert_served_as_an_image(thumb, "image/jpeg")
    full = clerk.get(f"/desk/repairs/{job.number}/photos/{before.id}/full")
    assert_served_as_an_image(full, "image/jpeg")
    small = Image.open(io.BytesIO(thumb.get_data()))
    assert max(small.size) <= 320 and Image.open(io.BytesIO(full.get_data())).size == (1600, 1200)
    assert len(thumb.get_data()) * 5 < len(full.get_data())


def test_a_thumbnail_is_made_once_and_kept_by_digest(job, photos, as_role, app):
    from wuye.services.repairs import uploads
    before, _after = photos
    clerk = as_role("clerk")
    first = clerk.get(f"/desk/repairs/{job.number}/photos/{before.id}/thumb").get_data()
    path = uploads.thumbnail_path("photos", before.sha256)
    made = path.stat().st_mtime_ns
    assert clerk.get(f"/desk/repairs/{job.number}/photos/{before.id}/thumb").get_data() == first
    assert path.stat().st_mtime_ns == made and path.read_bytes() == first


def test_the_printed_dispatch_sheet_shows_before_and_after_thumbnails(job, photos, as_role):
    before, after = photos
    for browser, prefix in ((as_role("clerk"), f"/desk/repairs/{job.number}"),
                            (as_role("technician"), f"/tech/jobs/{job.number}")):
        html = browser.get(f"{prefix}/sheet").get_data(as_text=True)
        assert "维修照片" in html
        assert thumb_urls(html) == [f"{prefix}/photos/{before.id}/thumb", f"{prefix}/photos/{after.id}/thumb"]
        assert html.index("维修前") < html.index(f"photos/{before.id}/") < html.index("维修后")


def test_the_resident_sees_the_before_and_after_photos_of_their_own_order(org, job, photos, anon):
    before, after = photos
    _link, token = issue_link(Actor(org.users["clerk"], "x"), job)
    html = anon.get(f"/s/{token}").get_data(as_text=True)
    assert 'id="res-photos"' in html and "维修照片" in html
    assert thumb_urls(html) == [f"/s/{token}/photos/{before.id}/thumb", f"/s/{token}/photos/{after.id}/thumb"]
    assert_served_as_an_image(anon.get(f"/s/{token}/photos/{before.id}/thumb"), "image/jpeg")
    r = anon.get(f"/s/{token}/photos/{after.id}/full")
    assert_served_as_an_image(r, "image/png")
    assert r.headers["Referrer-Policy"] == "no-referrer"


def test_the_residents_poll_does_not_reload_the_photos(org, job, photos, anon):
    _link, token = issue_link(Actor(org.users["clerk"], "x"), job)
    anon.get(f"/s/{token}")
    live = anon.get(f"/s/{token}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="live"' in live and "/photos/" not in live


def test_a_photo_that_is_neither_before_nor_after_is_not_shown_to_the_resident(org, job, photos, anon, as_role):
    before, _after = photos
    db.session.execute(db.update(Photo).where(Photo.id == before.id).values(kind="other"))
    db.session.commit()
    _link, token = issue_link(Actor(org.users["clerk"], "x"), job)
    assert f"/photos/{before.id}/" not in anon.get(f"/s/{token}").get_data(as_text=True)
    assert anon.get(f"/s/{token}/photos/{before.id}/full").status_code == 404
    assert anon.get(f"/s/{token}/photos/{before.id}/thumb").status_code == 404
    assert as_role("clerk").get(f"/desk/repairs/{job.number}/photos/{before.id}/full").status_code == 200


def test_another_technician_cannot_fetch_the_photos_of_a_job_not_theirs(org, job, photos, make_order, as_role):
    before, _after = photos
    theirs = make_order(technician=org.users["technician2"])
    other = as_role("technician2")
    for size in ("full", "thumb"):
        assert other.get(f"/tech/jobs/{job.number}/photos/{before.id}/{size}").status_code == 404
        # their own job's number does not open a photo of another order either
        assert other.get(f"/tech/jobs/{theirs.number}/photos/{before.id}/{size}").status_code == 404


def test_a_clerk_of_another_project_cannot_fetch_the_photos(org, job, photos, as_role):
    before, _after = photos
    p2 = as_role("p2_clerk")
    for size in ("full", "thumb"):
        assert p2.get(f"/desk/repairs/{job.number}/photos/{before.id}/{size}").status_code == 404
    assert as_role("p2_tech").get(f"/tech/jobs/{job.number}/photos/{before.id}/full").status_code == 404


def test_a_resident_of_another_order_cannot_fetch_the_photos(org, job, photos, make_order, anon):
    before, after = photos
    neighbour = make_order(unit=org.units[1])
    _link, token = issue_link(Actor(org.users["clerk"], "x"), neighbour)
    assert "/photos/" not in anon.get(f"/s/{token}").get_data(as_text=True)
    for p in (before, after):
        for size in ("full", "thumb"):
            assert anon.get(f"/s/{token}/photos/{p.id}/{size}").status_code == 404
    assert anon.get(f"/s/not-a-token/photos/{before.id}/thumb").status_code == 404


def test_roles_without_the_order_are_refused_the_photos(job, photos, as_role, anon):
    before, _after = photos
    for role in ("housing_officer", "dept_head", "staff"):
        assert as_role(role).get(f"/desk/repairs/{job.number}/photos/{before.id}/thumb").status_code == 403
        assert as_role(role).get(f"/tech/jobs/{job.number}/photos/{before.id}/thumb").status_code == 403
    r = anon.get(f"/desk/repairs/{job.number}/photos/{before.id}/thumb")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_an_unknown_size_or_a_missing_file_answers_404(job, photos, as_role, app):
    from wuye.services.repairs import uploads
    before, _after = photos
    clerk = as_role("clerk")
    assert clerk.get(f"/desk/repairs/{job.number}/photos/{before.id}/huge").status_code == 404
    uploads.path_of("photos", before.sha256).unlink()
    uploads.thumbnail_path("photos", before.sha256).unlink(missing_ok=True)
    assert clerk.get(f"/desk/repairs/{job.number}/photos/{before.id}/full").status_code == 404
    assert clerk.get(f"/desk/repairs/{job.number}/photos/{before.id}/thumb").status_code == 404

"""The job page's steps over HTTP: each refused with its message and nothing saved."""
from __future__ import annotations

import io

import pytest

from tests.fixtures.images import photo_jpeg, signature_png
from wuye.extensions import db
from wuye.models import RepairOrder
from wuye.models.job import Payment, PriceItem, Quote, Signature
from wuye.services import Actor
from wuye.services.repairs import technician as svc


@pytest.fixture
def on_site(org, make_order, clock):
    order = make_order(technician=org.users["technician"])
    tech = Actor(org.users["technician"], "x")
    svc.accept(svc.Step(tech, order))
    for item in svc.CHECKLIST:
        svc.tick(svc.Step(tech, db.session.get(RepairOrder, order.id)), item, True)
    svc.depart(svc.Step(tech, db.session.get(RepairOrder, order.id)))
    svc.arrive(svc.Step(tech, db.session.get(RepairOrder, order.id)))
    return db.session.get(RepairOrder, order.id)


def quote_form(org, signature=b"", qty="1", price=None, reason=""):
    tap = db.session.scalar(db.select(PriceItem).where(PriceItem.code == "tap", PriceItem.project_id == org.p1.id))
    data = {"q-labour_hours": "1.5", "q-item": str(tap.id), "q-name": tap.name, "q-unit": tap.unit, "q-qty": qty,
            "q-price": price if price is not None else "45.00", "q-reason": reason}
    if signature is not None:
        data["q-signature"] = (io.BytesIO(signature), "signature.png")
    return data


def _message(r) -> str:
    return r.get_data(as_text=True)


@pytest.mark.parametrize("signature", [b"", signature_png(ink=False), photo_jpeg(), b"\x89PNG\r\n\x1a\n" + b"x" * 250_000,
                                       b"\x89PNG\r\n\x1a\nnot really a png"])
def test_a_bad_signature_is_refused_and_nothing_is_saved(org, on_site, as_role, signature):
    b = as_role("technician")
    b.get(f"/tech/jobs/{on_site.number}")
    r = b.post(f"/tech/jobs/{on_site.number}/consent", quote_form(org, signature), content_type="multipart/form-data")
    assert r.status_code == 422
    assert 'class="alert alert-error"' in _message(r)
    assert db.session.scalar(db.select(db.func.count()).select_from(Quote)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Signature)) == 0
    assert db.session.get(RepairOrder, on_site.id).state == "on_site"


def test_negative_quantities_are_refused(org, on_site, as_role):
    b = as_role("technician")
    b.get(f"/tech/jobs/{on_site.number}")
    r = b.post(f"/tech/jobs/{on_site.number}/consent", quote_form(org, signature_png(), qty="-2"),
               content_type="multipart/form-data")
    assert r.status_code == 422 and db.session.scalar(db.select(db.func.count()).select_from(Quote)) == 0


def test_a_changed_price_without_a_reason_is_refused(org, on_site, as_role):
    b = as_role("technician")
    b.get(f"/tech/jobs/{on_site.number}")
    r = b.post(f"/tech/jobs/{on_site.number}/consent", quote_form(org, signature_png(), price="30"),
               content_type="multipart/form-data")
    assert r.status_code == 422
    r = b.post(f"/tech/jobs/{on_site.number}/consent", quote_form(org, signature_png(), price="30", reason="优惠"),
               content_type="multipart/form-data")
    assert r.status_code == 303
    assert db.session.scalar(db.select(Quote)).total_fen == 7500 + 3000


def test_the_whole_job_over_http_and_a_payment_that_differs_needs_a_reason(org, on_site, as_role):
    b = as_role("technician")
    n = on_site.number
    b.get(f"/tech/jobs/{n}")
    assert b.post(f"/tech/jobs/{n}/consent", quote_form(org, signature_png()),
                  content_type="multipart/form-data").status_code == 303
    assert b.post(f"/tech/jobs/{n}/finish", {}).status_code == 303
    r = b.post(f"/tech/jobs/{n}/sign_acceptance", {"acc-demonstrated": "y", "acc-signature": (io.BytesIO(signature_png()), "s.png")},
               content_type="multipart/form-data")
    assert r.status_code == 303
    r = b.post(f"/tech/jobs/{n}/pay", {"pay-method": "cash", "pay-amount": "100.00", "pay-receipt_no": "R1"})
    assert r.status_code == 422 and db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 0
    r = b.post(f"/tech/jobs/{n}/pay", {"pay-method": "cash", "pay-amount": "-1", "pay-receipt_no": "R1"})
    assert r.status_code == 422
    r = b.post(f"/tech/jobs/{n}/pay", {"pay-method": "cash", "pay-amount": "120.00", "pay-receipt_no": "R1"})
    assert r.status_code == 303
    assert db.session.get(RepairOrder, on_site.id).state == "completed"
    sheet = b.get(f"/tech/jobs/{n}/sheet").get_data(as_text=True)
    sig_ids = [s.id for s in db.session.scalars(db.select(Signature))]
    assert len(sig_ids) == 2
    png = b.get(f"/tech/jobs/{n}/signatures/{sig_ids[0]}")
    assert png.status_code == 200 and png.mimetype == "image/png" and "no-store" in png.headers["Cache-Control"]
    assert str(sig_ids[1]) in sheet


def test_signatures_are_served_only_to_users_allowed_to_see_the_order(org, on_site, make_order, as_role):
    b = as_role("technician")
    b.get(f"/tech/jobs/{on_site.number}")
    b.post(f"/tech/jobs/{on_site.number}/consent", quote_form(org, signature_png()), content_type="multipart/form-data")
    sig = db.session.scalar(db.select(Signature))
    other = make_order(technician=org.users["technician2"])
    assert as_role("technician2").get(f"/tech/jobs/{on_site.number}/signatures/{sig.id}").status_code == 404
    assert as_role("technician2").get(f"/tech/jobs/{other.number}/signatures/{sig.id}").status_code == 404
    assert as_role("clerk").get(f"/desk/repairs/{on_site.number}/signatures/{sig.id}").status_code == 200
    assert as_role("p2_clerk").get(f"/desk/repairs/{on_site.number}/signatures/{sig.id}").status_code == 404
    assert as_role("housing_officer").post(f"/tech/jobs/{on_site.number}/finish", {}).status_code == 403


def test_a_step_from_the_future_is_refused(org, on_site, as_role, clock):
    b = as_role("technician")
    b.get(f"/tech/jobs/{on_site.number}")
    r = b.post(f"/tech/jobs/{on_site.number}/door", {"door-shoe_choice": "covers",
                                                      "door-happened_at": "2099-01-01T00:00:00+08:00"})
    assert r.status_code == 422
    r = b.post(f"/tech/jobs/{on_site.number}/door", {"door-shoe_choice": "covers", "door-happened_at": "yesterday"})
    assert r.status_code == 422

"""The clerks' invoice queue (发票): requested at payment, number recorded at the desk, delivered by the
technician, who sees it as a task on "my jobs" until it is marked delivered."""
from __future__ import annotations

import re

import pytest
from flask_babel import gettext

from tests.fixtures.payments import pay_order
from wuye.extensions import db
from wuye.models import Notification
from wuye.models.job import Invoice


def zh(app, msgid, **kw) -> str:
    with app.test_request_context():
        return gettext(msgid, **kw)


@pytest.fixture
def requested(org, make_order, clock):
    """A paid job whose customer wants an invoice."""
    order = make_order(technician=org.users["technician"])
    pay_order(org, order, method="wechat", invoice=True)
    return order, db.session.scalar(db.select(Invoice).where(Invoice.order_id == order.id))


def test_a_requested_invoice_waits_in_the_clerks_queue_with_a_count_in_the_nav(requested, as_role):
    order, invoice = requested
    page = as_role("clerk").get("/desk/repairs").get_data(as_text=True)
    assert re.search(r'id="invoice-badge"><span class="badge">1</span>', page)
    page = as_role("clerk").get("/desk/invoices").get_data(as_text=True)
    assert f'href="/desk/repairs/{order.number}"' in page
    assert "3栋2单元1201" in page and "¥120.00" in page
    assert f'action="/desk/invoices/{invoice.id}/issue"' in page


def test_the_clerk_records_the_number_and_the_technician_must_deliver_it(app, org, requested, as_role):
    order, invoice = requested
    clerk = as_role("clerk")
    clerk.get("/desk/invoices")
    r = clerk.post(f"/desk/invoices/{invoice.id}/issue", {f"inv{invoice.id}-number": "  04412345  "})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/desk/invoices?issued={invoice.id}")
    invoice = db.session.get(Invoice, invoice.id)
    assert invoice.number == "04412345" and invoice.issued_by_id == org.users["clerk"].id
    page = clerk.get(r.headers["Location"]).get_data(as_text=True)
    assert "04412345" in page and "technician-name" in page  # who must deliver it
    assert 'id="invoice-badge"></span>' in page  # nothing left to issue

    note = db.session.scalar(db.select(Notification).where(Notification.kind == "invoice_to_deliver"))
    assert note.user_id == org.users["technician"].id
    tech = as_role("technician")
    home = tech.get("/tech/").get_data(as_text=True)
    assert zh(app, "Invoices to deliver") in home and f'href="/tech/jobs/{order.number}"' in home
    assert zh(app, "Invoice %(no)s", no="04412345") in home
    assert zh(app, "Invoice %(invoice)s for %(number)s is ready: take it to the customer",
              invoice="04412345", number=order.number) in tech.get("/notifications/").get_data(as_text=True)

    tech.get(f"/tech/jobs/{order.number}")
    assert tech.post(f"/tech/jobs/{order.number}/invoice_delivered").status_code == 303
    assert zh(app, "Invoices to deliver") not in tech.get("/tech/").get_data(as_text=True)
    assert "04412345" not in clerk.get("/desk/invoices").get_data(as_text=True)


def test_recording_by_htmx_answers_the_queue_and_updates_the_nav_count(app, requested, as_role):
    order, invoice = requested
    clerk = as_role("clerk")
    clerk.get("/desk/invoices")
    r = clerk.post(f"/desk/invoices/{invoice.id}/issue", {f"inv{invoice.id}-number": "04412345"}, htmx=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "<html" not in html
    assert zh(app, "Invoice %(invoice)s recorded for %(number)s; %(technician)s was told to deliver it.",
              invoice="04412345", number=order.number, technician="technician-name") in html
    assert '<span id="invoice-badge" hx-swap-oob="true"></span>' in html


@pytest.mark.parametrize("typed, message", [
    ("", "Enter the invoice number."),
    ("   ", "Enter the invoice number."),
    ("1" * 41, "An invoice number has at most 40 characters."),
])
def test_a_missing_or_overlong_number_is_refused_with_its_message_and_nothing_is_saved(app, requested, as_role,
                                                                                      typed, message):
    _order, invoice = requested
    clerk = as_role("clerk")
    clerk.get("/desk/invoices")
    r = clerk.post(f"/desk/invoices/{invoice.id}/issue", {f"inv{invoice.id}-number": typed}, htmx=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert re.search(rf'id="inv{invoice.id}-number-error">{re.escape(zh(app, message))}<', html)
    assert 'aria-invalid="true"' in html
    assert db.session.get(Invoice, invoice.id).issued_at is None


def test_an_invoice_is_issued_once_a_second_number_is_refused(app, requested, as_role):
    _order, invoice = requested
    clerk, supervisor = as_role("clerk"), as_role("cs_supervisor")
    clerk.get("/desk/invoices")
    supervisor.get("/desk/invoices")  # both have the queue open
    assert clerk.post(f"/desk/invoices/{invoice.id}/issue", {f"inv{invoice.id}-number": "A-1"}).status_code == 303
    r = supervisor.post(f"/desk/invoices/{invoice.id}/issue", {f"inv{invoice.id}-number": "B-2"})
    assert r.status_code == 422 and zh(app, "This invoice was already issued.") in r.get_data(as_text=True)
    assert db.session.get(Invoice, invoice.id).number == "A-1"


def test_an_invoice_of_another_project_answers_404(requested, as_role):
    _order, invoice = requested
    other = as_role("p2_clerk")
    assert "3栋2单元1201" not in other.get("/desk/invoices").get_data(as_text=True)
    assert other.post(f"/desk/invoices/{invoice.id}/issue", {f"inv{invoice.id}-number": "X"}).status_code == 404
    assert db.session.get(Invoice, invoice.id).issued_at is None


def test_a_technician_cannot_record_an_invoice(requested, as_role):
    _order, invoice = requested
    tech = as_role("technician")
    assert tech.post(f"/desk/invoices/{invoice.id}/issue", {f"inv{invoice.id}-number": "X"}).status_code == 403
    assert db.session.get(Invoice, invoice.id).issued_at is None

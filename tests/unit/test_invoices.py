"""A2 invoice (发票): customer service issues it, the technician takes it back to the customer."""
from __future__ import annotations

from tests.fixtures.payments import pay_order
from wuye.extensions import db
from wuye.models import RepairOrder
from wuye.models.job import Invoice
from wuye.services import Actor
from wuye.services.repairs import invoices
from wuye.services.repairs import technician as svc


def test_a_requested_invoice_waits_for_its_number_then_for_the_technician(org, make_order, clock):
    order = make_order(technician=org.users["technician"])
    pay_order(org, order, method="wechat", invoice=True)
    pay_order(org, make_order(technician=org.users["technician"]), receipt="R-2")  # no invoice wanted
    waiting = invoices.to_issue(org.p1.id)
    assert [r.order.number for r in waiting] == [order.number] and waiting[0].amount_fen == 12000
    assert invoices.to_issue_count(org.p1.id) == 1 and invoices.to_issue_count(org.p2.id) == 0

    invoices.issue_invoice(Actor(org.users["clerk"], "x"), waiting[0].invoice, "No.04412345")
    assert invoices.to_issue(org.p1.id) == []
    assert [r.invoice.number for r in invoices.to_deliver(org.p1.id)] == ["No.04412345"]
    assert [r.order.id for r in invoices.to_deliver(org.p1.id, org.users["technician"].id)] == [order.id]
    assert invoices.to_deliver(org.p1.id, org.users["technician2"].id) == []

    svc.deliver_invoice(svc.Step(Actor(org.users["technician"], "x"), db.session.get(RepairOrder, order.id)))
    assert invoices.to_deliver(org.p1.id) == []


def test_an_invoice_of_another_project_is_not_found(org, make_order, clock):
    order = make_order(technician=org.users["technician"])
    pay_order(org, order, invoice=True)
    invoice = db.session.scalar(db.select(Invoice))
    assert invoices.in_project(org.p1.id, invoice.id) is not None
    assert invoices.in_project(org.p2.id, invoice.id) is None

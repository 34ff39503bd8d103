"""发票 queues: requested at payment, issued by customer service, delivered by the technician.

The desk issues here (`issue_invoice`); the technician's delivery is a step
(`technician.deliver_invoice`); the queues answer "what is waiting, and for whom".
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from ...clock import now as clock_now
from ...database import locked, prepared, transaction
from ...extensions import db
from ...models import RepairOrder
from ...models.job import Invoice, Payment
from .. import Actor, DomainError, InvalidInput
from ..audit import record
from ..notifications import notify

SUBJECT = "repair_order"


@dataclass
class InvoiceRow:
    invoice: Invoice
    order: RepairOrder
    payment: Payment | None

    @property
    def amount_fen(self) -> int | None:
        return self.payment.amount_fen if self.payment else None


def _rows(*where, order_by) -> list[InvoiceRow]:
    stmt = (select(Invoice, RepairOrder, Payment)
            .join(RepairOrder, RepairOrder.id == Invoice.order_id)
            .outerjoin(Payment, Payment.order_id == Invoice.order_id)
            .options(joinedload(RepairOrder.unit), joinedload(RepairOrder.technician))
            .where(*where).order_by(*order_by))
    return [InvoiceRow(i, o, p) for i, o, p in db.session.execute(stmt).unique().all()]


def to_issue(project_id: int) -> list[InvoiceRow]:
    """Requested and not yet issued, oldest request first: the clerk's work."""
    return _rows(Invoice.project_id == project_id, Invoice.issued_at.is_(None),
                 order_by=(Invoice.requested_at, Invoice.id))


def to_deliver(project_id: int, technician_id: int | None = None) -> list[InvoiceRow]:
    """Issued and not yet taken to the customer; with `technician_id`, only that technician's."""
    where = [Invoice.project_id == project_id, Invoice.issued_at.is_not(None), Invoice.delivered_at.is_(None)]
    if technician_id is not None:
        where.append(RepairOrder.technician_id == technician_id)
    return _rows(*where, order_by=(Invoice.issued_at, Invoice.id))


@prepared
def _to_issue_statement():
    return select(func.count()).select_from(Invoice).where(
        Invoice.project_id == bindparam("project_id"), Invoice.issued_at.is_(None))


def to_issue_count(project_id: int) -> int:
    return db.session.scalar(_to_issue_statement(), {"project_id": project_id}) or 0


def in_project(project_id: int, invoice_id: int) -> Invoice | None:
    invoice = db.session.get(Invoice, invoice_id)
    return invoice if invoice is not None and invoice.project_id == project_id else None


def issue_invoice(actor: Actor, invoice: Invoice, number: str) -> Invoice:
    number = (number or "").strip()
    if not number or len(number) > 40:
        raise InvalidInput(_("Enter the invoice number."))
    with transaction():
        invoice = locked(invoice)
        if invoice.issued_at is not None:
            raise DomainError(_("This invoice was already issued."))
        invoice.number, invoice.issued_at, invoice.issued_by_id = number, clock_now(), actor.user.id
        order = db.session.get(RepairOrder, invoice.order_id)
        record(actor, "invoice_issued", SUBJECT, order.id, order.project_id, invoice=number)
        if order.technician is not None:
            notify(order.technician, "invoice_to_deliver", link=f"/tech/jobs/{order.number}", number=order.number,
                   invoice=number)
    return invoice

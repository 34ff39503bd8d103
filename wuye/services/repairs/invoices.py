"""发票 queues: requested at payment, issued by customer service, delivered by the technician.

Issuing and delivering are `technician.issue_invoice` / `technician.deliver_invoice`; this module
only answers "what is waiting, and for whom".
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import RepairOrder
from ...models.job import Invoice, Payment


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


def to_issue_count(project_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Invoice).where(
        Invoice.project_id == project_id, Invoice.issued_at.is_(None))) or 0


def in_project(project_id: int, invoice_id: int) -> Invoice | None:
    invoice = db.session.get(Invoice, invoice_id)
    return invoice if invoice is not None and invoice.project_id == project_id else None

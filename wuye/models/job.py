"""The technician's side of a repair order: visits, the quote, signatures, the 派工单, payment,
invoice, photos and the hand-over of collected fees to the housing officer (房管员)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .org import User
from .types import UTCDateTime


class PriceItem(db.Model):
    """The project's price list (收费标准): labour per hour and common materials."""

    __tablename__ = "price_item"
    __table_args__ = (UniqueConstraint("project_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(60))
    unit: Mapped[str] = mapped_column(String(10))
    price_fen: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # labour | material
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Visit(db.Model):
    """One trip to the customer's door; "cannot fix now" books the next one."""

    __tablename__ = "visit"
    __table_args__ = (UniqueConstraint("order_id", "number"),
                      # the reports' time to arrive: the first visit's arrival from the index alone
                      Index("ix_visit_order_arrival", "order_id", "number", "arrived_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    appointment_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appointment_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)  # item → time ticked (ISO)
    departed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shoe_choice: Mapped[str | None] = mapped_column(String(10))  # covers | slippers | none
    furniture_consent: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[str | None] = mapped_column(String(12))  # done | cannot_fix | declined
    outcome_reason: Mapped[str | None] = mapped_column(Text)


class Quote(db.Model):
    """Hours, materials and the fee told to the customer before work (A2: quote consent)."""

    __tablename__ = "quote"
    __table_args__ = (UniqueConstraint("order_id", "revision"),
                      # the reports' cost of a job: its last consented revision from the index alone
                      Index("ix_quote_order_consented", "order_id", "decision", "revision", "labour_fen",
                            "materials_fen"))
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    labour_minutes: Mapped[int] = mapped_column(Integer)
    labour_rate_fen: Mapped[int] = mapped_column(Integer)  # per hour
    labour_fen: Mapped[int] = mapped_column(Integer)
    materials_fen: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(Integer)  # due from the customer: 0 for a free repair
    charge_type: Mapped[str | None] = mapped_column(String(10))  # as told to the customer (A3)
    decision: Mapped[str | None] = mapped_column(String(10))  # consented | declined
    decline_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"))
    content_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    lines: Mapped[list[QuoteLine]] = relationship(order_by="QuoteLine.position", cascade="all, delete-orphan")
    signature: Mapped[Signature | None] = relationship()


class QuoteLine(db.Model):
    __tablename__ = "quote_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    price_item_id: Mapped[int | None] = mapped_column(ForeignKey("price_item.id"))
    name: Mapped[str] = mapped_column(String(60))
    unit: Mapped[str] = mapped_column(String(10))
    quantity_milli: Mapped[int] = mapped_column(Integer)  # thousandths: 1.5 m of pipe is 1500
    unit_price_fen: Mapped[int] = mapped_column(Integer)
    list_price_fen: Mapped[int | None] = mapped_column(Integer)
    price_reason: Mapped[str | None] = mapped_column(Text)  # required when the price differs from the list
    amount_fen: Mapped[int] = mapped_column(Integer)


class Signature(db.Model):
    """A customer's signature as a PNG stored outside static/, bound to what it signed by digest."""

    __tablename__ = "signature"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))  # quote | acceptance
    png_sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    content_digest: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical signed content
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class SheetRevision(db.Model):
    """派工单 as signed at acceptance. Never edited: a correction adds a revision, the old one stays."""

    __tablename__ = "sheet_revision"
    __table_args__ = (UniqueConstraint("order_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    content_digest: Mapped[str] = mapped_column(String(64))
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"))
    correction_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    signature: Mapped[Signature | None] = relationship()


class Payment(db.Model):
    """现场缴费: what the customer paid on the spot, and how."""

    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("order_id"),
        Index("ix_payment_technician_method", "technician_id", "method", "id"),
        Index("ix_payment_project_paid", "project_id", "paid_at"),  # the reports' money by period
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    technician_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    method: Mapped[str] = mapped_column(String(10))  # cash | wechat | alipay | account
    amount_fen: Mapped[int] = mapped_column(Integer)
    expected_fen: Mapped[int] = mapped_column(Integer)
    difference_reason: Mapped[str | None] = mapped_column(Text)
    receipt_no: Mapped[str] = mapped_column(String(40))
    invoice_wanted: Mapped[bool] = mapped_column(Boolean, default=False)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)

    technician: Mapped[User] = relationship()


class Invoice(db.Model):
    """发票: requested at payment, issued by customer service, delivered by the technician."""

    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("order_id"),
        Index("ix_invoice_project_open", "project_id", "issued_at", "delivered_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    number: Mapped[str | None] = mapped_column(String(40))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class FeeHandover(db.Model):
    """Cash a technician collected, handed to the housing officer: one row per payment."""

    __tablename__ = "fee_handover"
    __table_args__ = (
        UniqueConstraint("payment_id"),
        Index("ix_fee_handover_project_day", "project_id", "confirmed_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    technician_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    expected_fen: Mapped[int] = mapped_column(Integer)
    received_fen: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    payment: Mapped[Payment] = relationship()

    @property
    def difference_fen(self) -> int:
        return self.received_fen - self.expected_fen


class Photo(db.Model):
    __tablename__ = "photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # before | after
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(20))
    size_bytes: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WorkNote(db.Model):
    __tablename__ = "work_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)

"""报修单 — the repair order, and the per-day counter that numbers it."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .org import Unit, User
from .types import UTCDateTime


class Source(StrEnum):
    PHONE = "phone"  # 电话
    WALK_IN = "walk_in"  # 口头 (in person at the desk)
    STAFF = "staff"  # 项目员工报修


class Urgency(StrEnum):
    EMERGENCY = "emergency"  # 紧急
    NORMAL = "normal"  # 普通


class RepairCounter(db.Model):
    """The day's last sequence number per project; incremented in the order's own transaction."""

    __tablename__ = "repair_counter"
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class RepairOrder(db.Model):
    __tablename__ = "repair_order"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        # the board: newest first, keyset on id, each filter with its own index
        Index("ix_repair_order_project_id", "project_id", "id"),
        Index("ix_repair_order_project_state", "project_id", "state", "id"),
        Index("ix_repair_order_project_urgency", "project_id", "urgency", "id"),
        Index("ix_repair_order_project_technician", "project_id", "technician_id", "state", "id"),
        Index("ix_repair_order_project_unit", "project_id", "unit_id", "id"),
        Index("ix_repair_order_project_created", "project_id", "created_at"),
        Index("ix_repair_order_project_phone", "project_id", "contact_phone"),
        Index("ix_repair_order_project_appointment", "project_id", "appointment_start"),
        # the reports count a period's orders by each of these from the index alone
        Index("ix_repair_order_project_report", "project_id", "created_at", "state", "source", "category", "urgency",
              "technician_id", "unit_id", "charge_type"),
        Index("ix_repair_order_project_charge", "project_id", "charge_type", "closed_at"),  # the claim lists
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    number: Mapped[str] = mapped_column(String(20))  # unique within its project
    source: Mapped[str] = mapped_column(String(10))
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(10))
    called_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the request came in
    appointment_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appointment_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the technician took the job
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # completed or declined
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
    # who pays (A3): common | warranty | paid, why (the proposal's grounds, services/repairs/warranty), the
    # clerk's or technician's note when they changed it, and for a warranty job the party its cost is claimed from
    charge_type: Mapped[str] = mapped_column(String(10), default="paid", server_default="paid")
    charge_basis: Mapped[dict | None] = mapped_column(JSON)
    charge_note: Mapped[str | None] = mapped_column(Text)
    charge_party: Mapped[str | None] = mapped_column(String(100))

    unit: Mapped[Unit] = relationship()
    technician: Mapped[User | None] = relationship(foreign_keys=[technician_id])
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    dispatched_by: Mapped[User | None] = relationship(foreign_keys=[dispatched_by_id])

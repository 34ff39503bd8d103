"""The resident's side of a repair order: the private link, the 服务单, return visits (回访) and
requests to move the appointment.

A link's token is random (`secrets.token_urlsafe(32)`, 256 bits) and only its SHA-256 is stored:
the database alone never lets anyone open a resident's page. The plain token exists only in the
answer that issued it, so the desk shows a link once; to show one again it issues a new one.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .org import User
from .types import UTCDateTime


class ResidentLink(db.Model):
    """/s/<token> for one order. An order may hold several live links (one sent by message, one
    printed as a QR code); revoking ends one for good."""

    __tablename__ = "resident_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    channel: Mapped[str] = mapped_column(String(10))  # message | print
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])


class LinkHit(db.Model):
    """One request under /s/, counted across every app process (as failed logins are): a `miss`
    (unknown or revoked token) against its client address, a hit on a live link against that link."""

    __tablename__ = "link_hit"
    __table_args__ = (Index("ix_link_hit_address_at", "address", "at"), Index("ix_link_hit_at", "at"),
                      Index("ix_link_hit_link_at", "link_id", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    miss: Mapped[bool] = mapped_column(Boolean, default=False)
    # no foreign key: a counter row, pruned after the window, must never hold a link back
    link_id: Mapped[int | None] = mapped_column(Integer)


def lowest_score(*scores: int | None) -> int:
    """A 服务单's lowest score (a declined order has no quality score): the board reads it from rows."""
    return min(s for s in scores if s is not None)


class ServiceForm(db.Model):
    """服务单 (A2 quality record): the resident's satisfaction, 1 (poor) to 5 (very good).

    One per order; the resident may change it for 24 hours after sending it. For a declined
    order the work's quality is not asked, the reason for declining is.
    """

    __tablename__ = "service_form"
    __table_args__ = (UniqueConstraint("order_id"), Index("ix_service_form_project", "project_id", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("resident_link.id"))
    overall: Mapped[int] = mapped_column(Integer)
    timeliness: Mapped[int] = mapped_column(Integer)
    attitude: Mapped[int] = mapped_column(Integer)
    quality: Mapped[int | None] = mapped_column(Integer)  # none for a declined order
    declined_reason: Mapped[str | None] = mapped_column(String(20))
    comments: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def scores(self) -> list[int]:
        return [s for s in (self.overall, self.timeliness, self.attitude, self.quality) if s is not None]

    @property
    def lowest(self) -> int:
        return lowest_score(self.overall, self.timeliness, self.attitude, self.quality)


class ReturnVisit(db.Model):
    """回访: customer service calls the resident back, here opened by a low score on the 服务单."""

    __tablename__ = "return_visit"
    __table_args__ = (Index("ix_return_visit_project_open", "project_id", "done_at", "id"),
                      Index("ix_return_visit_project_opened", "project_id", "opened_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    reason: Mapped[str] = mapped_column(String(20))  # low_score
    score: Mapped[int | None] = mapped_column(Integer)  # the lowest score that opened it
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(Text)

    done_by: Mapped[User | None] = relationship()


class AppointmentRequest(db.Model):
    """The resident asks to move the appointment; the desk accepts (the order's appointment moves)
    or refuses with a note. The resident never changes the order itself."""

    __tablename__ = "appointment_request"
    __table_args__ = (Index("ix_appointment_request_project_state", "project_id", "state", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("resident_link.id"))
    requested_start: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_end: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10))  # open | accepted | refused
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    answer_note: Mapped[str | None] = mapped_column(Text)

    answered_by: Mapped[User | None] = relationship()

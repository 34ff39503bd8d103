"""The delivery outbox: one row per notice, outside channel and recipient address, written in the
transaction of the change that caused the notice, and worked off by the delivery worker."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .notification import Notification
from .types import UTCDateTime


class DeliveryState:
    PENDING = "pending"      # due at next_at
    SENDING = "sending"      # claimed by a worker until lease_until
    DELIVERED = "delivered"  # the gateway took it; never sent again
    FAILED = "failed"        # permanent refusal or attempts used up; an admin may retry


class Delivery(db.Model):
    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel", "recipient"),
        UniqueConstraint("resident_message_id", "channel", "recipient"),
        # a group (a department's robot) gets one message per escalation step, however many of its
        # people are told: those rows share a key
        UniqueConstraint("channel", "group_key"),
        Index("ix_delivery_due", "state", "next_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # the notice it carries: a user's in-app notice, or a message to a resident (who has no account)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"))
    resident_message_id: Mapped[int | None] = mapped_column(ForeignKey("resident_message.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(200))  # the address on that channel
    group_key: Mapped[str | None] = mapped_column(String(200))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # emergencies and escalations: no quiet hours
    state: Mapped[str] = mapped_column(String(12), default=DeliveryState.PENDING)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a worker's claim that ran out (the process died between the gateway's answer and the commit):
    # the gateway may already have the message, so the next send may be one repeat
    possible_repeats: Mapped[int] = mapped_column(Integer, default=0)
    gateway_id: Mapped[str] = mapped_column(String(100), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notification: Mapped[Notification | None] = relationship()
    resident_message: Mapped[ResidentMessage | None] = relationship()


class ResidentMessage(db.Model):
    """A message by SMS to the resident of an order, or to a complainant: the record of what was
    sent, as a user's notice is. The link it carries is erased once the SMS is delivered or has failed."""

    __tablename__ = "resident_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("repair_order.id", ondelete="CASCADE"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ResidentConsent(db.Model):
    """The order's contact agreed to SMS (the clerk asked and sent the link by SMS), or the complainant
    agreed at intake to get the complaint's reply by SMS: one of order_id and complaint_id."""

    __tablename__ = "resident_consent"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("repair_order.id", ondelete="CASCADE"), unique=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), unique=True)
    phone: Mapped[str] = mapped_column(String(20))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class DeliveryAttempt(db.Model):
    """Each try of a delivery, kept: when, what the gateway said, how long it took."""

    __tablename__ = "delivery_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(12))  # delivered, retry, failed, lost (claim ran out)
    gateway_id: Mapped[str] = mapped_column(String(100), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    process: Mapped[str] = mapped_column(String(100), default="")


class DeliveryPreference(db.Model):
    """A user's own choice for one kind of notice on one channel, over the role's default."""

    __tablename__ = "delivery_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(Boolean)


class DeliveryAddress(db.Model):
    """An address a user gives for a channel the user record has no field for (email)."""

    __tablename__ = "delivery_address"
    __table_args__ = (UniqueConstraint("user_id", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200))


class DigestDay(db.Model):
    """The managers' daily digest of a project was made for this local day (once, whichever process)."""

    __tablename__ = "digest_day"
    __table_args__ = (UniqueConstraint("project_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class PushSubscription(db.Model):
    """A phone's Web Push subscription (one per device and browser), saved after login; the push
    service's 404/410 deletes it."""

    __tablename__ = "push_subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

"""The delivery outbox: every notice is stored in-app (the record), and in the same transaction
one Delivery row per outside channel and recipient address, UNIQUE on (notice, channel, address).
The worker (worker.py) sends them; nothing is handed to a gateway inside a request.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update

from ...clock import now as clock_now
from ...database import locked, transaction
from ...extensions import db
from ...models import Delivery, DeliveryState, Notification, User
from .. import Actor, DomainError
from ..audit import record
from . import rules
from .channels import Channel, LogChannel
from .email import EmailChannel
from .push import WebPushChannel
from .robot import WeComRobotChannel
from .sms import AliyunSmsChannel
from .wecom import WeComChannel

CHANNEL_TYPES: tuple[type[Channel], ...] = (LogChannel, WeComChannel, WeComRobotChannel, AliyunSmsChannel, EmailChannel,
                                               WebPushChannel)
_EXTENSION = "wuye.delivery.channels"


def configured_channels() -> dict[str, Channel]:
    """The channels the environment configures, made once per app."""
    app = current_app._get_current_object()
    made = app.extensions.get(_EXTENSION)
    if made is None:
        made = {t.name: t(app.config) for t in CHANNEL_TYPES if t.configured(app.config)}
        app.extensions[_EXTENSION] = made
    return made


def _addresses(found: dict[str, Channel], user: User, params: dict):
    """(channel name, channel, address) for each address the user has: push has one per device; a
    department's robot is the group of the department the notice is about."""
    for name, channel in found.items():
        many = getattr(channel, "addresses", None)
        about = getattr(channel, "address_for", None)
        for address in (many(user) if many else [about(user, params)] if about else [channel.address(user)]):
            if address:
                yield name, channel, address


def enqueue(user: User, notification: Notification) -> list[Delivery]:
    """The delivery rows of one notice, in the caller's transaction."""
    found = configured_channels()
    if not found:
        return []
    params = notification.params or {}
    kind = rules.rule_kind(notification.kind, params)
    urgent = rules.is_urgent(notification.kind, params)
    at = notification.created_at or clock_now()
    tz = user.project.timezone if user.project is not None else None
    due = rules.release_at(at, tz, urgent)
    prefs = rules.preferences(user.id) if user.id else {}
    rows = []
    for name, channel, address in _addresses(found, user, params):
        if not channel.wants(kind) or not rules.wanted(user, kind, name, prefs):
            continue
        key = channel.group_key(address, kind, params) if hasattr(channel, "group_key") else None
        if key is not None and db.session.scalar(select(Delivery.id).where(
                Delivery.channel == name, Delivery.group_key == key)) is not None:
            continue  # the group already has this step (another of its people was told)
        row = Delivery(notification=notification, channel=name, recipient=address[:200], urgent=urgent, group_key=key,
                       next_at=due, state=DeliveryState.PENDING, attempts=0, possible_repeats=0,
                       gateway_id="", last_error="", created_at=at)
        db.session.add(row)
        rows.append(row)
    return rows


def backlog() -> dict:
    """For /healthz: what waits, what is overdue, what failed, and the possible repeats counted."""
    at = clock_now()
    counts = dict(db.session.execute(
        select(Delivery.state, func.count()).group_by(Delivery.state)).all())
    due = db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.state == DeliveryState.PENDING, Delivery.next_at <= at)) or 0
    oldest = db.session.scalar(select(func.min(Delivery.next_at)).where(
        Delivery.state == DeliveryState.PENDING, Delivery.next_at <= at))
    return {
        "pending": counts.get(DeliveryState.PENDING, 0) + counts.get(DeliveryState.SENDING, 0),
        "due": due,
        "oldest_due_seconds": round((at - oldest).total_seconds(), 1) if oldest else None,
        "failed": counts.get(DeliveryState.FAILED, 0),
        "delivered": counts.get(DeliveryState.DELIVERED, 0),
        "possible_repeats": db.session.scalar(select(func.coalesce(func.sum(Delivery.possible_repeats), 0))) or 0,
    }


def for_notification(notification_id: int) -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).where(Delivery.notification_id == notification_id)
                                   .order_by(Delivery.id)))


def failed_by_notification(notification_ids: list[int]) -> dict[int, list[Delivery]]:
    if not notification_ids:
        return {}
    out: dict[int, list[Delivery]] = {}
    for d in db.session.scalars(select(Delivery).where(Delivery.notification_id.in_(notification_ids),
                                                       Delivery.state == DeliveryState.FAILED)):
        out.setdefault(d.notification_id, []).append(d)
    return out


def listing(state: str | None = DeliveryState.FAILED, limit: int = 200) -> list[Delivery]:
    q = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if state:
        q = q.where(Delivery.state == state)
    return list(db.session.scalars(q))


def retry(actor: Actor, delivery_id: int, at: datetime | None = None) -> Delivery:
    """An admin sends a failed delivery again: due now, its attempts counted afresh."""
    at = at or clock_now()
    with transaction():
        d = locked(Delivery, delivery_id)
        if d is None:
            raise DomainError("no such delivery")
        if d.state != DeliveryState.FAILED:
            from flask_babel import gettext as _
            raise DomainError(_("Only a failed delivery can be sent again."))
        fresh_link = False
        if d.resident_message_id is not None:
            from ...models import ResidentMessage
            from .residents import retry_link
            msg = db.session.get(ResidentMessage, d.resident_message_id)
            project_id = msg.project_id
            if msg.kind == "resident_link" and msg.order_id is not None:
                retry_link(actor, d)  # its link is not stored: a fresh one goes instead
                fresh_link = True
        else:
            n = db.session.get(Notification, d.notification_id) if d.notification_id else None
            user = db.session.get(User, n.user_id) if n else None
            project_id = user.project_id if user else None
        db.session.execute(update(Delivery).where(Delivery.id == d.id).values(
            state=DeliveryState.PENDING, next_at=at, attempts=0, lease_until=None))
        record(actor, "delivery_retry", "delivery", d.id, project_id, at=at,
               channel=d.channel, recipient=d.recipient, error=d.last_error, fresh_link=fresh_link)
    return db.session.get(Delivery, delivery_id)

"""SMS to the resident of an order (who has no account): the private status link — sent when the
clerk asked the contact and they agreed, which is recorded — then, for that order only, the
appointment moved and "the technician is on the way". Each message is a ResidentMessage row and
its one delivery, in the transaction of the change; the link it carries is erased once sent."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from ...clock import now as clock_now
from ...database import transaction
from ...extensions import db
from ...models import Delivery, DeliveryState, RepairOrder, ResidentConsent, ResidentMessage
from ...phone import normalize_phone
from .. import Actor, InvalidInput
from ..audit import record
from . import configured_channels, rules

KINDS = ("resident_link", "resident_appointment", "resident_on_the_way")


def _sms():
    channel = configured_channels().get("sms")
    return channel


def _queue(order: RepairOrder, phone: str, kind: str, **params) -> ResidentMessage | None:
    channel = _sms()
    if channel is None or not channel.wants(kind):
        return None
    at = clock_now()
    msg = ResidentMessage(project_id=order.project_id, order_id=order.id, kind=kind, phone=phone,
                          params={"number": order.number, "unit": order.unit.label if order.unit else "", **params},
                          created_at=at)
    db.session.add(msg)
    tz = order.project.timezone if getattr(order, "project", None) is not None else None
    db.session.add(Delivery(resident_message=msg, channel="sms", recipient=phone, urgent=False,
                            next_at=rules.release_at(at, tz, False), state=DeliveryState.PENDING, attempts=0,
                            possible_repeats=0, gateway_id="", last_error="", created_at=at))
    return msg


def send_link(actor: Actor, order: RepairOrder, url: str) -> ResidentMessage:
    """The contact agreed to SMS: record it, and send them the link the desk is showing."""
    phone = normalize_phone(order.contact_phone)
    if _sms() is None:
        raise InvalidInput(_("SMS is not configured."))
    if not phone or not phone.isdigit():
        raise InvalidInput(_("The contact's number is not a mobile number: SMS cannot reach it."))
    with transaction():
        consent = db.session.scalar(select(ResidentConsent).where(ResidentConsent.order_id == order.id))
        if consent is None:
            db.session.add(ResidentConsent(order_id=order.id, phone=phone, agreed_at=clock_now(),
                                           recorded_by_id=actor.user.id if actor.user else None))
        msg = _queue(order, phone, "resident_link", url=url)
        if msg is None:
            raise InvalidInput(_("SMS is not configured."))
        record(actor, "resident_sms_consent", "repair_order", order.id, order.project_id, phone=phone)
    return msg


def tell(order: RepairOrder, kind: str, **params) -> ResidentMessage | None:
    """In the caller's transaction: an SMS to the order's contact, if they agreed to messages."""
    consent = db.session.scalar(select(ResidentConsent).where(ResidentConsent.order_id == order.id))
    if consent is None:
        return None
    return _queue(order, consent.phone, kind, **params)


def text(msg: ResidentMessage) -> str:
    p = msg.params or {}
    with force_locale("zh_CN"):
        if msg.kind == "resident_link":
            return _("Your repair %(number)s is registered; follow it here: %(url)s", number=p.get("number"),
                     url=p.get("url") or "")
        if msg.kind == "resident_appointment":
            return _("Repair %(number)s: the appointment is now %(start)s", number=p.get("number"),
                     start=p.get("start") or "")
        if msg.kind == "resident_on_the_way":
            return _("Repair %(number)s: the technician is on the way to %(unit)s", number=p.get("number"),
                     unit=p.get("unit") or "")
    return msg.kind


def erase_link(resident_message_id: int) -> None:
    """In the caller's transaction: the plain link leaves the database with the message's last attempt."""
    msg = db.session.get(ResidentMessage, resident_message_id)
    if msg is not None and (msg.params or {}).get("url"):
        db.session.execute(update(ResidentMessage).where(ResidentMessage.id == msg.id).values(
            params={k: v for k, v in msg.params.items() if k != "url"} | {"url_sent": True}))

"""SMS to residents, who have no account: for a repair order whose contact agreed (consent.py) the
private status link at intake, the appointment confirmed (dispatched with its time) or moved, and
"the technician is on the way"; for a complaint, its reply, when the complainant agreed at intake.

Each message is a ResidentMessage row and its one delivery, in the transaction of the change. Times
are kept as UTC ISO text and shown, when sent, in the project's zone; the text is rendered in the
default language (zh_CN: a resident has chosen none). The link a message carries is erased once the
SMS is delivered or failed; a failed link SMS sent again gets a fresh link (retry_link)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from ...clock import now as clock_now
from ...database import transaction
from ...extensions import db
from ...i18n import force_zone, when
from ...models import Complaint, Delivery, DeliveryState, Project, RepairOrder, ResidentMessage
from .. import Actor, InvalidInput
from ..audit import record
from . import configured_channels, consent, rules
from .channels import Message

KINDS = ("resident_link", "resident_appointment_confirmed", "resident_appointment_moved", "resident_on_the_way",
         "resident_complaint_reply")
TIME_PARAMS = ("start", "end", "time")  # UTC ISO in the row, local text in the message
SHORT = 30  # an Aliyun template variable is kept short


def _sms():
    return configured_channels().get("sms")


def _queue(project_id: int, phone: str, kind: str, *, order: RepairOrder | None = None,
           complaint: Complaint | None = None, **params) -> ResidentMessage | None:
    channel = _sms()
    if channel is None or not channel.wants(kind):
        return None
    at = clock_now()
    subject = order or complaint
    unit = subject.unit.label if subject.unit is not None else ""
    params = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in params.items() if v is not None}
    msg = ResidentMessage(project_id=project_id, order_id=order.id if order else None,
                          complaint_id=complaint.id if complaint else None, kind=kind, phone=phone,
                          params={"number": subject.number, "unit": unit, **params}, created_at=at)
    db.session.add(msg)
    project = db.session.get(Project, project_id)
    db.session.add(Delivery(resident_message=msg, channel="sms", recipient=phone, urgent=False,
                            next_at=rules.release_at(at, project.timezone if project else None, False),
                            state=DeliveryState.PENDING, attempts=0, possible_repeats=0, gateway_id="",
                            last_error="", created_at=at))
    return msg


def _link_params(link_id: int, token: str) -> dict:
    from ..residents.link import link_url
    return {"url": link_url(token), "link_id": link_id}


def issue_intake_link(actor: Actor, order: RepairOrder) -> str:
    """Intake ends with a link: issued, and sent by SMS if the contact agreed at intake — one transaction."""
    from ..residents import link as links
    links.check_desk(actor)
    with transaction():
        link, token = links.new_link(actor, order, "message")
        agreed = consent.order_consent(order)
        if agreed is not None:
            _queue(order.project_id, agreed.phone, "resident_link", order=order, **_link_params(link.id, token),
                   start=order.appointment_start, end=order.appointment_end)
    return token


def send_link(actor: Actor, order: RepairOrder, token: str) -> ResidentMessage:
    """The contact agreed on the phone (after intake): record it, and send them the link on screen."""
    from ..residents import link as links
    if _sms() is None or not _sms().wants("resident_link"):
        raise InvalidInput(_("SMS is not configured."))
    with transaction():
        link = links.live_link_for(order, token)
        if link is None:
            raise InvalidInput(_("This link is no longer live; issue a new one."))
        agreed = consent.agree_later(actor, order)
        msg = _queue(order.project_id, agreed.phone, "resident_link", order=order, **_link_params(link.id, token),
                     start=order.appointment_start, end=order.appointment_end)
        record(actor, "resident_sms_link", "repair_order", order.id, order.project_id, phone=agreed.phone,
               link=link.id)
    return msg


def tell(order: RepairOrder, kind: str, **params) -> ResidentMessage | None:
    """In the caller's transaction: an SMS to the order's contact, if they agreed for this order."""
    agreed = consent.order_consent(order)
    if agreed is None:
        return None
    return _queue(order.project_id, agreed.phone, kind, order=order, **params)


def appointment_confirmed(order: RepairOrder, at_intake: bool = False) -> ResidentMessage | None:
    """A normal job dispatched: the agreed time now has a technician behind it. Dispatched at intake,
    the link SMS that follows carries the time: one message, not two in the same minute."""
    if order.appointment_start is None:
        return None
    if at_intake and _sms() is not None and _sms().wants("resident_link"):
        return None
    return tell(order, "resident_appointment_confirmed", start=order.appointment_start, end=order.appointment_end)


def appointment_moved(order: RepairOrder) -> ResidentMessage | None:
    return tell(order, "resident_appointment_moved", start=order.appointment_start, end=order.appointment_end)


def tell_complainant(c: Complaint, kind: str, **params) -> ResidentMessage | None:
    """In the caller's transaction: an SMS to the complainant, if they agreed at intake (a complaint
    taken before intake decided: if their contact agreed to messages)."""
    agreed = consent.complaint_consent(c)
    if agreed is not None:
        return _queue(c.project_id, agreed.phone, kind, complaint=c, **params)
    phone = consent.mobile(c.complainant_phone)
    if phone is None or consent.decided_at_intake(c) or consent.stored_consent(c.project_id, c.unit_id, phone) is not True:
        return None
    return _queue(c.project_id, phone, kind, complaint=c, **params)


def complaint_replied(c: Complaint, reply_text: str, at: datetime) -> ResidentMessage | None:
    """答复: the complainant also gets the answer in writing (件件有回音)."""
    short = reply_text if len(reply_text) <= SHORT else reply_text[:SHORT - 1] + "…"
    return tell_complainant(c, "resident_complaint_reply", time=at, result=short)


# ---- what a message says --------------------------------------------------------------------

def _zone(msg: ResidentMessage) -> str | None:
    project = db.session.get(Project, msg.project_id)
    return project.timezone if project else None


def variables(msg: ResidentMessage) -> dict[str, str]:
    """The template's variables, times as local text of the project."""
    tz, out = _zone(msg), {}
    for k, v in (msg.params or {}).items():
        if k in ("link_id", "url_sent", "replaces_link") or v in (None, ""):
            continue
        if k in TIME_PARAMS:
            moment = datetime.fromisoformat(v) if isinstance(v, str) and "T" in v else None
            v = when(moment, "HH:mm" if k == "end" else "MM-dd HH:mm", tz=tz) if moment else v
        out[k] = str(v)
    return out


def text(msg: ResidentMessage) -> str:
    """The message in words (the record on /admin/deliveries and the log; the SMS is its template)."""
    p = variables(msg)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]), force_zone(_zone(msg)):
        number, start, end = p.get("number", ""), p.get("start", ""), p.get("end", "")
        if msg.kind == "resident_link":
            if start:
                return _("Your repair %(number)s is registered for %(start)s–%(end)s; follow it here: %(url)s",
                         number=number, start=start, end=end, url=p.get("url") or _("(the link is not kept)"))
            return _("Your repair %(number)s is registered; follow it here: %(url)s", number=number,
                     url=p.get("url") or _("(the link is not kept)"))
        if msg.kind == "resident_appointment_confirmed":
            return _("Repair %(number)s: a technician will come on %(start)s–%(end)s", number=number, start=start,
                     end=end)
        if msg.kind == "resident_appointment_moved":
            return _("Repair %(number)s: the appointment is now %(start)s–%(end)s", number=number, start=start,
                     end=end)
        if msg.kind == "resident_on_the_way":
            return _("Repair %(number)s: the technician is on the way to %(unit)s", number=number,
                     unit=p.get("unit", ""))
        if msg.kind == "resident_complaint_reply":
            return _("Your complaint %(number)s was answered on %(time)s: %(result)s", number=number,
                     time=p.get("time", ""), result=p.get("result", ""))
    return msg.kind


def message_for(msg: ResidentMessage) -> Message:
    """What the SMS channel sends: the template kind and its variables."""
    p = variables(msg)
    return Message(kind=msg.kind, text=text(msg), url=p.get("url", ""), number=p.get("number", ""),
                   unit=p.get("unit", ""), due=p.get("start", ""), template_kind=msg.kind,
                   variables=p)


def erase_link(resident_message_id: int) -> None:
    """In the caller's transaction: the plain link leaves the database with the message's last attempt."""
    msg = db.session.get(ResidentMessage, resident_message_id)
    if msg is not None and (msg.params or {}).get("url"):
        db.session.execute(update(ResidentMessage).where(ResidentMessage.id == msg.id).values(
            params={k: v for k, v in msg.params.items() if k != "url"} | {"url_sent": True}))


def retry_link(actor: Actor, d: Delivery) -> None:
    """In delivery.retry's transaction: a failed link SMS cannot be sent again as it was — its link is
    not stored. It goes with a fresh link; the one it carried is revoked unless someone has opened it
    (then the resident has it by another way, and keeping it locks nobody out)."""
    from ...models import ResidentLink
    from ..residents import link as links
    msg = db.session.get(ResidentMessage, d.resident_message_id)
    order = db.session.get(RepairOrder, msg.order_id)
    old = db.session.get(ResidentLink, (msg.params or {}).get("link_id") or 0)
    if old is not None and old.revoked_at is None and old.first_opened_at is None:
        links.revoke(actor, order, old)
    link, token = links.new_link(actor, order, "message")
    params = {k: v for k, v in (msg.params or {}).items() if k != "url_sent"}
    db.session.execute(update(ResidentMessage).where(ResidentMessage.id == msg.id).values(
        params=params | _link_params(link.id, token) | {"replaces_link": old.id if old else None}))

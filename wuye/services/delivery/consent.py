"""Whether a resident may get SMS: the unit contact's stored consent (`UnitContact.may_receive_messages`,
kept by the administration and the unit import) is the default; the desk decides per order, audited.

A repair order's decision is a ResidentConsent row (agreed) or none (no SMS). So is a complaint's: the
complainant's agreement to get the reply by SMS, decided at intake (default: the stored consent of the
contact with that number; refusal wins over agreement, and a number no contact has agreed to nothing)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select

from ...clock import now as clock_now
from ...database import prepared
from ...extensions import db
from ...models import AuditEvent, Complaint, RepairOrder, ResidentConsent, UnitContact
from ...phone import normalize_phone
from .. import Actor, InvalidInput
from ..audit import record


def mobile(phone: str | None) -> str | None:
    """The number SMS can reach (a mobile), or None."""
    phone = normalize_phone(phone)
    return phone if phone and phone.isdigit() else None


def stored_consent(project_id: int, unit_id: int | None, phone: str | None) -> bool | None:
    """The stored consent of the contacts with this number (of the unit, or of the project when there
    is no unit): False if any refused, True if they agreed, None when no contact has that number."""
    phone = normalize_phone(phone)
    if not phone:
        return None
    q = select(UnitContact).where(UnitContact.project_id == project_id)
    q = q.where(UnitContact.unit_id == unit_id) if unit_id else q
    raw = phone.replace("-", "")
    found = [c for c in db.session.scalars(q.where(or_(UnitContact.phone.in_([phone, raw]),
                                                       UnitContact.phone2.in_([phone, raw]),
                                                       UnitContact.phone.like(f"%{raw[-7:]}"),
                                                       UnitContact.phone2.like(f"%{raw[-7:]}"))))
             if phone in (normalize_phone(c.phone), normalize_phone(c.phone2))]
    if not found:
        return None
    return all(c.may_receive_messages for c in found)


def default_for_contact(contact: UnitContact, phone: str | None = None) -> bool:
    """The intake checkbox for a picked contact (at one of their numbers, or any): their stored
    consent, if SMS can reach that number."""
    numbers = (phone,) if phone is not None else (contact.phone, contact.phone2)
    return bool(contact.may_receive_messages and any(mobile(n) for n in numbers))


@prepared
def _consent_statement():
    return select(ResidentConsent).where(ResidentConsent.order_id == bindparam("order_id"))


def order_consent(order: RepairOrder) -> ResidentConsent | None:
    return db.session.scalar(_consent_statement(), {"order_id": order.id})


def _decision(stored: bool | None, agreed: bool | None, number: str | None,
              landline_message: str) -> tuple[bool, str | None]:
    """(decided, the mobile number) for one intake: the desk's choice, else what is on file; a landline
    gets nothing by default and is refused when ticked."""
    decided = stored is True if agreed is None else bool(agreed)
    phone = mobile(number)
    if decided and phone is None:
        if agreed is not None:
            raise ConsentRefused(landline_message)
        decided = False  # a landline: nothing to send to
    return decided, phone


def decide_at_intake(actor: Actor, order: RepairOrder, agreed: bool | None) -> bool:
    """In create_order's transaction: the desk's decision for this order (None: the stored consent of
    the contact with the order's number). A decision against the stored consent is audited as such."""
    stored = stored_consent(order.project_id, order.unit_id, order.contact_phone)
    decided, phone = _decision(stored, agreed, order.contact_phone,
                               _("The contact's number is not a mobile number: SMS cannot reach it."))
    if decided:
        db.session.add(ResidentConsent(order_id=order.id, phone=phone, agreed_at=clock_now(),
                                       recorded_by_id=actor.user.id if actor.user else None))
    if decided or stored is not None:
        record(actor, "resident_sms_consent" if decided else "resident_sms_refused", "repair_order", order.id,
               order.project_id, phone=order.contact_phone, stored=stored, changed=decided != bool(stored),
               at_intake=True)
    return decided


def complaint_consent(c: Complaint) -> ResidentConsent | None:
    return db.session.scalar(select(ResidentConsent).where(ResidentConsent.complaint_id == c.id))


COMPLAINT_DECISIONS = ("complainant_sms_consent", "complainant_sms_refused")


def decided_at_intake(c: Complaint) -> bool:
    """Whether the complaint's intake decided about SMS (every complaint taken with a number since
    0014_consent); one taken before falls back to the stored consent."""
    return db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.subject_type == "complaint", AuditEvent.subject_id == c.id,
        AuditEvent.action.in_(COMPLAINT_DECISIONS)).limit(1)) is not None


def decide_for_complaint(actor: Actor, c: Complaint, agreed: bool | None) -> bool:
    """In the intake's transaction: whether the complainant gets the reply by SMS (None: the stored
    consent of the contact with that number). Always audited when there is a number, with whether the
    decision goes against what is on file."""
    if not c.complainant_phone:
        return False
    stored = stored_consent(c.project_id, c.unit_id, c.complainant_phone)
    decided, phone = _decision(stored, agreed, c.complainant_phone,
                               _("The complainant's number is not a mobile number: SMS cannot reach it."))
    if decided:
        db.session.add(ResidentConsent(complaint_id=c.id, phone=phone, agreed_at=clock_now(),
                                       recorded_by_id=actor.user.id if actor.user else None))
    record(actor, COMPLAINT_DECISIONS[0] if decided else COMPLAINT_DECISIONS[1], "complaint", c.id, c.project_id,
           phone=c.complainant_phone, stored=stored, changed=decided != bool(stored), at_intake=True)
    return decided


def agree_later(actor: Actor, order: RepairOrder) -> ResidentConsent:
    """In the caller's transaction: the contact agreed on a later call (the desk's link panel)."""
    consent = order_consent(order)
    if consent is not None:
        return consent
    phone = mobile(order.contact_phone)
    if phone is None:
        raise InvalidInput(_("The contact's number is not a mobile number: SMS cannot reach it."))
    stored = stored_consent(order.project_id, order.unit_id, order.contact_phone)
    consent = ResidentConsent(order_id=order.id, phone=phone, agreed_at=clock_now(),
                              recorded_by_id=actor.user.id if actor.user else None)
    db.session.add(consent)
    record(actor, "resident_sms_consent", "repair_order", order.id, order.project_id, phone=phone, stored=stored,
           changed=stored is not True)
    return consent


def withdraw(actor: Actor, order: RepairOrder) -> None:
    """In the caller's transaction: no more SMS for this order (the contact asked, or the desk erred)."""
    consent = order_consent(order)
    if consent is None:
        return
    db.session.delete(consent)
    record(actor, "resident_sms_refused", "repair_order", order.id, order.project_id, phone=consent.phone,
           stored=stored_consent(order.project_id, order.unit_id, order.contact_phone), changed=True)


def stop_sms(actor: Actor, order: RepairOrder) -> None:
    from ...database import transaction
    from ..residents.link import check_desk
    check_desk(actor)
    with transaction():
        withdraw(actor, order)


class ConsentRefused(InvalidInput):
    field = "sms_consent"

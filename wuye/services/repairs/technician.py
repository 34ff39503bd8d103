"""The technician at the door (A2), one function per step (the quote is quote.py, the signed 派工单
sheet.py, signatures bound by digest signatures.py).

Each step is one self-contained request (so the offline outbox can replay it): it names the
order, carries the time it happened on the phone, and commits in one transaction with its audit
event and deadline changes.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from ...clock import now as clock_now
from ...database import locked, prepared, transaction
from ...extensions import db
from ...models import RepairOrder, Role
from ...models.job import Invoice, Payment, Photo, Quote, SheetRevision, Visit, WorkNote
from ...workflow.repair import REPAIR, RepairState
from .. import Actor, DomainError, InvalidInput, NotAllowed, times
from ..deadlines import table as deadlines
from . import charging, uploads
from .quote import QuoteInput, accepted_quote, new_quote
from .sheet import sheet_content
from .signatures import digest, sign
from ..audit import record
from ... import money

SUBJECT = "repair_order"
CHECKLIST = ("understood", "uniform", "badge", "cloth_covers", "tools_parts")
SHOE_CHOICES = ("covers", "slippers", "none")
PAY_METHODS = ("cash", "wechat", "alipay", "account")
NO_CHARGE = "none"  # a free repair's close: ¥0, no money step, no receipt


# ---- common -------------------------------------------------------------------------------

def happened(order: RepairOrder, at: datetime | None, received: datetime) -> datetime:
    """The time an action happened on the phone: never in the future, never before dispatch."""
    return times.happened(at, received, not_before=order.dispatched_at,
                          future=_("The time of this action is in the future; check the phone's clock."),
                          too_early=_("The time of this action is before the job was dispatched."))


def _mine(order: RepairOrder, actor: Actor) -> None:
    if actor.role != Role.TECHNICIAN:
        raise NotAllowed(_("Only the technician of this job can do this."))
    if order.technician_id != actor.user.id:
        raise DomainError(_("This job is no longer yours: it was reassigned. Ask the front desk."))
    if order.state == RepairState.CANCELLED:
        raise DomainError(_("This job was cancelled by the front desk."))


def _step(actor: Actor, order: RepairOrder, transition: str) -> None:
    _mine(order, actor)
    if not REPAIR.allows(transition, order.state, actor.role):
        raise DomainError(_("This step does not fit the job's current state; reload the job."))
    order.state = REPAIR.target(transition, order.state)


@prepared
def _current_visit_statement():
    return select(Visit).where(Visit.order_id == bindparam("order_id")).order_by(Visit.number.desc()).limit(1)


def current_visit(order: RepairOrder) -> Visit | None:
    return db.session.scalar(_current_visit_statement(), {"order_id": order.id})


def _audit(actor: Actor, order: RepairOrder, action: str, at: datetime, received: datetime, **changes):
    if abs((received - at).total_seconds()) > 60:
        changes["received_at"] = received
    record(actor, action, SUBJECT, order.id, order.project_id, at=at, **changes)
    order.updated_at = received


class _Act:
    """One step under way: the locked order, when it happened on the phone, when it arrived."""

    def __init__(self, actor: Actor, order: RepairOrder, at: datetime, received: datetime):
        self.actor, self.order, self.at, self.received = actor, order, at, received

    def step(self, transition: str) -> None:
        _step(self.actor, self.order, transition)

    def audit(self, action: str, **changes) -> None:
        _audit(self.actor, self.order, action, self.at, self.received, **changes)


@contextlib.contextmanager
def _acting(s: Step, transition: str | None = None, *, check: bool = True) -> Iterator[_Act]:
    """The frame of every step: one transaction, the order locked, the phone's time bounded, and
    (unless the step checks its own inputs first) the transition or the ownership checked."""
    received = clock_now()
    with transaction():
        order = locked(s.order)
        act = _Act(s.actor, order, happened(order, s.at, received), received)
        if check:
            if transition:
                act.step(transition)
            else:
                _mine(order, s.actor)
        yield act


@dataclass
class Step:
    """What every technician action carries: who, which order, when on the phone."""
    actor: Actor
    order: RepairOrder
    at: datetime | None = None


# ---- accept, prepare, depart, arrive --------------------------------------------------------

def accept(s: Step) -> RepairOrder:
    with _acting(s, "accept") as act:
        order, at = act.order, act.at
        order.accepted_at = at
        if current_visit(order) is None:
            db.session.add(Visit(order_id=order.id, number=1, appointment_start=order.appointment_start,
                                 appointment_end=order.appointment_end, checklist={}))
        deadlines.open_deadline(order, "preparation", at)
        act.audit("accept")
    return order


def tick(s: Step, item: str, checked: bool) -> Visit:
    if item not in CHECKLIST:
        raise InvalidInput(_("Unknown checklist item."))
    with _acting(s) as act:
        order, at = act.order, act.at
        if not REPAIR.allows("checklist", order.state, Role.TECHNICIAN):
            raise DomainError(_("The checklist is done before leaving for the job."))
        visit = current_visit(order)
        marks = dict(visit.checklist or {})
        if checked:
            marks[item] = at.isoformat()
        else:
            marks.pop(item, None)
        visit.checklist = marks
        act.audit("check" if checked else "uncheck", item=item)
    return visit


def depart(s: Step) -> RepairOrder:
    with _acting(s, check=False) as act:
        order, at = act.order, act.at
        visit = current_visit(order)
        missing = [i for i in CHECKLIST if i not in (visit.checklist or {})] if visit else list(CHECKLIST)
        if missing:
            raise InvalidInput(_("Tick every item of the preparation checklist before leaving."))
        act.step("depart")
        visit.departed_at = at
        deadlines.meet(order, "prepared", at)
        act.audit("depart", visit=visit.number)
        from ..delivery.residents import tell
        tell(order, "resident_on_the_way")  # an SMS, if the contact agreed to messages
    return order


def arrive(s: Step) -> RepairOrder:
    with _acting(s, "arrive") as act:
        order, at = act.order, act.at
        visit = current_visit(order)
        visit.arrived_at = at
        deadlines.meet(order, "arrived", at)
        act.audit("arrive", visit=visit.number)
    return order


def at_door(s: Step, shoe_choice: str, furniture_consent: bool | None) -> Visit:
    if shoe_choice not in SHOE_CHOICES:
        raise InvalidInput(_("Choose shoe covers, slippers or neither, as the customer prefers."))
    with _acting(s) as act:
        order = act.order
        if not REPAIR.allows("at_door", order.state, Role.TECHNICIAN):
            raise DomainError(_("This is recorded at the customer's door."))
        visit = current_visit(order)
        visit.shoe_choice = shoe_choice
        visit.furniture_consent = furniture_consent
        act.audit("at_door", shoe_choice=shoe_choice,
               furniture_consent=furniture_consent)
    return visit


def change_charge(s: Step, charge_type: str, reason: str) -> RepairOrder:
    """Who pays, as seen at the door (A3): e.g. damage by misuse is paid work even inside the warranty."""
    with _acting(s) as act:
        order = act.order
        if not REPAIR.allows("change_charge", order.state, Role.TECHNICIAN):
            raise DomainError(_("The charge type is changed at the door, before the quote."))
        act.audit("charge_change", **charging.change_on_site(order, charge_type, reason))
    return order


# ---- the customer's consent to the quote ----------------------------------------------------

def consent(s: Step, q: QuoteInput, signature_png: bytes | None, shown_charge: str | None = None) -> Quote:
    """The customer agrees to hours, materials and fee, and signs: work may start. `shown_charge` is who pays
    as the phone showed it: a free quote signed while the desk made the job paid work is no consent to a price."""
    with _acting(s, "consent") as act:
        order, at = act.order, act.at
        if shown_charge and charging.is_free(shown_charge) and not charging.is_free(order.charge_type):
            raise DomainError(_("Who pays changed to paid in-home work after this free quote was shown: "
                                "quote again by the price list and ask the customer's consent."))
        quote = new_quote(order, q)
        quote.decision, quote.decided_at = "consented", at
        quote.signature_id = sign(order, "quote", signature_png, quote.content_digest, at).id
        act.audit("consent", total_fen=quote.total_fen, quote=quote.revision)
    return quote


def decline(s: Step, q: QuoteInput, reason: str) -> Quote:
    """客户谢绝: the quote is kept, the order closes politely."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Note why the customer declined."))
    with _acting(s, "decline") as act:
        order, at = act.order, act.at
        quote = new_quote(order, q)
        quote.decision, quote.decided_at, quote.decline_reason = "declined", at, reason
        current_visit(order).outcome, current_visit(order).outcome_reason = "declined", reason
        order.closed_at = at
        deadlines.close_for_subject(order, at)
        act.audit("decline", reason=reason, total_fen=quote.total_fen)
    return quote


# ---- work -----------------------------------------------------------------------------------

def note(s: Step, text: str) -> WorkNote:
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise InvalidInput(_("A note is 1 to 2000 characters."))
    with _acting(s) as act:
        order, at = act.order, act.at
        n = WorkNote(order_id=order.id, author_id=s.actor.user.id, text=text, written_at=at)
        db.session.add(n)
        act.audit("note", text=text[:200])
    return n


def photo(s: Step, kind: str, data: bytes | None) -> Photo:
    if kind not in ("before", "after"):
        raise InvalidInput(_("A photo is taken before or after the work."))
    checked = uploads.check_photo(data)
    with _acting(s) as act:
        order, at = act.order, act.at
        uploads.store("photos", checked)
        p = Photo(order_id=order.id, kind=kind, sha256=checked.sha256, content_type=checked.content_type,
                  size_bytes=len(checked.data), taken_at=at)
        db.session.add(p)
        act.audit("photo", kind=kind)
    return p


def pause(s: Step, reason: str) -> RepairOrder:
    """Tools or parts missing: explain to the customer and go back for them."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say what is missing."))
    with _acting(s, "pause") as act:
        order = act.order
        act.audit("pause", reason=reason)
    return order


def resume(s: Step) -> RepairOrder:
    with _acting(s, "resume") as act:
        order = act.order
        act.audit("resume")
    return order


def cannot_fix(s: Step, reason: str, next_start: datetime | None, next_end: datetime | None) -> Visit:
    """Cannot be fixed now: explain why and book the next visit with the customer."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Explain why it cannot be fixed now."))
    if next_start is None or next_end is None or next_end <= next_start:
        raise InvalidInput(_("Agree the next visit's date and time window with the customer."))
    if next_end <= clock_now():
        raise InvalidInput(_("The next visit must be in the future."))
    with _acting(s, "cannot_fix") as act:
        order, at = act.order, act.at
        visit = current_visit(order)
        visit.outcome, visit.outcome_reason = "cannot_fix", reason
        nxt = Visit(order_id=order.id, number=visit.number + 1, appointment_start=next_start,
                    appointment_end=next_end, checklist={})
        db.session.add(nxt)
        order.appointment_start, order.appointment_end = next_start, next_end
        deadlines.open_deadline(order, "revisit_arrival", at, booked_at=next_start)
        act.audit("cannot_fix", reason=reason, next_start=next_start,
               next_end=next_end, visit=nxt.number)
        from ..delivery.residents import appointment_moved
        appointment_moved(order)  # the next visit's time, if the contact agreed to messages
    return nxt


def finish(s: Step) -> RepairOrder:
    with _acting(s, "finish") as act:
        order = act.order
        act.audit("finish")
    return order


# ---- acceptance: the signed 派工单 ------------------------------------------------------------

def sign_acceptance(s: Step, demonstrated: bool, signature_png: bytes | None) -> SheetRevision:
    """The customer inspects; the technician has shown it working; the customer signs the 派工单."""
    if not demonstrated:
        raise InvalidInput(_("Show the customer the repair working before they sign."))
    with _acting(s, "sign_acceptance") as act:
        order, at = act.order, act.at
        visit = current_visit(order)
        visit.outcome = "done"
        content = sheet_content(order, demonstrated)
        content_digest = digest(content)
        revision = (db.session.scalar(select(func.max(SheetRevision.revision))
                                      .where(SheetRevision.order_id == order.id)) or 0) + 1
        sig = sign(order, "acceptance", signature_png, content_digest, at)
        sheet = SheetRevision(order_id=order.id, revision=revision, content=content, content_digest=content_digest,
                              signature_id=sig.id, created_at=at)
        db.session.add(sheet)
        act.audit("sign_acceptance", sheet=revision)
    return sheet


# ---- payment and the invoice taken back -----------------------------------------------------

@dataclass
class PaymentInput:
    method: str
    amount_fen: int
    receipt_no: str
    invoice_wanted: bool = False
    difference_reason: str | None = None


def pay(s: Step, p: PaymentInput) -> Payment:
    """现场缴费: the amount of the accepted quote; any other amount needs a reason."""
    if p.method not in PAY_METHODS and p.method != NO_CHARGE:
        raise InvalidInput(_("Choose how the customer paid."))
    if p.amount_fen < 0:
        raise InvalidInput(_("The amount cannot be negative."))
    if p.amount_fen > money.MAX_FEN:
        raise InvalidInput(_("That amount is too large: at most ¥1,000,000.00."))
    receipt = (p.receipt_no or "").strip()
    if (not receipt and p.method != NO_CHARGE) or len(receipt) > 40:
        raise InvalidInput(_("Enter the receipt number."))
    with _acting(s, check=False) as act:
        order, at = act.order, act.at
        quote = accepted_quote(order)
        expected = quote.total_fen if quote else 0
        reason = (p.difference_reason or "").strip() or None
        if p.method == NO_CHARGE and (expected != 0 or p.amount_fen != 0 or p.invoice_wanted):
            raise InvalidInput(_("Only a job with ¥0 due closes without payment."))
        if p.amount_fen != expected and not reason:
            raise InvalidInput(_("The amount differs from the accepted quote; give the reason."))
        act.step("pay")
        payment = Payment(order_id=order.id, project_id=order.project_id, technician_id=s.actor.user.id,
                          method=p.method, amount_fen=p.amount_fen, expected_fen=expected,
                          difference_reason=reason, receipt_no=receipt, invoice_wanted=p.invoice_wanted, paid_at=at)
        db.session.add(payment)
        if p.invoice_wanted:
            db.session.add(Invoice(order_id=order.id, project_id=order.project_id, requested_at=at))
        order.closed_at = at
        deadlines.close_for_subject(order, at)
        act.audit("pay", method=p.method, amount_fen=p.amount_fen,
               receipt_no=receipt, invoice_wanted=p.invoice_wanted, reason=reason)
    return payment


def deliver_invoice(s: Step) -> Invoice:
    with _acting(s) as act:
        order, at = act.order, act.at
        invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
        if invoice is None or invoice.issued_at is None:
            raise DomainError(_("There is no issued invoice to deliver for this job."))
        if invoice.delivered_at is None:
            invoice.delivered_at, invoice.delivered_by_id = at, s.actor.user.id
            act.audit("invoice_delivered", invoice=invoice.number)
    return invoice

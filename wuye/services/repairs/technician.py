"""The technician at the door (A2), one function per step.

Each step is one self-contained request (so the offline outbox can replay it): it names the
order, carries the time it happened on the phone, and commits in one transaction with its audit
event and deadline changes.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...clock import now as clock_now
from ...database import locked, transaction
from ...extensions import db
from ...models import RepairOrder, Role
from ...models.job import (FeeHandover, Invoice, Payment, Photo, PriceItem, Quote, QuoteLine, SheetRevision,
                          Signature, Visit, WorkNote)
from ...workflow.repair import REPAIR, RepairState
from .. import Actor, DomainError, InvalidInput, NotAllowed, times
from ..deadlines import table as deadlines
from . import charging, uploads
from ..audit import record
from ..notifications import notify
from ... import money
from ...numbers import get_by_id

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


def current_visit(order: RepairOrder) -> Visit | None:
    return db.session.scalar(select(Visit).where(Visit.order_id == order.id).order_by(Visit.number.desc()).limit(1))


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


# ---- the quote and the customer's consent ---------------------------------------------------

@dataclass
class QuoteLineInput:
    name: str
    unit: str
    quantity_milli: int
    unit_price_fen: int
    price_item_id: int | None = None
    price_reason: str | None = None


@dataclass
class QuoteInput:
    labour_minutes: int
    lines: list[QuoteLineInput] = field(default_factory=list)


def labour_rate(project_id: int) -> int:
    item = db.session.scalar(select(PriceItem).where(PriceItem.project_id == project_id,
                                                     PriceItem.kind == "labour", PriceItem.active.is_(True)))
    return item.price_fen if item else 0


def price_list(project_id: int) -> list[PriceItem]:
    return list(db.session.scalars(select(PriceItem).where(
        PriceItem.project_id == project_id, PriceItem.kind == "material", PriceItem.active.is_(True))
        .order_by(PriceItem.name)))


def compute(project_id: int, q: QuoteInput) -> tuple[int, int, int, list[tuple[QuoteLineInput, int | None, int]]]:
    """(labour, materials, total, lines with list price and amount) in fen, checked; the rounding
    is wuye.money's, the one the phone previews."""
    if not (0 <= q.labour_minutes <= money.MAX_MINUTES):
        raise InvalidInput(_("Labour hours must be between 0 and 24."))
    out = []
    for line in q.lines:
        if not line.name.strip():
            raise InvalidInput(_("Every material line needs a name."))
        if line.quantity_milli <= 0:
            raise InvalidInput(_("Quantities must be more than zero."))
        if line.quantity_milli > money.MAX_QUANTITY_MILLI:
            raise InvalidInput(_("A quantity is at most 10,000."))
        if line.unit_price_fen < 0:
            raise InvalidInput(_("Prices cannot be negative."))
        if line.unit_price_fen > money.MAX_FEN:
            raise InvalidInput(_("That amount is too large: at most ¥1,000,000.00."))
        listed = None
        if line.price_item_id:
            item = get_by_id(PriceItem, line.price_item_id)
            if item is None or item.project_id != project_id:
                raise InvalidInput(_("Choose materials from this project's price list."))
            listed = item.price_fen
            if line.unit_price_fen != listed and not (line.price_reason or "").strip():
                raise InvalidInput(_("A price that differs from the price list needs a reason."))
        out.append((line, listed))
    try:
        fee = money.fee(labour_rate(project_id), q.labour_minutes,
                        [(line.unit_price_fen, line.quantity_milli) for line, _listed in out])
    except money.NumberError as e:
        raise InvalidInput(e.message) from None
    return (fee.labour_fen, fee.total_fen - fee.labour_fen, fee.total_fen,
            [(line, listed, amount) for (line, listed), amount in zip(out, fee.line_fen)])


def _digest(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _quote_content(order: RepairOrder, revision: int, minutes: int, rate: int, total: int, lines) -> dict:
    return {"order": order.number, "revision": revision, "labour_minutes": minutes, "labour_rate_fen": rate,
            "total_fen": total, "charge_type": order.charge_type,
            "lines": [{"name": ln.name.strip(), "unit": ln.unit, "quantity_milli": ln.quantity_milli,
                       "unit_price_fen": ln.unit_price_fen} for ln, _listed, _amount in lines]}


def _signature(order: RepairOrder, purpose: str, png: bytes | None, content_digest: str, at: datetime) -> Signature:
    checked = uploads.check_signature(png)
    uploads.store("signatures", checked)
    sig = Signature(order_id=order.id, purpose=purpose, png_sha256=checked.sha256, size_bytes=len(checked.data),
                    width=checked.width, height=checked.height, content_digest=content_digest, signed_at=at,
                    received_at=clock_now())
    db.session.add(sig)
    db.session.flush()
    return sig


def _new_quote(order: RepairOrder, q: QuoteInput) -> Quote:
    labour, materials, total, lines = compute(order.project_id, q)
    if charging.is_free(order.charge_type):
        # hours and materials are still recorded, at the price list's value (the cost to claim); ¥0 due
        if any(listed is not None and ln.unit_price_fen != listed for ln, listed, _amount in lines):
            raise InvalidInput(_("A free repair records materials at the price list's value."))
        total = 0
    revision = (db.session.scalar(select(func.max(Quote.revision)).where(Quote.order_id == order.id)) or 0) + 1
    rate = labour_rate(order.project_id)
    quote = Quote(order_id=order.id, revision=revision, labour_minutes=q.labour_minutes, labour_rate_fen=rate,
                  labour_fen=labour, materials_fen=materials, total_fen=total, charge_type=order.charge_type,
                  content_digest=_digest(_quote_content(order, revision, q.labour_minutes, rate, total, lines)))
    for i, (ln, listed, amount) in enumerate(lines):
        quote.lines.append(QuoteLine(position=i, price_item_id=ln.price_item_id, name=ln.name.strip(), unit=ln.unit,
                                     quantity_milli=ln.quantity_milli, unit_price_fen=ln.unit_price_fen,
                                     list_price_fen=listed, price_reason=(ln.price_reason or "").strip() or None,
                                     amount_fen=amount))
    db.session.add(quote)
    db.session.flush()
    return quote


def consent(s: Step, q: QuoteInput, signature_png: bytes | None) -> Quote:
    """The customer agrees to hours, materials and fee, and signs: work may start."""
    with _acting(s, "consent") as act:
        order, at = act.order, act.at
        quote = _new_quote(order, q)
        quote.decision, quote.decided_at = "consented", at
        quote.signature_id = _signature(order, "quote", signature_png, quote.content_digest, at).id
        act.audit("consent", total_fen=quote.total_fen, quote=quote.revision)
    return quote


def decline(s: Step, q: QuoteInput, reason: str) -> Quote:
    """客户谢绝: the quote is kept, the order closes politely."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Note why the customer declined."))
    with _acting(s, "decline") as act:
        order, at = act.order, act.at
        quote = _new_quote(order, q)
        quote.decision, quote.decided_at, quote.decline_reason = "declined", at, reason
        current_visit(order).outcome, current_visit(order).outcome_reason = "declined", reason
        order.closed_at = at
        deadlines.close_for_subject(order, at)
        act.audit("decline", reason=reason, total_fen=quote.total_fen)
    return quote


def accepted_quote(order: RepairOrder) -> Quote | None:
    return db.session.scalar(select(Quote).where(Quote.order_id == order.id, Quote.decision == "consented")
                             .order_by(Quote.revision.desc()).limit(1))


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
    return nxt


def finish(s: Step) -> RepairOrder:
    with _acting(s, "finish") as act:
        order = act.order
        act.audit("finish")
    return order


# ---- acceptance: the signed 派工单 ------------------------------------------------------------

def sheet_content(order: RepairOrder, demonstrated: bool) -> dict:
    quote = accepted_quote(order)
    visits = db.session.scalars(select(Visit).where(Visit.order_id == order.id).order_by(Visit.number)).all()
    return {
        "order": order.number, "unit": order.unit.label, "description": order.description,
        "charge_type": order.charge_type,
        "technician": order.technician.name if order.technician else None,
        "quote": None if quote is None else {
            "revision": quote.revision, "labour_minutes": quote.labour_minutes, "total_fen": quote.total_fen,
            "lines": [{"name": ln.name, "quantity_milli": ln.quantity_milli, "unit_price_fen": ln.unit_price_fen}
                      for ln in quote.lines]},
        "visits": [{"number": v.number, "arrived_at": v.arrived_at.isoformat() if v.arrived_at else None,
                    "outcome": v.outcome} for v in visits],
        "demonstrated": bool(demonstrated),
    }


def sign_acceptance(s: Step, demonstrated: bool, signature_png: bytes | None) -> SheetRevision:
    """The customer inspects; the technician has shown it working; the customer signs the 派工单."""
    if not demonstrated:
        raise InvalidInput(_("Show the customer the repair working before they sign."))
    with _acting(s, "sign_acceptance") as act:
        order, at = act.order, act.at
        visit = current_visit(order)
        visit.outcome = "done"
        content = sheet_content(order, demonstrated)
        digest = _digest(content)
        revision = (db.session.scalar(select(func.max(SheetRevision.revision))
                                      .where(SheetRevision.order_id == order.id)) or 0) + 1
        sig = _signature(order, "acceptance", signature_png, digest, at)
        sheet = SheetRevision(order_id=order.id, revision=revision, content=content, content_digest=digest,
                              signature_id=sig.id, created_at=at)
        db.session.add(sheet)
        act.audit("sign_acceptance", sheet=revision)
    return sheet


def correct_sheet(actor: Actor, order: RepairOrder, reason: str, description: str) -> SheetRevision:
    """A correction of the signed 派工单 adds a revision; the signed one stays as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("A correction needs a reason."))
    with transaction():
        order = locked(order)
        last = latest_sheet(order)
        if last is None:
            raise DomainError(_("There is no signed dispatch sheet to correct."))
        content = dict(last.content)
        content["description"] = description.strip() or content["description"]
        content["corrects"] = last.revision
        sheet = SheetRevision(order_id=order.id, revision=last.revision + 1, content=content,
                              content_digest=_digest(content), correction_reason=reason, created_at=clock_now())
        db.session.add(sheet)
        record(actor, "correct_sheet", SUBJECT, order.id, order.project_id, reason=reason, sheet=sheet.revision)
    return sheet


def latest_sheet(order: RepairOrder) -> SheetRevision | None:
    return db.session.scalar(select(SheetRevision).where(SheetRevision.order_id == order.id)
                             .order_by(SheetRevision.revision.desc()).limit(1))


def sheet_intact(sheet: SheetRevision) -> bool:
    """True while the stored content still matches what the customer signed."""
    if sheet.content_digest != _digest(sheet.content):
        return False
    return sheet.signature is None or sheet.signature.content_digest == sheet.content_digest


# ---- payment, invoice, fees -----------------------------------------------------------------

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


def issue_invoice(actor: Actor, invoice: Invoice, number: str) -> Invoice:
    number = (number or "").strip()
    if not number or len(number) > 40:
        raise InvalidInput(_("Enter the invoice number."))
    with transaction():
        invoice = locked(invoice)
        if invoice.issued_at is not None:
            raise DomainError(_("This invoice was already issued."))
        invoice.number, invoice.issued_at, invoice.issued_by_id = number, clock_now(), actor.user.id
        order = db.session.get(RepairOrder, invoice.order_id)
        record(actor, "invoice_issued", SUBJECT, order.id, order.project_id, invoice=number)
        if order.technician is not None:
            notify(order.technician, "invoice_to_deliver", link=f"/tech/jobs/{order.number}", number=order.number,
                   invoice=number)
    return invoice


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


def confirm_handover(actor: Actor, payment: Payment, received_fen: int, note_text: str | None = None) -> FeeHandover:
    """The housing officer counts the cash of one order; a difference needs a note (what the
    technician said) and is flagged with both names."""
    if actor.role != Role.HOUSING_OFFICER:
        raise NotAllowed(_("Only the housing officer receives fees."))
    if received_fen < 0:
        raise InvalidInput(_("The amount cannot be negative."))
    if received_fen > money.MAX_FEN:
        raise InvalidInput(_("That amount is too large: at most ¥1,000,000.00."))
    note = (note_text or "").strip() or None
    with transaction():
        payment = db.session.get(Payment, payment.id)
        if payment is None or payment.project_id != actor.user.project_id or payment.method != "cash":
            raise DomainError(_("No cash payment to receive here."))
        if db.session.scalar(select(FeeHandover).where(FeeHandover.payment_id == payment.id)):
            raise DomainError(_("This payment was already handed over."))
        if received_fen != payment.amount_fen and note is None:
            raise InvalidInput(_("The amount received differs from the amount expected: note what the technician said."))
        h = FeeHandover(payment_id=payment.id, project_id=payment.project_id, technician_id=payment.technician_id,
                        officer_id=actor.user.id, expected_fen=payment.amount_fen, received_fen=received_fen,
                        note=note, confirmed_at=clock_now())
        db.session.add(h)
        order = db.session.get(RepairOrder, payment.order_id)
        record(actor, "fee_handover", SUBJECT, order.id, order.project_id, expected_fen=payment.amount_fen,
               received_fen=received_fen, technician=payment.technician.name)
        if received_fen != payment.amount_fen:
            notify(payment.technician, "fee_difference", link="/tech/fees", number=order.number,
                   expected=payment.amount_fen, received=received_fen)
    return h

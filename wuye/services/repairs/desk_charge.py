"""The desk changes who pays after intake (A3): e.g. intake said paid in-home work, the technician rings
from the door that it is a common part or under warranty.

When it makes sense, and what the quote and the fee do (DOMAIN.md A3: "the quote consent of A2 is what
makes it billable"; a free repair still records hours and materials and is ¥0 due):
- before the customer consented to a quote on this visit (new … on site, and a booked next visit, whose
  arrival asks consent again): any type; the quote made at the door follows it (the price list, or ¥0 due);
- after the consent and until payment (in progress, paused, awaiting acceptance, signed): only to a free
  type. The consented quote is issued again as a new revision with the same hours and materials (the cost
  to claim) and ¥0 due, standing on the customer's consent to the work; a 派工单 the customer already
  signed gets a correction revision with the type and the ¥0 fee (the signed one stays as it was).
  Paid work after a free quote is refused: nobody consented to a price;
- once paid, declined or cancelled: no change (the money, or the refusal, is on record).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ...clock import now as clock_now
from ...database import locked, transaction
from ...extensions import db
from ...models import RepairOrder
from ...models.job import Quote, QuoteLine, SheetRevision
from ...models.warranty import ChargeType
from ...workflow.repair import REPAIR, RepairState
from .. import Actor, DomainError
from ..audit import record
from ..notifications import notify
from . import charging
from .quote import accepted_quote
from .sheet import latest_sheet
from .signatures import digest

SUBJECT = "repair_order"
# the customer has consented to the quote of the current visit (A2); later states keep that quote
CONSENTED = frozenset({RepairState.IN_PROGRESS, RepairState.PAUSED, RepairState.AWAITING_ACCEPTANCE,
                       RepairState.SIGNED})


def refusal(order: RepairOrder, charge_type: str) -> str | None:
    """Why the desk may not make this order of `charge_type` now, or None."""
    if order.state in (RepairState.COMPLETED, RepairState.DECLINED, RepairState.CANCELLED):
        return _("The order is closed: who pays can no longer change.")
    if order.state in CONSENTED and charge_type == ChargeType.PAID and order.charge_type != ChargeType.PAID:
        return _("The customer consented to a free repair: paid work needs their consent to a priced quote "
                 "first, at a next visit.")
    return None


def _free_quote(order: RepairOrder, consented: Quote, at) -> Quote:
    """The consented quote again, same hours and materials at the list's value, ¥0 due, of the new type."""
    revision = (db.session.scalar(select(Quote.revision).where(Quote.order_id == order.id)
                                  .order_by(Quote.revision.desc()).limit(1)) or 0) + 1
    quote = Quote(order_id=order.id, revision=revision, labour_minutes=consented.labour_minutes,
                  labour_rate_fen=consented.labour_rate_fen, labour_fen=consented.labour_fen,
                  materials_fen=consented.materials_fen, total_fen=0, charge_type=order.charge_type,
                  decision="consented", decided_at=consented.decided_at, signature_id=consented.signature_id,
                  created_at=at, content_digest="")
    for ln in consented.lines:
        quote.lines.append(QuoteLine(position=ln.position, price_item_id=ln.price_item_id, name=ln.name, unit=ln.unit,
                                     quantity_milli=ln.quantity_milli, unit_price_fen=ln.unit_price_fen,
                                     list_price_fen=ln.list_price_fen, price_reason=ln.price_reason,
                                     amount_fen=ln.amount_fen))
    quote.content_digest = digest({
        "order": order.number, "revision": revision, "labour_minutes": quote.labour_minutes,
        "labour_rate_fen": quote.labour_rate_fen, "total_fen": 0, "charge_type": order.charge_type,
        "reissues": consented.revision,
        "lines": [{"name": ln.name, "unit": ln.unit, "quantity_milli": ln.quantity_milli,
                   "unit_price_fen": ln.unit_price_fen} for ln in quote.lines]})
    db.session.add(quote)
    db.session.flush()
    return quote


def _corrected_sheet(order: RepairOrder, quote: Quote, reason: str, at) -> SheetRevision | None:
    last = latest_sheet(order)
    if last is None:
        return None
    content = dict(last.content)
    content["charge_type"] = order.charge_type
    content["quote"] = {**(content.get("quote") or {}), "revision": quote.revision, "total_fen": 0}
    content["corrects"] = last.revision
    sheet = SheetRevision(order_id=order.id, revision=last.revision + 1, content=content,
                          content_digest=digest(content), correction_reason=reason, created_at=at)
    db.session.add(sheet)
    return sheet


def change(actor: Actor, order: RepairOrder, charge_type: str, reason: str) -> RepairOrder:
    """The desk's change of who pays, with its reason: one transaction, one audit event, the technician told."""
    with transaction():
        order = locked(order)
        if not REPAIR.allows("desk_change_charge", order.state, actor.role):
            raise DomainError(refusal(order, charge_type) or _("You may not change who pays for this order."))
        refused = refusal(order, charge_type)
        if refused:
            raise DomainError(refused)
        at = clock_now()
        changes = charging.change_on_site(order, charge_type, reason)  # checks the type and the reason
        consented = accepted_quote(order) if order.state in CONSENTED else None
        if consented is not None and (consented.total_fen or consented.charge_type != order.charge_type):
            quote = _free_quote(order, consented, at)
            changes.update(quote=quote.revision, reissues=consented.revision, was_fen=consented.total_fen)
            sheet = _corrected_sheet(order, quote, changes["reason"], at)
            if sheet is not None:
                changes["sheet"] = sheet.revision
        order.updated_at = at
        record(actor, "charge_change_desk", SUBJECT, order.id, order.project_id, at=at, **changes)
        if order.technician is not None and order.state != RepairState.NEW:
            notify(order.technician, "repair_charge_changed", link=f"/tech/jobs/{order.number}",
                   number=order.number, charge_type=charge_type, reason=changes["reason"])
    return order


def may_change(order: RepairOrder, role: str) -> bool:
    return REPAIR.allows("desk_change_charge", order.state, role)

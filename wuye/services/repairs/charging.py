"""The charge type of an order (A3): set at intake from the proposal or the clerk's choice, changed on site
by the technician with a reason (misuse is paid work even inside the warranty)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...models import RepairOrder, Unit
from ...models.warranty import FREE, ChargeType
from ...workflow.repair import REPAIR
from .. import InvalidInput
from . import warranty

CHARGE_TYPES = {
    ChargeType.COMMON: _l("Common parts"),
    ChargeType.WARRANTY: _l("Under warranty"),
    ChargeType.PAID: _l("Paid in-home work"),
}
# what the resident's link says about the charge
RESIDENT_WORDS = {
    ChargeType.COMMON: _l("Common parts: no charge"),
    ChargeType.WARRANTY: _l("Under warranty: free repair"),
    ChargeType.PAID: _l("Paid work by the price list"),
}


def is_free(charge_type: str | None) -> bool:
    return charge_type in FREE


def _check_type(charge_type: str) -> None:
    if charge_type not in CHARGE_TYPES:
        raise InvalidInput(_("Choose who pays: common parts, under warranty or paid in-home work."))


def _party(order: RepairOrder, proposal: warranty.Proposal) -> str | None:
    """Who a warranty job's cost is claimed from, also when the proposal was not 'under warranty'."""
    if order.charge_type != ChargeType.WARRANTY:
        return None
    if proposal.party:
        return proposal.party
    responsible = proposal.facts.get("responsible", "main_contractor")
    return warranty.responsible_party(order.unit.building, responsible) or None


def apply_at_intake(order: RepairOrder, unit: Unit, chosen: str | None, note: str | None) -> warranty.Proposal:
    """Set the order's charge type: the proposal's, or the clerk's choice (a different one needs a note)."""
    proposal = warranty.propose(unit, order.category, order.called_at)
    note = (note or "").strip() or None
    if chosen:
        _check_type(chosen)
    if chosen and chosen != proposal.charge_type and not note:
        raise InvalidInput(_("Say why the charge type differs from the proposal."))
    order.charge_type = chosen or proposal.charge_type
    order.charge_basis = proposal.basis
    order.charge_note = note if order.charge_type != proposal.charge_type else None
    order.charge_party = _party(order, proposal)
    return proposal


def change_on_site(order: RepairOrder, charge_type: str, reason: str) -> dict:
    """The technician's change (inside their step's transaction); the audit's changes are returned."""
    _check_type(charge_type)
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise InvalidInput(_("Say why the charge type changes (for example damage by misuse)."))
    if charge_type == order.charge_type:
        raise InvalidInput(_("The job is already of this charge type."))
    previous = order.charge_type
    order.charge_type, order.charge_note = charge_type, reason
    order.charge_party = _party(order, warranty.propose(order.unit, order.category, order.called_at))
    return {"from": previous, "to": charge_type, "reason": reason}


def may_change(order: RepairOrder, role: str) -> bool:
    return REPAIR.allows("change_charge", order.state, role)


def reason_of(order: RepairOrder) -> str:
    """The grounds in the reader's words; when the type is not the proposed one, the note of whoever
    changed it first, then what had been proposed and why."""
    basis = order.charge_basis or {}
    words = warranty.describe(basis)
    proposed = basis.get("proposed")
    if not order.charge_note or proposed == order.charge_type:
        return words
    return _("%(note)s (proposed: %(proposed)s — %(why)s)", note=order.charge_note,
             proposed=CHARGE_TYPES.get(proposed, proposed), why=words)

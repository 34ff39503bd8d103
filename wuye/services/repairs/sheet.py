"""The 派工单 (dispatch sheet) the customer signs at acceptance: its content, its immutable revisions
(a correction adds one, the signed one stays) and the check that it is still what was signed."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from ...clock import now as clock_now
from ...database import locked, prepared, transaction
from ...extensions import db
from ...models import RepairOrder
from ...models.job import SheetRevision, Visit
from .. import Actor, DomainError, InvalidInput
from ..audit import record
from .quote import accepted_quote
from .signatures import digest

SUBJECT = "repair_order"


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
                              content_digest=digest(content), correction_reason=reason, created_at=clock_now())
        db.session.add(sheet)
        record(actor, "correct_sheet", SUBJECT, order.id, order.project_id, reason=reason, sheet=sheet.revision)
    return sheet


@prepared
def _latest_sheet_statement():
    return (select(SheetRevision).where(SheetRevision.order_id == bindparam("order_id"))
            .order_by(SheetRevision.revision.desc()).limit(1))


def latest_sheet(order: RepairOrder) -> SheetRevision | None:
    return db.session.scalar(_latest_sheet_statement(), {"order_id": order.id})


def sheet_intact(sheet: SheetRevision) -> bool:
    """True while the stored content still matches what the customer signed."""
    if sheet.content_digest != digest(sheet.content):
        return False
    return sheet.signature is None or sheet.signature.content_digest == sheet.content_digest

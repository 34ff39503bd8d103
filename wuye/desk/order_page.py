"""The desk's order page (报修单): its actions, history, deadlines, what the technician recorded and
the resident's card — the whole page, or the block an htmx request asks for."""
from __future__ import annotations

from flask import request
from sqlalchemy import bindparam, select

from ..database import prepared
from ..extensions import db
from ..htmx import is_fragment_request, render
from ..models import RepairOrder
from ..models.job import Invoice, Payment, Visit
from ..models.offline import RefusedAction
from ..photos import by_kind, photos_of
from ..services.audit import history
from ..services.deadlines.table import for_subject
from ..services.repairs import quote as quoting
from ..services.repairs import sheet as dispatch_sheet
from ..services.repairs.desk_charge import CONSENTED
from ..web import actor, current_project
from ..workflow.repair import REPAIR
from .common import technician_choices
from .forms import CancelForm, ChargeChangeForm, CorrectSheetForm, DispatchForm, ReassignForm
from .resident_card import resident_context, take_fresh


def order_page(order: RepairOrder, status: int = 200, error: str | None = None, block: str | None = None):
    project = current_project()
    me = actor()
    allowed = REPAIR.available(order.state, me.role)
    dispatch_form = DispatchForm(prefix="dispatch")
    reassign_form = ReassignForm(prefix="reassign")
    cancel_form = CancelForm(prefix="cancel")
    charge_form = ChargeChangeForm(prefix="charge", formdata=None)
    charge_form.charge_type.data = order.charge_type
    choices, loads = technician_choices(project, None)
    dispatch_form.technician.choices = choices
    reassign_form.technician.choices = choices
    return render("desk/order.html", block=block, order=order, events=history("repair_order", order.id),
                  deadlines=for_subject(order),
                  allowed=allowed, dispatch_form=dispatch_form, reassign_form=reassign_form,
                  cancel_form=cancel_form, charge_form=charge_form, consented=order.state in CONSENTED, loads=loads, error=error, status=status,
                  created=request.args.get("created"), job=job_summary(order),
                  correct_form=CorrectSheetForm(prefix="correct"), resident=_resident(order, block))


def _resident(order: RepairOrder, block: str | None) -> dict:
    # the link issued at intake is shown on the first whole page, and only there
    return resident_context(order, None if block and is_fragment_request() else take_fresh(order))


@prepared
def _summary_statements():
    """The order's visits, payment, invoice and refused offline actions: built once (database.prepared)."""
    order_id = bindparam("order_id")
    return (select(Visit).where(Visit.order_id == order_id).order_by(Visit.number),
            select(Payment).where(Payment.order_id == order_id),
            select(Invoice).where(Invoice.order_id == order_id),
            select(RefusedAction).where(RefusedAction.order_id == order_id).order_by(RefusedAction.id))


def job_summary(order: RepairOrder) -> dict:
    """What the technician recorded, for the desk: visits, quote, payment, the signed sheet."""
    visits, payment, invoice, refused = _summary_statements()
    key = {"order_id": order.id}
    return {
        "visits": db.session.scalars(visits, key).all(),
        "quote": quoting.accepted_quote(order),
        "payment": db.session.scalar(payment, key),
        "invoice": db.session.scalar(invoice, key),
        "sheet": dispatch_sheet.latest_sheet(order),
        "photos": by_kind(photos_of(order)),
        "refused": db.session.scalars(refused, key).all(),
    }

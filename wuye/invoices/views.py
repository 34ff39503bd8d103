"""The front desk's invoice queue (发票): record the number of each requested invoice, and see which
issued ones the technicians still have to take to the customer."""
from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..htmx import is_fragment_request, redirect_to, render
from ..models import RepairOrder
from ..models.job import Invoice
from ..numbers import arg_id
from ..permissions import roles
from ..services import DomainError
from ..services.repairs import invoices as queue
from ..services.repairs.invoices import issue_invoice
from ..fees.forms import method_labels
from ..web import actor, current_project
from ..workflow.repair import DESK
from .forms import IssueInvoiceForm

bp = Blueprint("invoices", __name__, url_prefix="/desk/invoices")


@bp.app_context_processor
def _nav_count():
    """The nav badge: invoices waiting for a number, counted only when a desk page asks."""
    def invoices_to_issue() -> int:
        if not current_user.is_authenticated or current_user.role not in DESK or current_user.project_id is None:
            return 0
        return queue.to_issue_count(current_user.project_id)
    return {"invoices_to_issue": invoices_to_issue}


def _form(invoice_id: int, blank: bool = False) -> IssueInvoiceForm:
    # one small form per row; the prefix keeps the rows' ids and names apart
    return IssueInvoiceForm(prefix=f"inv{invoice_id}", **({"formdata": None} if blank else {}))


def _page(status: int = 200, posted: IssueInvoiceForm | None = None, posted_id: int | None = None,
          done: str | None = None, error: str | None = None):
    project = current_project()
    waiting = queue.to_issue(project.id)
    forms = {r.invoice.id: _form(r.invoice.id, blank=True) for r in waiting}
    focus = waiting[0].invoice.id if waiting else None  # the queue is work: the cursor waits in the first row
    if posted is not None and posted_id in forms:
        forms[posted_id] = posted
        if posted.errors:
            focus = posted_id
    return render("invoices/queue.html", block="queue", status=status, waiting=waiting,
                  delivering=queue.to_deliver(project.id), forms=forms, focus=focus, done=done,
                  error=error, count=len(waiting), methods=method_labels(), fragment=is_fragment_request())


def _done_message(invoice: Invoice) -> str:
    order = db.session.get(RepairOrder, invoice.order_id)
    return _("Invoice %(invoice)s recorded for %(number)s; %(technician)s was told to deliver it.",
             invoice=invoice.number, number=order.number,
             technician=order.technician.name if order.technician else "—")


@bp.route("")
@roles(DESK)
def index():
    # after a plain (no-JS) form post the browser lands here with ?issued=<id>
    issued = queue.in_project(current_project().id, arg_id(request.args, "issued") or 0)
    return _page(done=_done_message(issued) if issued is not None and issued.issued_at else None)


@bp.route("/<int:invoice_id>/issue", methods=["POST"])
@roles(DESK)
def issue(invoice_id: int):
    invoice = queue.in_project(current_project().id, invoice_id)
    if invoice is None:
        abort(404)
    form = _form(invoice_id)
    if not form.validate_on_submit():
        return _page(422, form, invoice_id)
    try:
        issued = issue_invoice(actor(), invoice, form.number.data)
    except DomainError as e:
        # already issued by a colleague, or refused: show the queue as it is now, with why
        db.session.rollback()
        return _page(422, form, invoice_id, error=e.message)
    if not is_fragment_request():
        return redirect_to(url_for("invoices.index", issued=issued.id))
    return _page(done=_done_message(issued))

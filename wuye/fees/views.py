"""Fees to the housing officer (房管员): the cash each technician holds, received order by order, and
the day's reconciliation. The technician's own view of the cash they hold lives here too (/tech/fees),
so the whole handover reads in one place."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now as clock_now
from ..extensions import db
from ..htmx import is_fragment_request, redirect_to, render
from ..i18n import day_bounds_utc, local_day
from ..models import Role
from ..permissions import roles
from ..services import DomainError
from ..services.repairs import fees
from ..web import actor, current_project
from .forms import HandoverForm, method_labels

bp = Blueprint("fees", __name__)


@bp.app_context_processor
def _nav_count():
    def cash_to_receive() -> int:
        if not current_user.is_authenticated or current_user.role != Role.HOUSING_OFFICER \
                or current_user.project_id is None:
            return 0
        return fees.held_count(current_user.project_id)
    return {"cash_to_receive": cash_to_receive}


def _form(payment_id: int, blank: bool = False) -> HandoverForm:
    return HandoverForm(prefix=f"p{payment_id}", **({"formdata": None} if blank else {}))


def _today(project) -> date:
    return local_day(clock_now(), project.timezone)


def _pending_page(status: int = 200, posted: HandoverForm | None = None, posted_id: int | None = None,
                  done: fees.HandoverRow | None = None, error: str | None = None):
    project = current_project()
    groups = fees.held_by_technician(project.id)
    forms = {i.payment.id: _form(i.payment.id, blank=True) for g in groups for i in g.items}
    focus = next(iter(forms), None)
    if done is not None:  # the officer counts one technician's cash at a time: go on with the same one
        same = [i for g in groups if g.technician.id == done.technician.id for i in g.items]
        focus = same[0].payment.id if same else focus
    if posted is not None and posted_id in forms:
        forms[posted_id] = posted
        if error:  # the payment is still pending: the refusal belongs on its row
            posted.note.errors = [*posted.note.errors, error]
            error = None
        focus = posted_id if (posted.received.errors or posted.note.errors) else focus
    start, end = day_bounds_utc(_today(project), project.timezone)
    return render("fees/index.html", block="handovers", status=status, groups=groups, forms=forms, done=done,
                  error=error, received_today=list(reversed(fees.handovers(project.id, start, end))), focus=focus,
                  count=sum(len(g.items) for g in groups), fragment=is_fragment_request())


@bp.route("/fees/")
@roles(Role.HOUSING_OFFICER)
def index():
    # after a plain (no-JS) post the browser lands here with ?received=<handover id>
    received = request.args.get("received", type=int)
    return _pending_page(done=fees.handover_row(current_project().id, received) if received else None)


@bp.route("/fees/payments/<int:payment_id>/confirm", methods=["POST"])
@roles(Role.HOUSING_OFFICER)
def confirm(payment_id: int):
    payment = fees.pending_payment(current_project().id, payment_id)
    if payment is None:
        abort(404)
    form = _form(payment_id)
    if not form.validate_on_submit():
        return _pending_page(422, form, payment_id)
    try:
        handover = fees.receive(actor(), payment, form.fen, form.note.data)
    except DomainError as e:
        db.session.rollback()
        return _pending_page(422, form, payment_id, error=e.message)
    if not is_fragment_request():
        return redirect_to(url_for("fees.index", received=handover.id))
    return _pending_page(done=fees.handover_row(handover.project_id, handover.id))


@bp.route("/fees/daily")
@roles(Role.HOUSING_OFFICER)
def daily():
    project = current_project()
    today, status, error = _today(project), 200, None
    day = today
    raw = (request.args.get("day") or "").strip()
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            status, error = 422, _("“%(day)s” is not a date like 2026-11-27; showing today.", day=raw[:20])
    if day > today:
        status, error, day = 422, _("That day has not come yet; showing today."), today
    return render("fees/daily.html", status=status, error=error, rec=fees.reconcile(project.id, day, project.timezone),
                  day=day, today=today, previous=day - timedelta(days=1),
                  following=day + timedelta(days=1) if day < today else None, methods=method_labels())


@bp.route("/tech/fees")
@roles(Role.TECHNICIAN)
def held():
    """The technician's side: the cash I hold, per order, and what I handed over lately."""
    project = current_project()
    return render("fees/held.html", cash=fees.held_by(project.id, current_user.id),
                  recent=fees.recent_handovers(project.id, current_user.id))

"""The desk's side of the resident: the private link, the 服务单 results, 回访 and time requests.

A link's token is shown once, in the answer that issued it (see services/residents/link.py). After
intake the new token waits in the clerk's own session for the order page, which takes it out on
first show; nothing else keeps it.
"""
from __future__ import annotations

from flask import abort, request, url_for
from sqlalchemy import select

from ..extensions import db
from ..htmx import add_trigger, is_fragment_request, redirect_to, render
from ..models import AppointmentRequest, RepairOrder
from ..permissions import roles
from ..services import DomainError
from ..services.residents import appointments
from ..services.residents import link as links
from ..services.residents import service_form as feedback
from ..web import actor, current_project
from ..workflow.repair import DESK
from .common import bp, order_or_404
from .order_page import order_page
from .resident_card import (AnswerForm, LinkForm, ReturnVisitForm, remember_fresh, resident_context)



def _card(order: RepairOrder, token: str | None = None, error: str | None = None, status: int = 200):
    if not is_fragment_request():  # without htmx: the whole page, the error with the other actions
        return order_page(order, status=status, error=error)
    return render("desk/order.html", block="resident", order=order, resident=resident_context(order, token, error),
                  status=status)


def _link_action(number: str, apply):
    order = order_or_404(number)
    if not LinkForm().validate_on_submit():
        abort(400)
    try:
        token = apply(order)
    except DomainError as e:
        db.session.rollback()
        return _card(order, error=e.message, status=e.status)
    if not request.htmx:
        if token:
            remember_fresh(order, token)
        return redirect_to(url_for("desk.order", number=number))
    return _card(order, token=token)


@bp.route("/repairs/<number>/resident-links", methods=["POST"])
@roles(DESK)
def issue_link(number: str):
    return _link_action(number, lambda o: links.issue_link(actor(), o)[1])


@bp.route("/repairs/<number>/resident-links/reissue", methods=["POST"])
@roles(DESK)
def reissue_link(number: str):
    return _link_action(number, lambda o: links.reissue(actor(), o)[1])


@bp.route("/repairs/<number>/resident-links/<int:link_id>/revoke", methods=["POST"])
@roles(DESK)
def revoke_link(number: str, link_id: int):
    return _link_action(number, lambda o: links.revoke_link(actor(), o, link_id) and None)


def _request_or_404(request_id: int) -> AppointmentRequest:
    req = db.session.get(AppointmentRequest, request_id)
    if req is None or req.project_id != current_project().id:
        abort(404)
    return req


def _after(order_id: int):
    """Back where the desk acted: the order page or the return-visit list."""
    order = db.session.get(RepairOrder, order_id)
    if request.form.get("back") == "list":
        return redirect_to(url_for("desk.return_visits"))
    return add_trigger(redirect_to(url_for("desk.order", number=order.number)), "order-changed", order.number)


@bp.route("/appointment-requests/<int:request_id>", methods=["POST"])
@roles(DESK)
def answer_request(request_id: int):
    req = _request_or_404(request_id)
    form = AnswerForm(prefix="answer")
    if not form.validate_on_submit():
        return _list(status=422, error="; ".join(str(m) for errs in form.errors.values() for m in errs))
    try:
        appointments.answer_request(actor(), req, form.decision.data == "accept", form.note.data or "")
    except DomainError as e:
        db.session.rollback()
        return _list(status=e.status, error=e.message)
    return _after(req.order_id)


@bp.route("/return-visits/<int:visit_id>/done", methods=["POST"])
@roles(DESK)
def return_visit_done(visit_id: int):
    form = ReturnVisitForm(prefix="visit")
    if not form.validate_on_submit():
        return _list(status=422, error="; ".join(str(m) for errs in form.errors.values() for m in errs))
    try:
        visit = feedback.complete_return_visit(actor(), visit_id, current_project().id, form.note.data)
    except DomainError as e:
        db.session.rollback()
        return _list(status=e.status, error=e.message)
    return _after(visit.order_id)


def _list(status: int = 200, error: str | None = None):
    project = current_project()
    open_visits = feedback.return_visits(project.id)
    done_visits = feedback.return_visits(project.id, done=True, limit=30)
    requests = appointments.open_requests(project.id)
    ids = {v.order_id for v in open_visits + done_visits} | {r.order_id for r in requests}
    orders = {o.id: o for o in db.session.scalars(select(RepairOrder).where(RepairOrder.id.in_(ids)))} if ids else {}
    return render("desk/return_visits.html", open_visits=open_visits, done_visits=done_visits, requests=requests,
                  orders=orders, forms=feedback.forms_by_order(list(orders)), error=error, status=status,
                  answer_form=AnswerForm(prefix="answer"), visit_form=ReturnVisitForm(prefix="visit"),
                  decline_reasons=feedback.DECLINE_REASONS)


@bp.route("/return-visits")
@roles(DESK)
def return_visits():
    """回访 for customer service: low scores to call back, and residents' requests for another time."""
    return _list()

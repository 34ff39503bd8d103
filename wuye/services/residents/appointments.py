"""The resident asks, on the private link, for another time; the desk accepts (the appointment and its
arrival deadline move, the resident gets an SMS) or refuses with a note the resident reads."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from ...clock import now as clock_now
from ...database import locked, prepared, transaction
from ...extensions import db
from ...models import AppointmentRequest, RepairOrder, ResidentLink
from ...workflow.repair import RepairState
from .. import Actor, DomainError
from ..audit import record
from .link import SUBJECT, _desk, can_request_change

S = RepairState

MAX_DAYS_AHEAD = 30


def request_change(link: ResidentLink, start: datetime, end: datetime, note: str, address: str) -> AppointmentRequest:
    """The resident asks for another time; the desk answers. The order itself does not change."""
    from ..notifications import notify
    note = (note or "").strip()[:500]
    at = clock_now()
    if end <= start or start <= at:
        raise DomainError(_("Choose a time window in the future."))
    if start > at + timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(_("Choose a day within the next %(days)d days.", days=MAX_DAYS_AHEAD))
    actor = Actor.resident(address)
    with transaction():
        order = locked(RepairOrder, link.order_id)
        if not can_request_change(order):
            raise DomainError(_("The appointment can no longer be moved here; please call the service desk."))
        if db.session.scalar(select(AppointmentRequest.id).where(AppointmentRequest.order_id == order.id,
                                                                 AppointmentRequest.state == "open")):
            raise DomainError(_("Your earlier request is still waiting for an answer."))
        req = AppointmentRequest(order_id=order.id, project_id=order.project_id, link_id=link.id,
                                 requested_start=start, requested_end=end, note=note, state="open", created_at=at)
        db.session.add(req)
        db.session.flush()
        record(actor, "appointment_request", SUBJECT, order.id, order.project_id, at=at, request=req.id,
               link=link.id, start=start, end=end, note=note)
        for user in {u.id: u for u in (order.created_by, order.dispatched_by) if u is not None}.values():
            notify(user, "appointment_requested", link=f"/desk/repairs/{order.number}", number=order.number)
    return req


def answer_request(actor: Actor, req: AppointmentRequest, accept: bool, note: str) -> AppointmentRequest:
    """Accept (the order's appointment and its arrival deadline move) or refuse with a note."""
    from ...models.job import Visit
    from ..deadlines import table as deadlines
    from ..notifications import notify
    _desk(actor)
    note = (note or "").strip()
    if not accept and not note:
        raise DomainError(_("Say why the time cannot be moved; the resident reads it."))
    at = clock_now()
    with transaction():
        order = locked(RepairOrder, req.order_id)
        req = locked(req)
        if req.state != "open":
            raise DomainError(_("This request has already been answered."))
        req.answered_at, req.answered_by_id, req.answer_note = at, actor.user.id, note or None
        if not accept:
            req.state = "refused"
            record(actor, "appointment_request_refuse", SUBJECT, order.id, order.project_id, at=at,
                   request=req.id, note=note)
            return req
        if not can_request_change(order):
            raise DomainError(_("The technician is already on the way; call the resident instead."))
        req.state = "accepted"
        previous = (order.appointment_start, order.appointment_end)
        order.appointment_start, order.appointment_end = req.requested_start, req.requested_end
        order.updated_at = at
        db.session.execute(update(Visit).where(Visit.order_id == order.id, Visit.arrived_at.is_(None))
                           .values(appointment_start=req.requested_start, appointment_end=req.requested_end))
        kind = "revisit_arrival" if order.state == S.SCHEDULED else "appointment_arrival"
        deadlines.open_deadline(order, kind, at, booked_at=req.requested_start, responsible_id=order.technician_id)
        record(actor, "appointment_request_accept", SUBJECT, order.id, order.project_id, at=at, request=req.id,
               start=req.requested_start, end=req.requested_end, previous_start=previous[0],
               previous_end=previous[1], note=note)
        if order.technician is not None:
            notify(order.technician, "appointment_changed", link=f"/tech/jobs/{order.number}",
                   number=order.number, start=req.requested_start.isoformat())
        from ..delivery.residents import appointment_moved
        appointment_moved(order)  # the time is shown in the project's zone when the SMS is sent
    return req


def open_requests(project_id: int) -> list[AppointmentRequest]:
    return list(db.session.scalars(select(AppointmentRequest).where(
        AppointmentRequest.project_id == project_id, AppointmentRequest.state == "open")
        .order_by(AppointmentRequest.requested_start)))


@prepared
def _requests_statement():
    return (select(AppointmentRequest).where(AppointmentRequest.order_id == bindparam("order_id"))
            .order_by(AppointmentRequest.id.desc()))


def requests_for(order: RepairOrder) -> list[AppointmentRequest]:
    return list(db.session.scalars(_requests_statement(), {"order_id": order.id}))

"""The front desk's part of the repair procedure (A1): intake, dispatch, reassign, cancel."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, select

from ...clock import now as clock_now
from ...database import locked, prepared, transaction
from ...extensions import db
from ...i18n import day_bounds_utc, local_day, when
from ...models import Project, RepairOrder, Role, Source, Unit, Urgency, User
from ...workflow.repair import INTAKE_ROLES, OPEN_STATES, REPAIR, RepairState
from .. import Actor, DomainError, InvalidInput, NotAllowed
from ..deadlines import table as deadlines
from ..audit import record
from ..notifications import notify
from ..numbering import repair_number
from ...numbers import get_by_id
from . import charging

SUBJECT = "repair_order"
CALL_TIME_SKEW = timedelta(minutes=1)  # a desk clock a little ahead of the server's is not "the future"


class CallTimeRefused(InvalidInput):
    """The time of the call is in the future, or further back than the project allows."""

    field = "called_at"


class FiledOverdue(DomainError):
    """An emergency whose 15-minute arrival deadline has already passed: the clerk must confirm."""

    field = "called_at"
    status = 422


@dataclass
class Intake:
    source: str
    unit_id: int
    contact_name: str
    contact_phone: str
    category: str
    description: str
    urgency: str
    called_at: datetime | None = None
    appointment_start: datetime | None = None
    appointment_end: datetime | None = None
    reported_by_id: int | None = None
    technician_id: int | None = None
    overdue_confirmed: bool = False  # the clerk saw that the emergency is filed already overdue
    charge_type: str | None = None  # None: the proposal (services/repairs/warranty.propose)
    charge_note: str | None = None  # why the clerk chose another type than the proposal
    sms_consent: bool | None = None  # the desk's decision; None: the stored consent of the contact with that number


def backdate_limit() -> timedelta:
    return timedelta(hours=current_app.config["WUYE_BACKDATE_HOURS"])


def check_call_time(called_at: datetime, at: datetime) -> None:
    """The call came in now or earlier, but not longer ago than WUYE_BACKDATE_HOURS."""
    if called_at > at + CALL_TIME_SKEW:
        raise CallTimeRefused(_("The time of the call cannot be in the future."))
    if called_at < at - backdate_limit():
        raise CallTimeRefused(_("The time of the call can be at most %(hours)d hours ago; check the date.",
                                hours=current_app.config["WUYE_BACKDATE_HOURS"]))


def overdue_at_intake(project: Project, urgency: str, called_at: datetime, at: datetime) -> datetime | None:
    """When an emergency's arrival deadline already passed at intake, the time it passed."""
    if urgency != Urgency.EMERGENCY:
        return None
    due = called_at + deadlines.rule_for(project.id, "emergency_arrival").length
    return due if due <= at else None


def _technician(project: Project, user_id: int) -> User:
    tech = get_by_id(User, user_id)
    if tech is None or tech.project_id != project.id or tech.role != Role.TECHNICIAN or not tech.active:
        raise DomainError(_("Choose an active technician of this project."))
    return tech


def _check_transition(order: RepairOrder, name: str, actor: Actor) -> None:
    if actor.role not in REPAIR.transitions[name].roles:
        raise NotAllowed(_("Your role may not do this."))
    if not REPAIR.allows(name, order.state, actor.role):
        raise DomainError(_("This order can no longer be changed this way; reload to see its state."))



def _dispatch_link(order: RepairOrder) -> str:
    return f"/tech/jobs/{order.number}"


def _do_dispatch(actor: Actor, order: RepairOrder, tech: User, at: datetime, at_intake: bool = False) -> None:
    order.state = REPAIR.target("dispatch")
    order.technician_id = tech.id
    order.dispatched_at = at
    order.dispatched_by_id = actor.user.id if actor.user else None
    record(actor, "dispatch", SUBJECT, order.id, order.project_id, at=at, technician=tech.name,
           technician_id=tech.id)
    deadlines.assign(order, tech.id)
    notify(tech, "repair_dispatched", link=_dispatch_link(order), number=order.number,
           unit=order.unit.label, category=order.category, urgency=order.urgency)
    from ..delivery.residents import appointment_confirmed
    appointment_confirmed(order, at_intake)  # an SMS with the agreed time, if the contact agreed to messages


def create_order(actor: Actor, project: Project, intake: Intake, *, now: datetime | None = None) -> RepairOrder:
    """Fill the 报修单; with a technician chosen, dispatch it in the same transaction."""
    if actor.role not in INTAKE_ROLES:
        raise NotAllowed(_("Your role may not take repair requests."))
    at = now or clock_now()
    with transaction():
        unit = get_by_id(Unit, intake.unit_id)
        if unit is None or unit.project_id != project.id:
            raise DomainError(_("Choose a unit of this project."))
        if intake.source == Source.STAFF:
            reporter = get_by_id(User, intake.reported_by_id or 0)
            if reporter is None or reporter.project_id != project.id:
                raise DomainError(_("Choose the employee who reported it."))
        called_at = intake.called_at or at
        check_call_time(called_at, at)
        overdue = overdue_at_intake(project, intake.urgency, called_at, at)
        if overdue is not None and not intake.overdue_confirmed:
            raise FiledOverdue(_("The call came in at %(called)s: the emergency arrival deadline passed at "
                                 "%(due)s, before the order is filed. Check the time of the call, or confirm "
                                 "to file it overdue.", called=when(called_at, "MM-dd HH:mm"),
                                 due=when(overdue, "MM-dd HH:mm")))
        if intake.urgency == Urgency.NORMAL:
            if intake.appointment_start is None or intake.appointment_end is None:
                raise DomainError(_("A normal repair needs the appointment agreed with the customer."))
            if intake.appointment_end <= intake.appointment_start:
                raise DomainError(_("The appointment must end after it starts."))
            if intake.appointment_end <= at:
                raise DomainError(_("The appointment is already over; agree a later time."))
        tech = _technician(project, intake.technician_id) if intake.technician_id else None
        order = RepairOrder(
            project_id=project.id,
            number=repair_number(project.id, local_day(at, project.timezone)),
            source=intake.source,
            reported_by_id=intake.reported_by_id if intake.source == Source.STAFF else None,
            unit=unit,
            unit_id=unit.id,
            contact_name=intake.contact_name.strip(),
            contact_phone=intake.contact_phone,
            category=intake.category,
            description=intake.description.strip(),
            urgency=intake.urgency,
            called_at=called_at,
            appointment_start=intake.appointment_start if intake.urgency == Urgency.NORMAL else None,
            appointment_end=intake.appointment_end if intake.urgency == Urgency.NORMAL else None,
            state=RepairState.NEW,
            created_by_id=actor.user.id,
            created_at=at,
            updated_at=at,
        )
        charging.apply_at_intake(order, unit, intake.charge_type, intake.charge_note)
        db.session.add(order)
        db.session.flush()
        record(actor, "create", SUBJECT, order.id, project.id, at=at, number=order.number, unit=unit.label,
               urgency=order.urgency, category=order.category, source=order.source,
               **({"filed_overdue": True} if overdue is not None else {}),
               charge_type=order.charge_type, charge_note=order.charge_note)
        from ..delivery import consent
        consent.decide_at_intake(actor, order, intake.sms_consent)
        if order.urgency == Urgency.EMERGENCY:
            deadlines.open_deadline(order, "emergency_arrival", order.called_at)
        else:
            deadlines.open_deadline(order, "appointment_arrival", at, booked_at=order.appointment_start)
        if tech is not None:
            _do_dispatch(actor, order, tech, at, at_intake=True)
    return order


def dispatch(actor: Actor, order: RepairOrder, technician_id: int, *, now: datetime | None = None) -> RepairOrder:
    with transaction():
        order = locked(order)
        _check_transition(order, "dispatch", actor)
        tech = _technician(order_project(order), technician_id)
        _do_dispatch(actor, order, tech, now or clock_now())
    return order


def reassign(actor: Actor, order: RepairOrder, technician_id: int, reason: str, *,
             now: datetime | None = None) -> RepairOrder:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for reassigning."))
    with transaction():
        order = locked(order)
        _check_transition(order, "reassign", actor)
        tech = _technician(order_project(order), technician_id)
        if tech.id == order.technician_id:
            raise DomainError(_("The job is already with this technician."))
        previous = order.technician
        at = now or clock_now()
        order.technician_id = tech.id
        order.dispatched_at = at
        order.dispatched_by_id = actor.user.id if actor.user else None
        record(actor, "reassign", SUBJECT, order.id, order.project_id, at=at, reason=reason,
               technician=tech.name, technician_id=tech.id,
               previous=previous.name if previous else None)
        deadlines.assign(order, tech.id)
        if previous is not None:
            notify(previous, "repair_reassigned_away", link="/tech/", number=order.number, reason=reason)
        notify(tech, "repair_dispatched", link=_dispatch_link(order), number=order.number,
               unit=order.unit.label, category=order.category, urgency=order.urgency)
    return order


def cancel(actor: Actor, order: RepairOrder, reason: str, *, now: datetime | None = None) -> RepairOrder:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for cancelling."))
    with transaction():
        order = locked(order)
        _check_transition(order, "cancel", actor)
        order.state = REPAIR.target("cancel")
        order.cancel_reason = reason
        order.updated_at = now or clock_now()
        order.closed_at = order.updated_at
        record(actor, "cancel", SUBJECT, order.id, order.project_id, at=order.updated_at, reason=reason)
        deadlines.close_for_subject(order, order.updated_at)
        if order.technician is not None:
            notify(order.technician, "repair_cancelled", link="/tech/", number=order.number, reason=reason)
    return order


def order_project(order: RepairOrder) -> Project:
    return db.session.get(Project, order.project_id)


@dataclass
class TechnicianLoad:
    user: User
    open_jobs: int
    today_appointments: int


def technician_loads(project: Project, *, now: datetime | None = None) -> list[TechnicianLoad]:
    """Each active technician with their open jobs and today's appointments, for dispatching."""
    start, end = day_bounds_utc(local_day(now or clock_now(), project.timezone), project.timezone)
    rows = db.session.execute(_loads_statement(), {"project_id": project.id, "start": start, "end": end}).all()
    return [TechnicianLoad(u, o, t) for u, o, t in rows]


@prepared
def _loads_statement():
    # counted per technician, so each count seeks the (project, technician, state) index for the few
    # open states instead of grouping a scan of the project's whole history (100,000 orders: 30 ms)
    project_id = bindparam("project_id")
    mine_open = and_(RepairOrder.project_id == project_id, RepairOrder.technician_id == User.id,
                     RepairOrder.state.in_(OPEN_STATES))
    open_jobs = select(func.count()).where(mine_open).correlate(User).scalar_subquery()
    today = (select(func.count()).where(mine_open, RepairOrder.appointment_start >= bindparam("start"),
                                        RepairOrder.appointment_start < bindparam("end")).correlate(User).scalar_subquery())
    return (select(User, open_jobs, today)
            .where(and_(User.project_id == project_id, User.role == Role.TECHNICIAN, User.active.is_(True)))
            .order_by(User.name))

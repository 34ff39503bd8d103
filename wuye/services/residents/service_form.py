"""服务单 (A2 quality record) and 回访: the resident rates the service, a low score calls for a
return visit by customer service.

The form opens when the order is completed, or declined (then it asks why). It is sent once and
may be changed for 24 hours; every send and change is an audit event on the order. A score of 2
or less on any question opens one return visit for the order, unless one is already open.
A form carries the version of the answers it was opened on: answers changed since (in another tab
or on another phone) are not replaced until the resident has seen them and sends again.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from ...clock import now as clock_now
from ...database import locked, prepared, transaction
from ...extensions import db
from ...models import RepairOrder, ResidentLink, ReturnVisit, Role, ServiceForm, User
from ...workflow.repair import DESK, RepairState
from .. import Actor, DomainError, InvalidInput, NotAllowed
from ..audit import record

SUBJECT = "repair_order"
CHANGE_WINDOW = timedelta(hours=24)
LOW_SCORE = 2  # this or less opens a return visit
QUESTIONS = ("overall", "timeliness", "attitude", "quality")
DECLINE_REASONS = {
    "price": _l("The price was too high"),
    "self": _l("I will repair it myself or ask someone else"),
    "time": _l("The timing did not suit me"),
    "other": _l("Another reason (see comments)"),
}
OPEN_FOR = frozenset({RepairState.COMPLETED, RepairState.DECLINED})


@dataclass
class Answers:
    overall: int | None
    timeliness: int | None
    attitude: int | None
    quality: int | None = None
    comments: str = ""
    declined_reason: str | None = None


def form_open(order: RepairOrder) -> bool:
    return order.state in OPEN_FOR


@prepared
def _form_statement():
    return select(ServiceForm).where(ServiceForm.order_id == bindparam("order_id"))


@prepared
def _return_visits_statement():
    return select(ReturnVisit).where(ReturnVisit.order_id == bindparam("order_id")).order_by(ReturnVisit.id)


def form_for(order: RepairOrder) -> ServiceForm | None:
    return db.session.scalar(_form_statement(), {"order_id": order.id})


def change_until(form: ServiceForm) -> datetime:
    return form.submitted_at + CHANGE_WINDOW


def can_change(form: ServiceForm, at: datetime | None = None) -> bool:
    return (at or clock_now()) < change_until(form)


def _checked(order: RepairOrder, a: Answers) -> Answers:
    declined = order.state == RepairState.DECLINED
    asked = QUESTIONS[:3] if declined else QUESTIONS
    for q in asked:
        value = getattr(a, q)
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise InvalidInput(_("Give every question a score from 1 to 5."))
    if declined and a.declined_reason not in DECLINE_REASONS:
        raise InvalidInput(_("Tell us why you declined the repair."))
    comments = (a.comments or "").strip()
    if len(comments) > 1000:
        raise InvalidInput(_("Comments are at most 1000 characters."))
    return Answers(a.overall, a.timeliness, a.attitude, None if declined else a.quality, comments,
                   a.declined_reason if declined else None)



def _values(form: ServiceForm) -> dict:
    return {q: getattr(form, q) for q in QUESTIONS} | {"declined_reason": form.declined_reason}


class StaleAnswers(DomainError):
    """The answers were changed since this form was opened: show them and ask before replacing."""


def version(form: ServiceForm | None) -> str:
    """The answers a form was opened on: "" before any, else a digest of what is stored."""
    if form is None:
        return ""
    stored = json.dumps([_values(form), form.comments or ""], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(stored.encode()).hexdigest()[:16]


def _check_seen(form: ServiceForm | None, seen: str | None) -> None:
    if seen is not None and seen != version(form):
        raise StaleAnswers(_("Your answers were changed meanwhile, in another window or on another phone. "
                             "Below are the answers saved now, then yours: send again to replace them."))


def submit(link: ResidentLink, answers: Answers, address: str, *, seen: str | None = None) -> ServiceForm:
    """The resident sends the 服务单, once. `seen`: the version the form was opened on."""
    actor = Actor.resident(address)
    with transaction():
        order = locked(RepairOrder, link.order_id)
        if not form_open(order):
            raise DomainError(_("The service form opens when the work is completed."))
        if form_for(order) is not None:
            _check_seen(form_for(order), seen)
            raise DomainError(_("You have already sent the service form; you may change it for 24 hours."))
        a = _checked(order, answers)
        at = clock_now()
        form = ServiceForm(order_id=order.id, project_id=order.project_id, link_id=link.id, overall=a.overall,
                           timeliness=a.timeliness, attitude=a.attitude, quality=a.quality, comments=a.comments,
                           declined_reason=a.declined_reason, submitted_at=at, updated_at=at)
        db.session.add(form)
        db.session.flush()
        record(actor, "service_form_submit", SUBJECT, order.id, order.project_id, at=at, link=link.id,
               comments=a.comments[:200], **_values(form))
        _return_visit_if_low(actor, order, form, at)
    return form


def change(link: ResidentLink, answers: Answers, address: str, *, seen: str | None = None) -> ServiceForm:
    """The resident changes the 服务单 within 24 hours of sending it, over the version `seen`."""
    actor = Actor.resident(address)
    with transaction():
        order = locked(RepairOrder, link.order_id)
        form = form_for(order)
        if form is None:
            raise DomainError(_("There is no service form to change yet."))
        at = clock_now()
        if not can_change(form, at):
            raise DomainError(_("The service form can be changed for 24 hours after sending it; that time is over."))
        _check_seen(form, seen)
        a = _checked(order, answers)
        previous = _values(form)
        form.overall, form.timeliness, form.attitude, form.quality = a.overall, a.timeliness, a.attitude, a.quality
        form.comments, form.declined_reason, form.updated_at = a.comments, a.declined_reason, at
        record(actor, "service_form_change", SUBJECT, order.id, order.project_id, at=at, link=link.id,
               previous=previous, comments=a.comments[:200], **_values(form))
        _return_visit_if_low(actor, order, form, at)
    return form


def _return_visit_if_low(actor: Actor, order: RepairOrder, form: ServiceForm, at: datetime) -> None:
    from ..notifications import notify
    if form.lowest > LOW_SCORE or open_return_visit(order) is not None:
        return
    visit = ReturnVisit(order_id=order.id, project_id=order.project_id, reason="low_score", score=form.lowest,
                        opened_at=at)
    db.session.add(visit)
    db.session.flush()
    record(actor, "return_visit_open", SUBJECT, order.id, order.project_id, at=at, return_visit=visit.id,
           score=form.lowest)
    supervisors = db.session.scalars(select(User).where(
        User.project_id == order.project_id, User.role == Role.CS_SUPERVISOR, User.active.is_(True)))
    for user in supervisors:
        notify(user, "return_visit_opened", link="/desk/return-visits", number=order.number, score=form.lowest)


def open_return_visit(order: RepairOrder) -> ReturnVisit | None:
    return db.session.scalar(select(ReturnVisit).where(ReturnVisit.order_id == order.id,
                                                       ReturnVisit.done_at.is_(None)))


def complete_return_visit(actor: Actor, visit_id: int, project_id: int, note: str) -> ReturnVisit:
    """Customer service called the resident back; the note says what was said and done."""
    if actor.role not in DESK:
        raise NotAllowed(_("Your role may not do this."))
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Note what the resident said and what was done."))
    with transaction():
        visit = locked(ReturnVisit, visit_id)
        if visit is None or visit.project_id != project_id:
            raise DomainError(_("No such return visit."))
        if visit.done_at is not None:
            raise DomainError(_("This return visit is already done."))
        visit.done_at, visit.done_by_id, visit.note = clock_now(), actor.user.id, note[:2000]
        record(actor, "return_visit_done", SUBJECT, visit.order_id, visit.project_id, at=visit.done_at,
               return_visit=visit.id, note=note[:200])
    return visit


def return_visits(project_id: int, done: bool = False, limit: int = 100) -> list[ReturnVisit]:
    q = select(ReturnVisit).where(ReturnVisit.project_id == project_id)
    q = q.where(ReturnVisit.done_at.is_not(None) if done else ReturnVisit.done_at.is_(None))
    return list(db.session.scalars(q.order_by(ReturnVisit.id.desc() if done else ReturnVisit.id).limit(limit)))


def return_visits_for(order: RepairOrder) -> list[ReturnVisit]:
    return list(db.session.scalars(_return_visits_statement(), {"order_id": order.id}))


def forms_by_order(order_ids: list[int]) -> dict[int, ServiceForm]:
    """The board's feedback column, in one query."""
    if not order_ids:
        return {}
    return {f.order_id: f for f in db.session.scalars(select(ServiceForm).where(ServiceForm.order_id.in_(order_ids)))}

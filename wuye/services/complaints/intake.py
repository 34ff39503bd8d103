"""The complaint procedure (DOMAIN.md B), one function per decision: here the intake by any
employee (B2), repeat detection, 越权上报 and closing, with what every step shares.

Each function is one transaction: the complaint changes, its audit event, its deadlines (B5, from
the one table in `deadlines.py`) and the notices to the people concerned. Registration and
classification (B3, B4) are in `complaint_classification.py`; the record itself — cause,
corrective actions, penalty, result, answer — in `complaint_record.py`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from ...clock import now as clock_now
from ...database import locked, transaction
from ...extensions import db
from ...i18n import local_day
from ...models import Complaint, ComplaintEscalation, CorrectiveAction, Deadline, Project, Unit, User
from ...models.complaint_codes import ActionState, Channel, RepeatStatus, Satisfaction, Topic, Validity
from ...phone import normalize_phone
from ...workflow.complaint import COMPLAINT, CS, EMPLOYEES, MANAGERS, OPEN_STATES, ComplaintState
from .. import Actor, DomainError, InvalidInput, NotAllowed, times
from ..audit import record
from ..deadlines import table as deadlines
from ..delivery import consent
from ..notifications import notify
from ..numbering import complaint_number
from .access import can_see, object_allows, superior_of

SUBJECT = "complaint"
S = ComplaintState


# ---- common -------------------------------------------------------------------------------

def link(c: Complaint) -> str:
    return f"/complaints/{c.number}"



def check(c: Complaint, step: str, actor: Actor, action: CorrectiveAction | None = None) -> None:
    t = COMPLAINT.transitions[step]
    if actor.user is None or actor.role not in t.roles or not can_see(actor.user, c):
        raise NotAllowed(_("Your role may not do this."))
    if c.state not in t.sources:
        raise DomainError(_("This complaint can no longer be changed this way; reload to see its state."))
    if not object_allows(step, actor.user, c, action):
        raise NotAllowed(_("This is not yours to do on this complaint."))


def text(value: str | None, message: str, limit: int = 4000) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    if len(value) > limit:
        raise InvalidInput(_("Keep it under %(n)d characters.", n=limit))
    return value


def happened(c: Complaint, at: datetime | None, now: datetime) -> datetime:
    """When something told to us happened: not in the future, not before the complaint came in."""
    return times.happened(at, now, not_before=c.received_at, future=_("That time is in the future."),
                          too_early=_("That time is before the complaint was received."))


def people(project_id: int, *roles: str) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.project_id == project_id, User.role.in_(roles), User.active.is_(True)).order_by(User.id)))


def tell(users, kind: str, c: Complaint, actor: Actor | None = None, **params) -> list[User]:
    """Notify each user once, never the actor themselves."""
    told: dict[int, User] = {}
    for u in users:
        if u is None or not u.active or u.id in told or (actor and actor.user and u.id == actor.user.id):
            continue
        told[u.id] = u
        notify(u, kind, link=link(c), number=c.number, unit=c.unit.label if c.unit else "", **params)
    return list(told.values())


def _running(c: Complaint, kind: str) -> Deadline | None:
    return db.session.scalar(select(Deadline).where(
        Deadline.subject_type == SUBJECT, Deadline.subject_id == c.id, Deadline.kind == kind,
        Deadline.met_at.is_(None), Deadline.closed_at.is_(None)))


def sync_serious_deadline(c: Complaint, at: datetime) -> None:
    """B5: a serious complaint has a handling result within 48 hours of its receipt. It runs while
    the complaint is serious, not judged invalid and without a result."""
    wanted = c.serious and c.validity != Validity.INVALID and c.result_at is None and c.state in OPEN_STATES
    running = _running(c, "serious_result")
    if wanted and running is None:
        deadlines.open_deadline(c, "serious_result", c.received_at, responsible_id=c.handler_id or c.registered_by_id)
    elif not wanted and running is not None:
        deadlines.close_for_subject(c, at, kinds=["serious_result"])


def record_complete(c: Complaint) -> bool:
    """The 顾客投诉处理记录表 as B5 wants it within 3 days of a valid judgement: cause and
    responsibility analysed, corrective actions set, and for a serious complaint the on-site
    inspection recorded."""
    return bool(c.cause and c.responsibility and c.actions and (not c.serious or c.inspected_at))


# ---- B2: intake, by any employee ----------------------------------------------------------

@dataclass
class Intake:
    channel: str
    complainant_name: str
    content: str
    complainant_phone: str = ""
    unit_id: int | None = None
    topic: str | None = None
    received_at: datetime | None = None
    solved_on_spot: bool = False
    spot_action: str = ""
    sms_consent: bool | None = None  # the complainant agrees to the reply by SMS; None: the stored consent


def take(actor: Actor, project: Project, intake: Intake, *, now: datetime | None = None) -> Complaint:
    """Any employee takes a complaint: solved on the spot, or forwarded to customer service.
    Either way CS and the employee's direct superior are told (B1(1), B2 1)–2))."""
    if actor.user is None or actor.role not in EMPLOYEES or actor.user.project_id != project.id:
        raise NotAllowed(_("Only an employee of this project may take a complaint here."))
    at = now or clock_now()
    if intake.channel not in set(Channel):
        raise InvalidInput(_("Choose how the complaint came in."))
    if intake.topic and intake.topic not in set(Topic):
        raise InvalidInput(_("Choose what the complaint is about from the list."))
    name = text(intake.complainant_name, _("Enter the complainant's name."), 50)
    content = text(intake.content, _("Write down what the complainant said."))
    phone = ""
    if intake.complainant_phone:
        phone = normalize_phone(intake.complainant_phone) or ""
        if not phone:
            raise InvalidInput(_("Not a Chinese mobile or landline number."))
    received_at = intake.received_at or at
    if received_at > at + times.MAX_CLOCK_SKEW:
        raise InvalidInput(_("The time the complaint came in cannot be in the future."))
    spot = (intake.spot_action or "").strip()
    if intake.solved_on_spot and not spot:
        raise InvalidInput(_("Write down what was done on the spot."))
    with transaction():
        unit = None
        if intake.unit_id:
            unit = db.session.get(Unit, intake.unit_id)
            if unit is None or unit.project_id != project.id:
                raise InvalidInput(_("Choose a unit of this project."))
        if unit is None and not phone:
            raise InvalidInput(_("Give the unit or a phone number: every complaint gets an answer."))
        c = Complaint(
            project_id=project.id, number=complaint_number(project.id, local_day(at, project.timezone)),
            state=S.RECEIVED, channel=intake.channel, unit_id=unit.id if unit else None, unit=unit,
            complainant_name=name, complainant_phone=phone, topic=intake.topic or None, content=content,
            received_at=min(received_at, at), received_by_id=actor.user.id, solved_on_spot=intake.solved_on_spot,
            spot_action=spot or None, criteria=[], created_at=at, updated_at=at)
        db.session.add(c)
        db.session.flush()
        record(actor, "take", SUBJECT, c.id, project.id, at=at, number=c.number, channel=c.channel,
               unit=unit.label if unit else None, solved_on_spot=c.solved_on_spot, spot_action=c.spot_action)
        consent.decide_for_complaint(actor, c, intake.sms_consent)
        by = actor.user.name
        cs = people(project.id, *CS)
        boss = superior_of(actor.user)
        if c.solved_on_spot:
            tell(cs + [boss], "complaint_solved_on_spot", c, actor, by=by, action=spot[:200])
        else:
            tell(cs, "complaint_received", c, actor, by=by)
            tell([boss], "complaint_reported", c, actor, by=by)
        detect_repeat(actor, c, at)
    return c


# ---- repeat detection (B3 严重投诉 5)) -----------------------------------------------------

def repeat_window() -> timedelta:
    return timedelta(days=int(current_app.config.get("WUYE_COMPLAINT_REPEAT_DAYS", 30)))


def earlier_complaints(c: Complaint) -> list[Complaint]:
    """Complaints of the same household (unit) within the window before this one, whatever they
    were about (短时间内业户重复投诉: the household complains again), that are still open, or whose
    corrective action failed, or whose complainant was not satisfied."""
    if c.unit_id is None:
        return []
    failed = select(CorrectiveAction.complaint_id).where(CorrectiveAction.failed_checks > 0)
    return list(db.session.scalars(
        select(Complaint).where(
            Complaint.project_id == c.project_id, Complaint.unit_id == c.unit_id,
            Complaint.id != c.id, Complaint.received_at >= c.received_at - repeat_window(),
            Complaint.received_at <= c.received_at,
            or_(Complaint.state != S.CLOSED, Complaint.id.in_(failed),
                Complaint.satisfaction == Satisfaction.DISSATISFIED))
        .order_by(Complaint.received_at)))


def detect_repeat(actor: Actor, c: Complaint, at: datetime) -> None:
    if c.repeat_status is not None:
        return
    found = earlier_complaints(c)
    if not found:
        return
    c.earlier = found
    c.repeat_status = RepeatStatus.SUGGESTED
    record(deadlines.SYSTEM, "repeat_suggested", SUBJECT, c.id, c.project_id, at=at,
           earlier=[e.number for e in found])
    tell(people(c.project_id, *CS), "complaint_repeat", c, actor,
         earlier=", ".join(e.number for e in found))


def escalate(actor: Actor, c: Complaint, to_role: str, reason: str, *,
             now: datetime | None = None) -> ComplaintEscalation:
    """越权上报: the employee who took the complaint finds it not handled in time and goes past
    their superior, to the CS supervisor or the project manager."""
    reason = text(reason, _("Say what has not been handled."), 1000)
    if to_role not in MANAGERS:
        raise InvalidInput(_("Escalate to the customer service supervisor or the project manager."))
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "escalate", actor)
        if actor.role == to_role:
            raise InvalidInput(_("That is your own role: escalate to the level above."))
        to = people(c.project_id, to_role)
        if not to:
            raise DomainError(_("Nobody holds that role in this project."))
        e = ComplaintEscalation(complaint_id=c.id, at=at, to_role=to_role, reason=reason, by_id=actor.user.id)
        db.session.add(e)
        c.updated_at = at
        record(actor, "escalate", SUBJECT, c.id, c.project_id, at=at, to_role=to_role, reason=reason,
               notified=[u.name for u in to])
        from ..delivery.robot import responsible_department
        tell(to, "complaint_escalated", c, actor, by=actor.user.name, reason=reason[:200],
             department=responsible_department(c))
    return e


# ---- closing and management review ------------------------------------------------------

def close_on_spot(actor: Actor, c: Complaint, note: str, *, now: datetime | None = None) -> Complaint:
    """CS confirms that a complaint solved on the spot needs nothing more, and closes it."""
    at = now or clock_now()
    note = text(note, _("Say how the solution on the spot was confirmed."), 1000)
    with transaction():
        c = locked(c)
        check(c, "close_on_spot", actor)
        if c.registered_at is None:
            c.registered_at, c.registered_by_id = at, actor.user.id
        _close(actor, c, at, note, "close_on_spot")
    return c


def close_problems(c: Complaint) -> list[str]:
    """What still stands between an answered complaint and its closing."""
    out = []
    if c.replied_at is None:
        out.append(_("The answer to the complainant is not recorded."))
    if c.validity == Validity.VALID:
        if not c.actions:
            out.append(_("A valid complaint needs its corrective action in the system."))
        pending = [a for a in c.actions if a.state != ActionState.EFFECTIVE]
        if pending:
            out.append(_("Corrective actions not yet checked as effective: %(list)s",
                         list=", ".join(f"#{a.seq}" for a in pending)))
    return out


def close(actor: Actor, c: Complaint, note: str = "", *, now: datetime | None = None) -> Complaint:
    """事事有着落，件件有回音: closed once answered and every corrective action checked."""
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "close", actor)
        problems = close_problems(c)
        if problems:
            raise DomainError(" ".join(problems))
        _close(actor, c, at, (note or "").strip()[:1000] or None, "close")
    return c


def _close(actor: Actor, c: Complaint, at: datetime, note: str | None, action: str) -> None:
    c.state = S.CLOSED
    c.closed_at, c.closed_by_id, c.close_note, c.updated_at = at, actor.user.id, note, at
    deadlines.close_for_subject(c, at)
    for a in c.actions:
        deadlines.close_for_subject(a, at)
    record(actor, action, SUBJECT, c.id, c.project_id, at=at, note=note)
    tell([c.received_by, c.handler], "complaint_closed", c, actor)

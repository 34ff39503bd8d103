"""顾客投诉处理记录表 and the handling of a complaint (DOMAIN.md B5), one function per decision:
cause and responsibility, the responsible person's confirmation, the on-site inspection of a
serious complaint, corrective actions (set, done, checked by CS), the penalty decision, the
handling result, contacts with the complainant and the answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...clock import now as clock_now
from ...database import locked, transaction
from ...extensions import db
from ...models import Complaint, ComplaintContact, CorrectiveAction, Department, Role, User
from ...models.complaint_codes import ActionState, ContactChannel, ContactPurpose, Satisfaction, Validity
from .. import Actor, DomainError, InvalidInput
from ..deadlines import table as deadlines
from ..audit import record
from ...workflow.complaint import COMPLAINT, CS
from .intake import SUBJECT, check, happened, people, record_complete, tell, text


def _meet_record(c: Complaint, at: datetime) -> None:
    """The valid complaint's 3-day record deadline is met once the record is complete."""
    db.session.flush()
    db.session.refresh(c, ["actions"])
    if record_complete(c):
        deadlines.meet(c, "record_complete", at)


# ---- cause, responsibility, confirmation, inspection ---------------------------------------

@dataclass
class Findings:
    cause: str
    responsibility: str
    responsible_department_id: int | None = None
    responsible_user_id: int | None = None


def fill_record(actor: Actor, c: Complaint, f: Findings, *, now: datetime | None = None) -> Complaint:
    """原因和责任: the investigation's findings, and who is responsible."""
    cause = text(f.cause, _("Analyse the cause."))
    responsibility = text(f.responsibility, _("State the responsibility."))
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "fill_record", actor)
        dept = None
        if f.responsible_department_id:
            dept = db.session.get(Department, f.responsible_department_id)
            if dept is None or dept.project_id != c.project_id:
                raise InvalidInput(_("Choose a department of this project."))
        person = None
        if f.responsible_user_id:
            person = db.session.get(User, f.responsible_user_id)
            if person is None or person.project_id != c.project_id or not person.active:
                raise InvalidInput(_("Choose an active employee of this project."))
        changed_person = (person.id if person else None) != c.responsible_user_id
        c.cause, c.responsibility = cause, responsibility
        c.responsible_department_id = dept.id if dept else None
        c.responsible_user_id = person.id if person else None
        c.recorded_at, c.recorded_by_id, c.updated_at = at, actor.user.id, at
        if changed_person or c.confirmed_at is not None:
            # a changed finding needs confirming again
            c.confirmed_at = c.confirmed_by_id = c.confirmation_note = None
        record(actor, "record", SUBJECT, c.id, c.project_id, at=at, cause=cause, responsibility=responsibility,
               department=dept.name if dept else None, person=person.name if person else None)
        if person is not None:
            tell([person], "complaint_confirm", c, actor)
        _meet_record(c, at)
    return c


def confirm(actor: Actor, c: Complaint, note: str = "", *, now: datetime | None = None) -> Complaint:
    """请相关责任人进行确认: the responsible person confirms the findings themselves, or the
    recorder notes that they confirmed in person (say how)."""
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "confirm", actor)
        if c.confirmed_at is not None:
            raise DomainError(_("The findings are already confirmed."))
        self_confirm = c.responsible_user_id == actor.user.id
        note = (note or "").strip()[:1000]
        if not self_confirm and not note:
            raise InvalidInput(_("Say how the responsible person confirmed (e.g. signed the printed record)."))
        c.confirmed_at, c.confirmed_by_id, c.confirmation_note, c.updated_at = at, actor.user.id, note or None, at
        record(actor, "confirm", SUBJECT, c.id, c.project_id, at=at, note=note or None, in_person=self_confirm)
    return c


@dataclass
class Inspection:
    at: datetime | None
    participants: str
    findings: str


def inspect(actor: Actor, c: Complaint, i: Inspection, *, now: datetime | None = None) -> Complaint:
    """严重投诉: the CS manager leads the people concerned to the site and records what they saw."""
    participants = text(i.participants, _("Name who went to the site."), 500)
    findings = text(i.findings, _("Record what was found on site."))
    now = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "inspect", actor)
        at = happened(c, i.at, now)
        c.inspected_at, c.inspection_by_id = at, actor.user.id
        c.inspection_participants, c.inspection_findings, c.updated_at = participants, findings, now
        record(actor, "inspect", SUBJECT, c.id, c.project_id, at=now, inspected_at=at, participants=participants,
               findings=findings)
        _meet_record(c, now)
    return c


# ---- corrective actions -------------------------------------------------------------------

def set_action(actor: Actor, c: Complaint, description: str, owner_id: int, due_at: datetime, *,
               now: datetime | None = None) -> CorrectiveAction:
    """由责任人制定纠正措施: what, by whom, by when. Its own deadline runs to the due date."""
    description = text(description, _("Describe the corrective action."), 2000)
    at = now or clock_now()
    if due_at is None or due_at <= at:
        raise InvalidInput(_("The due date must be in the future."))
    with transaction():
        c = locked(c)
        check(c, "set_action", actor)
        owner = db.session.get(User, owner_id or 0)
        if owner is None or owner.project_id != c.project_id or not owner.active:
            raise InvalidInput(_("Choose an active employee of this project as the owner."))
        seq = (db.session.scalar(select(func.max(CorrectiveAction.seq))
                                 .where(CorrectiveAction.complaint_id == c.id)) or 0) + 1
        a = CorrectiveAction(complaint_id=c.id, complaint=c, project_id=c.project_id, seq=seq,
                             description=description, owner_id=owner.id, due_at=due_at, state=ActionState.OPEN,
                             set_at=at, set_by_id=actor.user.id)
        db.session.add(a)
        db.session.flush()
        deadlines.open_deadline(a, "corrective_action", at, booked_at=due_at, responsible_id=owner.id)
        c.updated_at = at
        record(actor, "action_set", SUBJECT, c.id, c.project_id, at=at, seq=seq, description=description,
               owner=owner.name, due_at=due_at)
        tell([owner], "complaint_action_set", c, actor, seq=seq, what=description[:200], due=due_at.isoformat())
        _meet_record(c, at)
    return a


def _action(c: Complaint, action_id: int) -> CorrectiveAction:
    a = locked(CorrectiveAction, action_id)
    if a is None or a.complaint_id != c.id:
        raise InvalidInput(_("No such corrective action on this complaint."))
    return a


def action_done(actor: Actor, c: Complaint, action_id: int, note: str, *, at: datetime | None = None,
                now: datetime | None = None) -> CorrectiveAction:
    """The owner reports the action done; customer service then checks it."""
    note = text(note, _("Say what was done."), 2000)
    now = now or clock_now()
    with transaction():
        c = locked(c)
        a = _action(c, action_id)
        check(c, "action_done", actor, a)
        done_at = happened(c, at, now)
        a.state, a.done_at, a.done_by_id, a.done_note = ActionState.DONE, done_at, actor.user.id, note
        deadlines.meet(a, "action_done", done_at)
        c.updated_at = now
        record(actor, "action_done", SUBJECT, c.id, c.project_id, at=now, seq=a.seq, note=note, done_at=done_at)
        checkers = [c.registered_by] if c.registered_by else people(c.project_id, *CS)
        tell(checkers, "complaint_action_done", c, actor, seq=a.seq)
    return a


def verify_action(actor: Actor, c: Complaint, action_id: int, effective: bool, note: str = "",
                  new_due_at: datetime | None = None, *, now: datetime | None = None) -> CorrectiveAction:
    """客服部对纠正措施进行跟踪检查: effective, or not — then it is done again by a new due date."""
    at = now or clock_now()
    note = (note or "").strip()[:2000]
    if not effective:
        note = text(note, _("Say why the action is not effective."), 2000)
        if new_due_at is None or new_due_at <= at:
            raise InvalidInput(_("Set a new due date in the future."))
    with transaction():
        c = locked(c)
        a = _action(c, action_id)
        check(c, "verify_action", actor)
        if a.state != ActionState.DONE:
            raise DomainError(_("Only an action reported done can be checked."))
        a.verified_at, a.verified_by_id, a.verification_note = at, actor.user.id, note or None
        if effective:
            a.state = ActionState.EFFECTIVE
        else:
            a.state, a.failed_checks, a.due_at = ActionState.INEFFECTIVE, a.failed_checks + 1, new_due_at
            a.done_at = a.done_by_id = None
            deadlines.open_deadline(a, "corrective_action", at, booked_at=new_due_at, responsible_id=a.owner_id)
            tell([a.owner], "complaint_action_ineffective", c, actor, seq=a.seq, note=note[:200],
                 due=new_due_at.isoformat())
        c.updated_at = at
        record(actor, "action_verified" if effective else "action_ineffective", SUBJECT, c.id, c.project_id, at=at,
               seq=a.seq, note=note or None, new_due_at=new_due_at if not effective else None)
    return a


# ---- penalty and result --------------------------------------------------------------------

def decide_penalty(actor: Actor, c: Complaint, decision: str, reference: str, *,
                   now: datetime | None = None) -> Complaint:
    """《员工考核及奖惩办法》: the department head's decision on the responsible person, as text with
    the rule it applies. No pay is computed here."""
    decision = text(decision, _("Write the decision (or that no penalty applies, and why)."), 2000)
    reference = text(reference, _("Name the rule applied, e.g. 《员工考核及奖惩办法》 article."), 200)
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "decide_penalty", actor)
        if not c.responsibility:
            raise DomainError(_("Record the responsibility before deciding a penalty."))
        c.penalty_decision, c.penalty_reference, c.penalty_at, c.penalty_by_id = decision, reference, at, actor.user.id
        c.updated_at = at
        record(actor, "penalty", SUBJECT, c.id, c.project_id, at=at, decision=decision, reference=reference)
    return c


def result_problems(c: Complaint) -> list[str]:
    out = []
    if not (c.cause and c.responsibility):
        out.append(_("Record the cause and the responsibility."))
    if not c.actions:
        out.append(_("Set at least one corrective action: a valid complaint's correction enters the system."))
    if c.serious and not c.inspected_at:
        out.append(_("A serious complaint needs the on-site inspection recorded."))
    return out


def record_result(actor: Actor, c: Complaint, result: str, *, now: datetime | None = None) -> Complaint:
    """处理结果: the handling is decided; customer service answers the complainant next."""
    result = text(result, _("Write the handling result."))
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "record_result", actor)
        problems = result_problems(c)
        if problems:
            raise DomainError(" ".join(problems))
        c.result, c.result_at, c.result_by_id, c.updated_at = result, at, actor.user.id, at
        c.state = COMPLAINT.target("record_result")
        deadlines.meet(c, "result_recorded", at)
        record(actor, "result", SUBJECT, c.id, c.project_id, at=at, result=result)
        tell([c.registered_by], "complaint_result", c, actor)
    return c


# ---- contacts with the complainant and the answer ---------------------------------------------

@dataclass
class Contact:
    at: datetime | None
    channel: str
    content: str
    purpose: str = ContactPurpose.PROGRESS


def _contact(actor: Actor, c: Complaint, k: Contact, purpose: str, now: datetime) -> ComplaintContact:
    if k.channel not in set(ContactChannel):
        raise InvalidInput(_("Choose how the complainant was contacted."))
    content = text(k.content, _("Write down what was said."), 2000)
    at = happened(c, k.at, now)
    contact = ComplaintContact(complaint_id=c.id, at=at, channel=k.channel, purpose=purpose, content=content,
                               by_id=actor.user.id, recorded_at=now)
    db.session.add(contact)
    deadlines.meet(c, "complainant_contacted", at)
    return contact


def record_contact(actor: Actor, c: Complaint, k: Contact, *, now: datetime | None = None) -> ComplaintContact:
    """与投诉人联系: an explanation that other units are involved, or news of the progress."""
    if k.purpose not in (ContactPurpose.OTHER_UNITS, ContactPurpose.PROGRESS):
        raise InvalidInput(_("Choose what the contact was about."))
    now = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "contact", actor)
        contact = _contact(actor, c, k, k.purpose, now)
        c.updated_at = now
        record(actor, "contact", SUBJECT, c.id, c.project_id, at=now, purpose=k.purpose, channel=k.channel,
               content=contact.content, contacted_at=contact.at)
    return contact


def record_reply(actor: Actor, c: Complaint, k: Contact, satisfaction: str, satisfaction_note: str = "", *,
                 now: datetime | None = None) -> ComplaintContact:
    """答复: the handling result told to the complainant — for an invalid complaint, the patient
    explanation — and how satisfied they are with it."""
    if satisfaction not in set(Satisfaction):
        raise InvalidInput(_("Record how satisfied the complainant is."))
    now = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "reply", actor)
        invalid = c.validity == Validity.INVALID
        contact = _contact(actor, c, k, ContactPurpose.EXPLAIN if invalid else ContactPurpose.REPLY, now)
        if invalid:
            deadlines.meet(c, "explained", contact.at)
        note = (satisfaction_note or "").strip()[:1000] or None
        c.replied_at, c.satisfaction, c.satisfaction_note, c.updated_at = contact.at, satisfaction, note, now
        from ..delivery.residents import complaint_replied
        sms = complaint_replied(c, contact.content, contact.at)  # in writing too, if their contact agreed
        record(actor, "reply", SUBJECT, c.id, c.project_id, at=now, channel=k.channel, content=contact.content,
               satisfaction=satisfaction, satisfaction_note=note, replied_at=contact.at, sms=sms is not None)
        if satisfaction == Satisfaction.DISSATISFIED:
            tell([c.handler, c.registered_by] + people(c.project_id, Role.CS_SUPERVISOR), "complaint_dissatisfied",
                 c, actor, note=(note or "")[:200])
    return contact

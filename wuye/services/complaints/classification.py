"""Registration and classification of a complaint (DOMAIN.md B1, B3, B4), one function per decision:
the CS work log entry and its forwarding (转呈), valid or invalid with the seed's reason, normal or
serious with its criteria, a suggested repeat confirmed or dismissed, the project manager's final
say, management review, and who handles it.

Each function is one transaction with its audit event, deadlines and notices, as in complaints.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ...clock import now as clock_now
from ...database import locked, transaction
from ...extensions import db
from ...models import Complaint, ComplaintForwarding, Department, User
from ...models.complaint_codes import (REASONS, SUPERVISOR_CHANNELS, ForwardMode, NormalKind, RepeatStatus,
                                       SeriousCriterion, Severity, Topic, Validity)
from ...models.org import Role
from ...workflow.complaint import COMPLAINT, ComplaintState, HANDLERS, REVIEW_ROLES
from .. import Actor, DomainError, InvalidInput, Problems
from ..deadlines import table as deadlines
from ..audit import record
from .intake import (SUBJECT, check, detect_repeat, people, record_complete, sync_serious_deadline, tell,
                     text)

S = ComplaintState


def _forward_to_text(departments: list[Department], users: list[User]) -> str:
    return "、".join([d.name for d in departments] + [u.name for u in users])


def _departments(project_id: int, ids: list[int]) -> list[Department]:
    found = list(db.session.scalars(select(Department).where(Department.project_id == project_id,
                                                             Department.id.in_(ids or [0]))))
    if len(found) != len(set(ids or [])):
        raise InvalidInput(_("Choose departments of this project."))
    return found


def _users(project_id: int, ids: list[int]) -> list[User]:
    found = list(db.session.scalars(select(User).where(User.project_id == project_id, User.active.is_(True),
                                                       User.id.in_(ids or [0]))))
    if len(found) != len(set(ids or [])):
        raise InvalidInput(_("Choose active employees of this project."))
    return found


def _heads(project_id: int, departments: list[Department]) -> list[User]:
    ids = [d.id for d in departments]
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(
        User.project_id == project_id, User.role == Role.DEPT_HEAD, User.active.is_(True),
        User.department_id.in_(ids)).order_by(User.id)))


def decide_repeat(actor: Actor, c: Complaint, confirm: bool, reason: str, *, now: datetime | None = None) -> Complaint:
    """CS confirms a suggested repeat complaint — it becomes serious (criterion 5) — or dismisses it."""
    reason = text(reason, _("Give the reason."), 1000)
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "decide_repeat", actor)
        if c.repeat_status != RepeatStatus.SUGGESTED:
            raise DomainError(_("There is no repeat suggestion to decide."))
        c.repeat_status = RepeatStatus.CONFIRMED if confirm else RepeatStatus.DISMISSED
        c.repeat_reason, c.repeat_decided_at, c.repeat_decided_by_id = reason, at, actor.user.id
        if confirm:
            c.criteria = sorted(set(c.criteria or []) | {SeriousCriterion.REPEATED.value})
            c.severity = Severity.SERIOUS
            c.normal_kind = None
            if c.state != S.RECEIVED:
                _ensure_written(actor, c, at)
            sync_serious_deadline(c, at)
        c.updated_at = at
        record(actor, "repeat_confirmed" if confirm else "repeat_dismissed", SUBJECT, c.id, c.project_id, at=at,
               reason=reason, earlier=[e.number for e in c.earlier])
    return c


# ---- B3: registration in the CS work log and forwarding ----------------------------------

@dataclass
class Forwarding:
    mode: str
    department_ids: list[int] = field(default_factory=list)
    people_ids: list[int] = field(default_factory=list)
    note: str = ""


@dataclass
class Registration:
    topic: str
    work_log: str
    severity: str
    forwarding: Forwarding
    criteria: list[str] = field(default_factory=list)


def _severity(p: Problems, severity: str, criteria: list[str]) -> list[str]:
    """B3: serious when it meets any of the six criteria, normal when it meets none."""
    criteria = sorted(set(criteria or []))
    if severity not in set(Severity):
        p.add("severity", _("Choose normal or serious."))
    elif any(x not in set(SeriousCriterion) for x in criteria):
        p.add("criteria", _("Unknown criterion."))
    elif severity == Severity.SERIOUS and not criteria:
        p.add("criteria", _("Tick the criterion that makes the complaint serious."))
    elif severity == Severity.NORMAL and criteria:
        p.add("severity", _("A complaint that meets a criterion of a serious complaint is serious."))
    return criteria


def _forwarding(p: Problems, f: Forwarding, serious: bool) -> None:
    """B3: forwarded at once to someone — a normal complaint by phone or in person, a serious one in writing."""
    if f.mode not in set(ForwardMode):
        p.add("mode", _("Choose how it was forwarded."))
    elif serious and f.mode != ForwardMode.WRITTEN:
        p.add("mode", _("A serious complaint must be forwarded in writing."))
    if not f.department_ids and not f.people_ids:
        p.add("department_ids", _("Forward it to at least one department or person."))


def _forward(actor: Actor, c: Complaint, f: Forwarding, at: datetime) -> ComplaintForwarding:
    """Record one forwarding (转呈) and tell the department heads and people it went to."""
    p = Problems()
    _forwarding(p, f, c.serious)
    p.raise_any()
    depts = _departments(c.project_id, f.department_ids)
    users = _users(c.project_id, f.people_ids)
    note = (f.note or "").strip()[:1000] or None
    fw = ComplaintForwarding(complaint_id=c.id, at=at, mode=f.mode, to=_forward_to_text(depts, users), note=note,
                             by_id=actor.user.id)
    db.session.add(fw)
    c.departments = list({d.id: d for d in list(c.departments) + depts}.values())
    c.people = list({u.id: u for u in list(c.people) + users}.values())
    record(actor, "forward", SUBJECT, c.id, c.project_id, at=at, mode=f.mode, to=fw.to, note=note)
    tell(_heads(c.project_id, depts) + users, "complaint_forwarded", c, actor, mode=f.mode, by=actor.user.name)
    return fw


def _ensure_written(actor: Actor, c: Complaint, at: datetime) -> None:
    """A complaint that became serious after a phone or verbal forwarding is forwarded again, in
    writing, to the same departments and people: the printable document is made from the record."""
    if c.written_forwarding is not None or (not c.departments and not c.people):
        return
    db.session.flush()
    _forward(actor, c, Forwarding(ForwardMode.WRITTEN, [d.id for d in c.departments], [u.id for u in c.people],
                                  _("Forwarded in writing: the complaint is serious.")), at)


def _default_handler(c: Complaint) -> User | None:
    """B1: complaints to the company or to government are the CS supervisor's; otherwise the head
    of the first department involved handles it."""
    if c.channel in SUPERVISOR_CHANNELS:
        found = people(c.project_id, Role.CS_SUPERVISOR)
        return found[0] if found else None
    heads = _heads(c.project_id, list(c.departments))
    return heads[0] if heads else None


def proposed_severity(c: Complaint) -> tuple[str, list[str]]:
    """What the registration form proposes: as recorded so far, and serious because repeated
    (B3 严重投诉 5)) while an earlier complaint of the household is suggested as the same matter."""
    criteria = set(c.criteria or [])
    if c.repeat_status == RepeatStatus.SUGGESTED:
        criteria.add(SeriousCriterion.REPEATED.value)
    severity = Severity.SERIOUS if criteria else (c.severity or Severity.NORMAL)
    return str(severity), sorted(criteria)


def register(actor: Actor, c: Complaint, reg: Registration, *, now: datetime | None = None) -> Complaint:
    """登记投诉: CS records it in detail in the work log, judges normal or serious, and forwards it
    at once — by phone or in person if normal, in writing if serious. Registered serious because
    repeated, a suggested repeat is confirmed by it."""
    at = now or clock_now()
    p = Problems()
    if reg.topic not in set(Topic):
        p.add("topic", _("Choose what the complaint is about."))
    work_log = p.check("work_log", text, reg.work_log, _("Record the complaint in detail: what was asked and answered."))
    criteria = _severity(p, reg.severity, reg.criteria)
    _forwarding(p, reg.forwarding, reg.severity == Severity.SERIOUS)
    p.raise_any()
    with transaction():
        c = locked(c)
        check(c, "register", actor)
        c.state = COMPLAINT.target("register")
        c.topic, c.work_log, c.severity, c.criteria = reg.topic, work_log, reg.severity, criteria
        c.registered_at, c.registered_by_id = at, actor.user.id
        c.updated_at = at
        db.session.flush()
        record(actor, "register", SUBJECT, c.id, c.project_id, at=at, topic=c.topic, severity=c.severity,
               criteria=criteria)
        if c.repeat_status == RepeatStatus.SUGGESTED and SeriousCriterion.REPEATED.value in criteria:
            c.repeat_status, c.repeat_decided_at, c.repeat_decided_by_id = RepeatStatus.CONFIRMED, at, actor.user.id
            c.repeat_reason = _("Registered as a repeated complaint from the household.")
            record(actor, "repeat_confirmed", SUBJECT, c.id, c.project_id, at=at, reason=c.repeat_reason,
                   earlier=[e.number for e in c.earlier])
        _forward(actor, c, reg.forwarding, at)
        handler = _default_handler(c)
        if handler is not None:
            c.handler_id = handler.id
            record(actor, "assign", SUBJECT, c.id, c.project_id, at=at, handler=handler.name, automatic=True)
            tell([handler], "complaint_assigned", c, actor, by=actor.user.name)
        _review_flag(actor, c, at)
        sync_serious_deadline(c, at)
        detect_repeat(actor, c, at)
    return c


def forward(actor: Actor, c: Complaint, f: Forwarding, *, now: datetime | None = None) -> ComplaintForwarding:
    """Forward again, or to more departments and people, as the investigation goes on."""
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "forward", actor)
        fw = _forward(actor, c, f, at)
        c.updated_at = at
    return fw


# ---- B3, B4: classification --------------------------------------------------------------

@dataclass
class Classification:
    validity: str
    reason: str
    severity: str
    criteria: list[str] = field(default_factory=list)
    normal_kind: str | None = None
    note: str = ""
    other_units: bool = False
    other_units_note: str = ""


def _classification(k: Classification, p: Problems | None = None) -> list[str]:
    """B3 and B4 together: valid or invalid for one of the seed's reasons; normal (ended by rework or
    a concession) or serious (by its criteria); other units named when they are involved."""
    p = p or Problems()
    if k.validity not in set(Validity):
        p.add("validity", _("Choose valid or invalid."))
    elif k.reason not in REASONS[Validity(k.validity)]:
        p.add("reason", _("Pick the reason that makes the complaint %(validity)s.",
                          validity=_("valid") if k.validity == Validity.VALID else _("invalid")))
    criteria = _severity(p, k.severity, k.criteria)
    if k.validity == Validity.VALID and k.severity == Severity.NORMAL and k.normal_kind not in set(NormalKind):
        p.add("normal_kind", _("Say how the normal complaint is ended: rework or repair, or a concession."))
    if k.other_units and not (k.other_units_note or "").strip():
        p.add("other_units_note", _("Name the other units involved."))
    p.raise_any()
    return criteria


def _review_flag(actor: Actor, c: Complaint, at: datetime) -> None:
    """B3 严重投诉 6): caused by a quality-system defect — must go to management review."""
    wanted = SeriousCriterion.QUALITY_SYSTEM.value in (c.criteria or [])
    if wanted and not c.management_review:
        c.management_review = True
        record(actor, "management_review", SUBJECT, c.id, c.project_id, at=at)
        tell(people(c.project_id, *REVIEW_ROLES), "complaint_review", c, actor)
    elif not wanted and c.management_review and c.reviewed_at is None:
        c.management_review = False
        record(actor, "management_review_withdrawn", SUBJECT, c.id, c.project_id, at=at)


def _apply(actor: Actor, c: Complaint, k: Classification, criteria: list[str], at: datetime) -> dict:
    """Set the classification and run the deadlines that follow from it; returns what it was."""
    before = {"validity": c.validity, "reason": c.validity_reason, "severity": c.severity, "criteria": c.criteria,
              "normal_kind": c.normal_kind, "other_units": c.other_units}
    was_valid, was_invalid = c.validity == Validity.VALID, c.validity == Validity.INVALID
    c.validity, c.validity_reason, c.validity_note = k.validity, k.reason, (k.note or "").strip() or None
    c.severity, c.criteria = k.severity, criteria
    c.normal_kind = k.normal_kind if (k.validity == Validity.VALID and k.severity == Severity.NORMAL) else None
    started_other = k.other_units and not c.other_units
    c.other_units, c.other_units_note = k.other_units, (k.other_units_note or "").strip() or None
    c.updated_at = at
    if c.serious and c.state != S.CLOSED:
        _ensure_written(actor, c, at)
    _review_flag(actor, c, at)
    if c.state == S.CLOSED:
        return before
    if c.validity == Validity.INVALID and not was_invalid:
        deadlines.close_for_subject(c, at, kinds=["valid_record"])
        deadlines.open_deadline(c, "invalid_contact", at, responsible_id=c.registered_by_id)
    elif c.validity == Validity.VALID and not was_valid:
        deadlines.close_for_subject(c, at, kinds=["invalid_contact"])
        if not record_complete(c):
            deadlines.open_deadline(c, "valid_record", at, responsible_id=c.registered_by_id)
    if started_other and not c.contacts:
        deadlines.open_deadline(c, "other_units_contact", at, responsible_id=c.registered_by_id)
    elif not c.other_units:
        deadlines.close_for_subject(c, at, kinds=["other_units_contact"])
    sync_serious_deadline(c, at)
    return before


def classify(actor: Actor, c: Complaint, k: Classification, *, now: datetime | None = None) -> Complaint:
    """调查并判断投诉的有效性: valid or invalid with the seed's reason, normal or serious with its criteria."""
    criteria = _classification(k)
    at = now or clock_now()
    with transaction():
        c = locked(c)
        step = "judge_valid" if k.validity == Validity.VALID else "judge_invalid"
        check(c, step, actor)
        c.state = COMPLAINT.target(step)
        c.classified_at, c.classified_by_id = at, actor.user.id
        _apply(actor, c, k, criteria, at)
        record(actor, "classify", SUBJECT, c.id, c.project_id, at=at, validity=c.validity,
               validity_reason=c.validity_reason,
               note=c.validity_note, severity=c.severity, criteria=c.criteria, normal_kind=c.normal_kind,
               other_units=c.other_units, other_units_note=c.other_units_note)
    return c


def overrule(actor: Actor, c: Complaint, k: Classification, reason: str, *, now: datetime | None = None) -> Complaint:
    """B1(5): the project manager has the final say — a new classification, with the reason."""
    p = Problems()
    reason = p.check("overrule_reason", text, reason, _("Give the reason for overruling."), 1000)
    criteria = _classification(k, p)
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "overrule", actor)
        if c.state == S.HANDLING and k.validity == Validity.INVALID:
            c.state = S.AWAITING_REPLY
        elif c.state == S.AWAITING_REPLY and k.validity == Validity.VALID and c.result_at is None:
            c.state = S.HANDLING
        before = _apply(actor, c, k, criteria, at)
        c.overruled_at, c.overruled_by_id, c.overrule_reason = at, actor.user.id, reason
        record(actor, "overrule", SUBJECT, c.id, c.project_id, at=at, reason=reason, before=before,
               validity=c.validity, validity_reason=c.validity_reason, severity=c.severity, criteria=c.criteria,
               normal_kind=c.normal_kind)
        tell([c.registered_by, c.classified_by, c.handler], "complaint_overruled", c, actor, reason=reason[:200])
    return c


# ---- B1: who handles it ---------------------------------------------------------------------

def assign(actor: Actor, c: Complaint, handler_id: int, *, now: datetime | None = None) -> Complaint:
    """客服部主管 … 指派部门经理处理: the supervisor (or the project manager) names the handler."""
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "assign", actor)
        handler = db.session.get(User, handler_id or 0)
        if (handler is None or handler.project_id != c.project_id or not handler.active
                or handler.role not in HANDLERS):
            raise InvalidInput(_("Choose a department head or manager of this project."))
        if handler.id == c.handler_id:
            raise DomainError(_("The complaint is already with %(name)s.", name=handler.name))
        previous = c.handler
        c.handler_id, c.updated_at = handler.id, at
        deadlines.assign(c, handler.id, kinds=["serious_result"])
        record(actor, "assign", SUBJECT, c.id, c.project_id, at=at, handler=handler.name,
               previous=previous.name if previous else None)
        tell([handler], "complaint_assigned", c, actor, by=actor.user.name)
    return c


def refer(actor: Actor, c: Complaint, reason: str, *, now: datetime | None = None) -> Complaint:
    """B1(4): a department that cannot resolve it hands it to the CS supervisor for a decision."""
    reason = text(reason, _("Say why the department cannot resolve it."), 1000)
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "refer", actor)
        supervisors = people(c.project_id, Role.CS_SUPERVISOR)
        if not supervisors:
            raise DomainError(_("This project has no customer service supervisor to refer it to."))
        c.handler_id, c.updated_at = supervisors[0].id, at
        deadlines.assign(c, supervisors[0].id, kinds=["serious_result"])
        record(actor, "refer", SUBJECT, c.id, c.project_id, at=at, reason=reason, handler=supervisors[0].name)
        tell(supervisors, "complaint_referred", c, actor, by=actor.user.name, reason=reason[:200])
    return c


def review(actor: Actor, c: Complaint, conclusion: str, *, now: datetime | None = None) -> Complaint:
    """管理评审: the conclusion of the management review on a quality-system defect."""
    conclusion = text(conclusion, _("Write the conclusion of the management review."))
    at = now or clock_now()
    with transaction():
        c = locked(c)
        check(c, "review", actor)
        c.review_conclusion, c.reviewed_at, c.reviewed_by_id, c.updated_at = conclusion, at, actor.user.id, at
        record(actor, "review", SUBJECT, c.id, c.project_id, at=at, conclusion=conclusion)
    return c

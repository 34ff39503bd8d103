"""Every deadline of the procedure (DOMAIN.md A2, B5, C), in one table, and what runs them.

A rule says which event starts a deadline, which event meets it, how long it runs, when to warn
and whom to escalate to. Nothing else in the code computes a deadline: the order services open,
meet and close rows through the functions here, and the watcher's `tick` (in `tick.py`)
warns, marks breaches and escalates. A project may change lengths, warnings and the escalation
delays of a rule (`DeadlinePolicy`); the rule here is the default.

The functions that change rows run inside the caller's `transaction()`, next to the state change
and the audit event that caused them.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from ...clock import now as clock_now
from ...database import prepared, transaction
from ...extensions import db
from ...models import Complaint, CorrectiveAction, Deadline, DeadlinePolicy, Project, RepairOrder, Role, User
from .. import Actor, DomainError
from ..audit import record

SYSTEM = Actor(None, "system")

# who a chain link reaches: the deadline's responsible person, whoever dispatched the subject, the
# customer service clerk who registered it (a complaint's first owner), or every active user of a
# role in the subject's project
ASSIGNEE = "assignee"
DISPATCHER = "dispatcher"
REGISTRAR = "registrar"


@dataclass(frozen=True)
class Link:
    """One step of an escalation chain, reached `after` the previous step (the first: at the breach)."""

    to: tuple[str, ...]
    after: timedelta = timedelta(0)


def seed_chain(*further_minutes: int) -> tuple[Link, ...]:
    """The seed's chain: technician (and dispatcher) → CS supervisor → project manager."""
    supervisor, manager = further_minutes
    return (Link((ASSIGNEE, DISPATCHER)),
            Link((Role.CS_SUPERVISOR.value,), timedelta(minutes=supervisor)),
            Link((Role.PROJECT_MANAGER.value,), timedelta(minutes=manager)))


@dataclass(frozen=True)
class Rule:
    name: str
    label: str  # lazy: shown in the reader's language
    subject: str  # subject_type of the rows: the subject model's table name
    starts: str  # the event that opens it
    meets: str  # the event that meets it
    length: timedelta  # from the start; for a booked time, the grace after it
    booked: bool = False  # due at a time agreed with the customer, not a length after the start
    warn_fraction: float = 0.8  # warn when this much of the length has passed...
    warn_before: timedelta | None = None  # ...or, for a booked time, this long before it is due
    chain: tuple[Link, ...] = seed_chain(15, 30)

    def due(self, started_at: datetime, booked_at: datetime | None = None) -> datetime:
        return (booked_at if self.booked else started_at) + self.length

    def warn_at(self, started_at: datetime, due_at: datetime) -> datetime | None:
        if self.warn_before is not None:
            return max(started_at, due_at - self.warn_before)
        if not 0 < self.warn_fraction < 1:
            return None
        return started_at + (due_at - started_at) * self.warn_fraction


def complaint_chain(supervisor_hours: int, manager_hours: int) -> tuple[Link, ...]:
    """B1 and B2 for complaints: the person responsible, the employee who received it (who follows
    it, 跟进) and the CS clerk who registered it (客服部 is the first owner, 跟进…处理结果) → the CS
    supervisor → the project manager, who has the final say."""
    return (Link((ASSIGNEE, DISPATCHER, REGISTRAR)),
            Link((Role.CS_SUPERVISOR.value,), timedelta(hours=supervisor_hours)),
            Link((Role.PROJECT_MANAGER.value,), timedelta(hours=manager_hours)))


REPAIR = "repair_order"
COMPLAINT = "complaint"
CORRECTIVE_ACTION = "corrective_action"

RULES: list[Rule] = [
    # A2: 维修前的准备工作 within 10 minutes of accepting the job
    Rule("preparation", _l("Preparation"), REPAIR, starts="accepted", meets="prepared",
         length=timedelta(minutes=10)),
    # A2: 紧急事故 — on site within 15 minutes of the call the clerk recorded
    Rule("emergency_arrival", _l("Emergency arrival"), REPAIR, starts="called", meets="arrived",
         length=timedelta(minutes=15), chain=seed_chain(10, 20)),
    # A2: 准时 — on site by the start of the window agreed with the customer
    Rule("appointment_arrival", _l("Arrival on time"), REPAIR, starts="appointment_agreed", meets="arrived",
         length=timedelta(0), booked=True, warn_before=timedelta(minutes=30)),
    # A2: 约好下次维修时间 — the follow-up visit is a new appointment of its own
    Rule("revisit_arrival", _l("Follow-up visit arrival"), REPAIR, starts="revisit_booked", meets="arrived",
         length=timedelta(0), booked=True, warn_before=timedelta(minutes=30)),
    # B5: 判定为无效的顾客投诉，客服部人员应在一天内与投诉人联系，做好解释工作
    Rule("invalid_contact", _l("Explanation to the complainant"), COMPLAINT, starts="judged_invalid",
         meets="explained", length=timedelta(days=1), chain=complaint_chain(4, 24)),
    # B5: 判定为有效的投诉，三天内分析原因和责任，填写《顾客投诉处理记录表》，责任人制定纠正措施；
    # 严重的，客服部经理组织到现场查看并记录
    Rule("valid_record", _l("Complaint record and corrective actions"), COMPLAINT, starts="judged_valid",
         meets="record_complete", length=timedelta(days=3), chain=complaint_chain(4, 24)),
    # B5: 严重不合格服务项，应在48小时内有处理结果 — counted from the receipt: the complainant has
    # waited since then; CS supervisor told at the breach
    Rule("serious_result", _l("Handling result of a serious complaint"), COMPLAINT, starts="judged_serious",
         meets="result_recorded", length=timedelta(hours=48), chain=complaint_chain(0, 12)),
    # B5: 涉及其它单位（部门），在三天内与投诉人联系，做好解释工作
    Rule("other_units_contact", _l("Contact the complainant (other units involved)"), COMPLAINT,
         starts="other_units_involved", meets="complainant_contacted", length=timedelta(days=3),
         chain=complaint_chain(4, 24)),
    # B5: 根据纠正措施应完成的时间 — each action by its own due date
    Rule("corrective_action", _l("Corrective action"), CORRECTIVE_ACTION, starts="action_set", meets="action_done",
         length=timedelta(0), booked=True, warn_before=timedelta(days=1), chain=complaint_chain(24, 48)),
]
TABLE: dict[str, Rule] = {r.name: r for r in RULES}


@dataclass(frozen=True)
class SubjectKind:
    """What the engine needs to know of a subject type: its number, who dispatched it, who
    registered it, and the page each kind of reader opens it on."""

    model: type
    number: Callable[[Any], str]
    assignee_id: Callable[[Any], int | None]  # who a new deadline makes responsible
    dispatcher: Callable[[Any], User | None]
    link: Callable[[Any, User], str]
    registrar: Callable[[Any], User | None] = lambda subject: None


def _repair_link(order: RepairOrder, reader: User) -> str:
    if reader.role == Role.TECHNICIAN:
        return f"/tech/jobs/{order.number}"
    return f"/desk/repairs/{order.number}"


def _complaint_link(complaint: Complaint, reader: User) -> str:
    return f"/complaints/{complaint.number}"


def _action_link(action: CorrectiveAction, reader: User) -> str:
    return f"/complaints/{action.complaint.number}#action-{action.seq}"


SUBJECTS: dict[str, SubjectKind] = {
    # the dispatcher of a job not yet dispatched is the clerk who took the call
    REPAIR: SubjectKind(RepairOrder, lambda o: o.number, lambda o: o.technician_id,
                        lambda o: o.dispatched_by or o.created_by, _repair_link),
    # a complaint's "dispatcher" is the employee who received it and forwarded it to CS
    COMPLAINT: SubjectKind(Complaint, lambda c: c.number, lambda c: c.handler_id or c.registered_by_id,
                           lambda c: c.received_by, _complaint_link, lambda c: c.registered_by),
    CORRECTIVE_ACTION: SubjectKind(CorrectiveAction, lambda a: a.number, lambda a: a.owner_id,
                                   lambda a: a.set_by, _action_link, lambda a: a.complaint.registered_by),
}


def load_subjects(stype: str, ids) -> dict[int, Any]:
    model = SUBJECTS[stype].model
    ids = set(ids)
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(model).where(model.id.in_(ids)))}


def label(kind: str) -> str:
    rule = TABLE.get(kind)
    return str(rule.label) if rule else kind


def subject_type(subject) -> str:
    return subject.__tablename__


# ---- per-project policy -------------------------------------------------------------------

def apply_policy(rule: Rule, policy: DeadlinePolicy | None) -> Rule:
    if policy is None:
        return rule
    changes: dict = {}
    if policy.minutes is not None:
        changes["length"] = timedelta(minutes=policy.minutes)
    if policy.warn_percent is not None:
        changes["warn_fraction"] = policy.warn_percent / 100
    if policy.warn_minutes is not None:
        changes["warn_before"] = timedelta(minutes=policy.warn_minutes)
    if policy.escalation_minutes is not None:
        delays = [timedelta(0)] + [timedelta(minutes=m) for m in policy.escalation_minutes]
        changes["chain"] = tuple(dataclasses.replace(link, after=d) for link, d in zip(rule.chain, delays))
    return dataclasses.replace(rule, **changes)


def rule_for(project_id: int, kind: str) -> Rule:
    """The rule as this project runs it."""
    return apply_policy(TABLE[kind], db.session.scalar(_policy_statement(), {"project_id": project_id, "kind": kind}))


@prepared
def _policy_statement():
    # not session.get: it builds its query again on every miss, and a project without its own policy
    # for a rule (the usual case) misses every time
    return select(DeadlinePolicy).where(DeadlinePolicy.project_id == bindparam("project_id"),
                                        DeadlinePolicy.kind == bindparam("kind"))


POLICY_MAX_MINUTES = 60 * 24 * 30  # every length and delay a project may set: 0 minutes to 30 days


def set_policy(actor: Actor, project: Project, kind: str, *, minutes: int | None = None,
               warn_percent: int | None = None, warn_minutes: int | None = None,
               escalation_minutes: list[int] | None = None) -> DeadlinePolicy:
    """Change a project's rule; deadlines already running keep the times they were opened with."""
    rule = TABLE.get(kind)
    if rule is None:
        raise DomainError(_("Unknown deadline: %(kind)s", kind=kind))
    if minutes is not None and not (0 <= minutes <= POLICY_MAX_MINUTES):
        raise DomainError(_("A deadline's length is 0 minutes to 30 days."))
    if warn_percent is not None and not (0 <= warn_percent < 100):
        raise DomainError(_("Warn at 1 to 99 percent of the length, or 0 for no warning."))
    if warn_minutes is not None and not (0 <= warn_minutes <= POLICY_MAX_MINUTES):
        raise DomainError(_("Warn 0 minutes to 30 days before the booked time."))
    if escalation_minutes is not None and (len(escalation_minutes) != len(rule.chain) - 1
                                           or any(not 0 <= m <= POLICY_MAX_MINUTES for m in escalation_minutes)):
        raise DomainError(_("Give %(n)d escalation delays of 0 minutes to 30 days.", n=len(rule.chain) - 1))
    with transaction():
        policy = db.session.get(DeadlinePolicy, (project.id, kind))
        if policy is None:
            policy = DeadlinePolicy(project_id=project.id, kind=kind)
            db.session.add(policy)
        policy.minutes, policy.warn_percent, policy.warn_minutes = minutes, warn_percent, warn_minutes
        policy.escalation_minutes = escalation_minutes
        record(actor, "deadline_policy", "project", project.id, project.id, kind=kind, minutes=minutes,
               warn_percent=warn_percent, warn_minutes=warn_minutes, escalation_minutes=escalation_minutes)
    return policy


# ---- opening, meeting, closing (inside the caller's transaction) ---------------------------

def _running(stype: str, sid: int):
    return (Deadline.subject_type == stype, Deadline.subject_id == sid,
            Deadline.met_at.is_(None), Deadline.closed_at.is_(None))


def open_deadline(subject, kind: str, started_at: datetime, *, booked_at: datetime | None = None,
                  responsible_id: int | None = None) -> Deadline:
    """Start the rule `kind` for the subject, with its current assignee responsible unless told
    otherwise. A running deadline of the same kind is superseded (closed without breach): a
    rebooked appointment replaces the old one."""
    rule = rule_for(subject.project_id, kind)
    stype = subject_type(subject)
    if rule.subject != stype:
        raise ValueError(f"{kind} is a deadline of {rule.subject}, not {stype}")
    if rule.booked and booked_at is None:
        raise ValueError(f"{kind} needs the booked time")
    db.session.execute(update(Deadline).where(*_running(stype, subject.id), Deadline.kind == kind)
                       .values(closed_at=clock_now(), next_escalation_at=None)
                       .execution_options(synchronize_session=False))
    if responsible_id is None:
        responsible_id = SUBJECTS[stype].assignee_id(subject)
    due = rule.due(started_at, booked_at)
    d = Deadline(subject_type=stype, subject_id=subject.id, project_id=subject.project_id, kind=kind,
                 started_at=started_at, due_at=due, warn_at=rule.warn_at(started_at, due),
                 responsible_id=responsible_id, escalation_level=0)
    db.session.add(d)
    db.session.flush()
    return d


def meet(subject, event: str, at: datetime) -> list[Deadline]:
    """The event happened at `at` (for an offline action, the time on the phone): every running
    deadline of the subject that this event meets is met then.

    If the watcher had already marked a breach that the late-synced time shows did not happen,
    the mark is withdrawn, with an audit event saying so; the notices already sent stay on record.
    """
    stype = subject_type(subject)
    kinds = [r.name for r in RULES if r.subject == stype and r.meets == event]
    if not kinds:
        raise ValueError(f"no deadline of {stype} is met by {event!r}")
    rows = list(db.session.scalars(
        select(Deadline).where(*_running(stype, subject.id), Deadline.kind.in_(kinds))
        .with_for_update().execution_options(populate_existing=True)))
    for d in rows:
        d.met_at = at
        d.next_escalation_at = None
        if d.breached_at is not None and at <= d.due_at:
            d.breached_at = None
            record(SYSTEM, "deadline_breach_withdrawn", stype, subject.id, d.project_id, deadline=d.kind,
                   met_at=at, due_at=d.due_at)
    return rows


def close_for_subject(subject, at: datetime, kinds: list[str] | None = None) -> int:
    """The subject was cancelled or closed another way (or, with `kinds`, no longer needs those
    deadlines): its running deadlines end without breach (one already breached keeps its breach,
    and stops escalating)."""
    stmt = update(Deadline).where(*_running(subject_type(subject), subject.id))
    if kinds is not None:
        stmt = stmt.where(Deadline.kind.in_(kinds))
    return db.session.execute(
        stmt.values(closed_at=at, next_escalation_at=None).execution_options(synchronize_session=False)
    ).rowcount


def assign(subject, user_id: int | None, kinds: list[str] | None = None) -> int:
    """The subject has a new responsible person (dispatch, reassign): its running deadlines (or
    those of the given kinds) follow."""
    stmt = update(Deadline).where(*_running(subject_type(subject), subject.id))
    if kinds is not None:
        stmt = stmt.where(Deadline.kind.in_(kinds))
    return db.session.execute(
        stmt.values(responsible_id=user_id).execution_options(synchronize_session=False)
    ).rowcount


# ---- reading, for pages -------------------------------------------------------------------

def for_subject(subject) -> list[Deadline]:
    """All deadlines of a subject, running or finished, oldest first."""
    return list(db.session.scalars(_for_subject_statement(),
                                   {"subject_type": subject_type(subject), "subject_id": subject.id}))


@prepared
def _for_subject_statement():
    return (select(Deadline).where(Deadline.subject_type == bindparam("subject_type"),
                                   Deadline.subject_id == bindparam("subject_id")).order_by(Deadline.id))


def length_of(d: Deadline) -> timedelta:
    """How long this deadline was given: its rule's length as the project ran it when it opened
    (for a booked time, the grace after it)."""
    rule = TABLE[d.kind]
    return rule_for(d.project_id, d.kind).length if rule.booked else d.due_at - d.started_at


def missed(d: Deadline, now: datetime | None = None) -> bool:
    """Not met by its due time: met late, or not met and past due when it ended (closed) or now."""
    if d.met_at is not None:
        return d.met_at > d.due_at
    return d.breached_at is not None or (d.closed_at or now or clock_now()) > d.due_at


def running_by_subject(stype: str, ids: list[int]) -> dict[int, Deadline]:
    """The most urgent running deadline of each subject, in one query."""
    if not ids:
        return {}
    out: dict[int, Deadline] = {}
    for d in db.session.scalars(_running_statement(), {"stype": stype, "ids": list(ids)}):
        out.setdefault(d.subject_id, d)
    return out


@prepared
def _running_statement():
    return (select(Deadline).where(Deadline.subject_type == bindparam("stype"),
                                   Deadline.subject_id.in_(bindparam("ids", expanding=True)),
                                   Deadline.met_at.is_(None), Deadline.closed_at.is_(None))
            .order_by(Deadline.due_at))


def overdue_subjects(stype: str, project_id: int, now: datetime):
    """A subquery of the subject ids with a running deadline past due (breach marked or not yet)."""
    return (select(Deadline.subject_id)
            .where(Deadline.project_id == project_id, Deadline.met_at.is_(None), Deadline.closed_at.is_(None),
                   Deadline.due_at < now, Deadline.subject_type == stype))


def open_breaches(project_id: int) -> list[Deadline]:
    """The escalation inbox: breached, not met, not closed — longest overdue first."""
    return list(db.session.scalars(
        select(Deadline).where(Deadline.project_id == project_id, Deadline.met_at.is_(None),
                               Deadline.closed_at.is_(None), Deadline.breached_at.is_not(None))
        .options(joinedload(Deadline.responsible)).order_by(Deadline.due_at)))


def reached(d: Deadline) -> tuple[str, ...]:
    """Who the escalation of a breached deadline has reached so far (the last link told)."""
    rule = rule_for(d.project_id, d.kind)
    return rule.chain[min(d.escalation_level, len(rule.chain)) - 1].to if d.escalation_level else ()


@dataclass(frozen=True)
class Badge:
    """What a page shows of a running deadline: green while on time, amber past the warning, red overdue."""

    kind: str
    tone: str  # "ok" | "warn" | "late"
    due_at: datetime
    left: timedelta  # time left; negative when overdue

    @property
    def overdue(self) -> timedelta:
        return -self.left


def badge(d: Deadline | None, now: datetime | None = None) -> Badge | None:
    if d is None or not d.running:
        return None
    now = now or clock_now()
    if now > d.due_at or d.breached_at is not None:
        tone = "late"
    elif d.warn_at is not None and now >= d.warn_at:
        tone = "warn"
    else:
        tone = "ok"
    return Badge(d.kind, tone, d.due_at, d.due_at - now)

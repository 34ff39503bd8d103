"""Reading complaints for pages: the board by state, "my complaints", the management review list and
its figures, a complaint's timeline. Nothing here changes anything."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from ...clock import now as clock_now
from ...extensions import db
from ...models import AuditEvent, Complaint, CorrectiveAction, Deadline, Project, Role, Unit, User
from ...models.complaint_codes import ACTION_TO_DO, ActionState
from ...models.complaint import complaint_department, complaint_person
from ...workflow.complaint import COLUMNS, ComplaintState, SEE_ALL
from ..deadlines.table import for_subject, missed, overdue_subjects, running_by_subject

CLOSED_SHOWN = timedelta(days=30)  # the 已关闭 column shows the last month
PER_COLUMN = 100


@dataclass
class BoardFilter:
    q: str | None = None
    serious: bool = False
    overdue: bool = False
    review: bool = False
    validity: str | None = None  # valid | invalid | pending
    department_id: int | None = None
    # the figures of /reports/ open the board with these (services/complaints/board_figures.py)
    day_from: date | None = None
    day_to: date | None = None
    dates: str = "received"  # or "due": the days bound the `deadline` falling due
    severity: str | None = None  # normal | serious | pending
    topic: str | None = None
    repeat: bool = False
    penalty: bool = False
    deadline: str | None = None  # a B5 deadline kind ...
    kept: str | None = None  # ... judged, on_time or not_kept


def _in_department(department_id: int):
    involved = select(complaint_department.c.complaint_id).where(
        complaint_department.c.department_id == department_id)
    return or_(Complaint.id.in_(involved), Complaint.responsible_department_id == department_id)


def scope(user: User):
    """The complaints this user's board shows (see complaint_access for the same rule per complaint)."""
    if user.role in SEE_ALL:
        return Complaint.project_id == user.project_id
    if user.role == Role.DEPT_HEAD:
        mine = Complaint.handler_id == user.id
        if user.department_id:
            mine = or_(mine, _in_department(user.department_id))
        return and_(Complaint.project_id == user.project_id, mine)
    return false()


def _overdue(project_id: int, now: datetime):
    late_actions = select(CorrectiveAction.complaint_id).where(
        CorrectiveAction.id.in_(overdue_subjects("corrective_action", project_id, now)))
    return or_(Complaint.id.in_(overdue_subjects("complaint", project_id, now)), Complaint.id.in_(late_actions))


def _search(project_id: int, q: str):
    q = q.strip().replace(" ", "")
    if q.upper().startswith("TS-"):
        return Complaint.number.startswith(q.upper(), autoescape=True)
    units = select(Unit.id).where(Unit.project_id == project_id, or_(
        Unit.search_key.startswith(q, autoescape=True), Unit.room.startswith(q, autoescape=True),
        Unit.short_key.startswith(q, autoescape=True)))
    return or_(Complaint.complainant_phone.startswith(q, autoescape=True), Complaint.unit_id.in_(units),
               Complaint.complainant_name.startswith(q, autoescape=True))


def query(project: Project, user: User, f: BoardFilter, now: datetime):
    """The complaints the filters match in this reader's scope, in every state."""
    from . import board_figures
    stmt = select(Complaint).where(Complaint.project_id == project.id, scope(user))
    if f.serious:
        stmt = stmt.where(Complaint.severity == "serious")
    if f.review:
        stmt = stmt.where(Complaint.management_review.is_(True))
    if f.validity == "pending":
        stmt = stmt.where(Complaint.validity.is_(None))
    elif f.validity in ("valid", "invalid"):
        stmt = stmt.where(Complaint.validity == f.validity)
    if f.department_id:
        stmt = stmt.where(_in_department(f.department_id))
    if f.overdue:
        stmt = stmt.where(_overdue(project.id, now))
    if f.q and f.q.strip():
        stmt = stmt.where(_search(project.id, f.q))
    return board_figures.apply(stmt, project, f, now)


def board(project: Project, user: User, f: BoardFilter, now: datetime | None = None) -> dict[str, list[Complaint]]:
    """The columns by state; a figure's list (a period or a class of the figures) shows its closed ones
    whenever they closed, the board otherwise the last month's."""
    from . import board_figures
    now = now or clock_now()
    stmt = query(project, user, f, now)
    columns: dict[str, list[Complaint]] = {}
    opts = (selectinload(Complaint.unit), selectinload(Complaint.handler), selectinload(Complaint.actions),
            selectinload(Complaint.escalations))
    for state in COLUMNS:
        s = stmt.where(Complaint.state == state)
        if state == ComplaintState.CLOSED:
            if not board_figures.filtered(f):
                s = s.where(Complaint.closed_at >= now - CLOSED_SHOWN)
            s = s.order_by(Complaint.closed_at.desc())
        else:
            s = s.order_by(Complaint.received_at)
        columns[state] = list(db.session.scalars(s.options(*opts).limit(PER_COLUMN)))
    return columns


def urgent_deadlines(complaints: list[Complaint]) -> dict[int, Deadline]:
    """The most urgent running deadline of each complaint, its own or one of its corrective actions'."""
    out = running_by_subject("complaint", [c.id for c in complaints])
    owner = {a.id: c.id for c in complaints for a in c.actions}
    for action_id, d in running_by_subject("corrective_action", list(owner)).items():
        cid = owner[action_id]
        if cid not in out or d.due_at < out[cid].due_at:
            out[cid] = d
    return out


def sort_by_urgency(cards: list[Complaint], urgent: dict[int, Deadline]) -> list[Complaint]:
    far = datetime.max.replace(tzinfo=clock_now().tzinfo)
    return sorted(cards, key=lambda c: (urgent[c.id].due_at if c.id in urgent else far, c.received_at))


def received_by(user: User, limit: int = 100) -> list[Complaint]:
    """"My forwarded complaints": what this employee took, newest first, with their state."""
    return list(db.session.scalars(
        select(Complaint).where(Complaint.project_id == user.project_id, Complaint.received_by_id == user.id)
        .options(selectinload(Complaint.actions), selectinload(Complaint.unit), selectinload(Complaint.escalations))
        .order_by(Complaint.id.desc()).limit(limit)))


def actions_of(user: User) -> list[CorrectiveAction]:
    """Corrective actions this employee owns that are still to do, then those reported done that
    customer service has not checked yet (a check may send one back)."""
    actions = db.session.scalars(
        select(CorrectiveAction).where(CorrectiveAction.project_id == user.project_id,
                                       CorrectiveAction.owner_id == user.id,
                                       CorrectiveAction.state.in_([*ACTION_TO_DO, ActionState.DONE]))
        .options(selectinload(CorrectiveAction.complaint)).order_by(CorrectiveAction.due_at))
    return sorted(actions, key=lambda a: a.state == ActionState.DONE)  # stable: by due date within each


@dataclass
class ActionTracking:
    """客服部对纠正措施的跟踪检查: what waits for the check, what is late, what is still running."""
    to_check: list[CorrectiveAction]  # reported done, not yet checked — oldest report first
    overdue: list[CorrectiveAction]  # still to do and past the due date — longest late first
    running: list[CorrectiveAction]  # still to do within the due date — next due first

    def __len__(self) -> int:
        return len(self.to_check) + len(self.overdue) + len(self.running)


TRACKED = 200  # per list: a longer list is a management problem, not a paging one


def _tracked_where(user: User) -> list:
    """Customer service and the project manager follow every action; a department head their people's."""
    where = [CorrectiveAction.project_id == user.project_id]
    if user.role == Role.DEPT_HEAD:
        where.append(CorrectiveAction.owner_id.in_(
            select(User.id).where(User.department_id == user.department_id) if user.department_id
            else select(User.id).where(false())))
    return where


def action_tracking(user: User, now: datetime | None = None) -> ActionTracking:
    now = now or clock_now()
    to_do = CorrectiveAction.state.in_(ACTION_TO_DO)
    base = (select(CorrectiveAction).where(*_tracked_where(user))
            .options(selectinload(CorrectiveAction.complaint).selectinload(Complaint.unit),
                     selectinload(CorrectiveAction.owner)))
    return ActionTracking(
        to_check=list(db.session.scalars(base.where(CorrectiveAction.state == ActionState.DONE)
                                         .order_by(CorrectiveAction.done_at, CorrectiveAction.id).limit(TRACKED))),
        overdue=list(db.session.scalars(base.where(to_do, CorrectiveAction.due_at <= now)
                                        .order_by(CorrectiveAction.due_at, CorrectiveAction.id).limit(TRACKED))),
        running=list(db.session.scalars(base.where(to_do, CorrectiveAction.due_at > now)
                                        .order_by(CorrectiveAction.due_at, CorrectiveAction.id).limit(TRACKED))))


def actions_to_check(user: User) -> int:
    """How many of the actions this user follows wait for customer service's check (the board's link)."""
    return db.session.scalar(select(func.count()).select_from(CorrectiveAction).where(
        *_tracked_where(user), CorrectiveAction.state == ActionState.DONE)) or 0


def involving(user: User, limit: int = 50) -> list[Complaint]:
    """Open complaints this employee is involved in, responsible for, or handles."""
    person = select(complaint_person.c.complaint_id).where(complaint_person.c.user_id == user.id)
    return list(db.session.scalars(
        select(Complaint).where(Complaint.project_id == user.project_id, Complaint.state != ComplaintState.CLOSED,
                                Complaint.received_by_id != user.id,
                                or_(Complaint.id.in_(person), Complaint.responsible_user_id == user.id,
                                    Complaint.handler_id == user.id))
        .order_by(Complaint.id.desc()).limit(limit)))


def review_list(project: Project) -> list[Complaint]:
    """管理评审: complaints caused by a quality-system defect, those not yet reviewed first."""
    return list(db.session.scalars(
        select(Complaint).where(Complaint.project_id == project.id, Complaint.management_review.is_(True))
        .options(selectinload(Complaint.unit), selectinload(Complaint.responsible_department))
        .order_by(Complaint.reviewed_at.is_not(None), Complaint.received_at.desc(), Complaint.id.desc())))


@dataclass
class Figures:
    since: datetime
    total: int
    by_validity: Counter
    by_reason: Counter
    by_severity: Counter
    by_criterion: Counter
    by_department: Counter
    by_satisfaction: Counter
    repeats: int


def figures(project: Project, since: datetime) -> Figures:
    """What management review looks at: the complaints received since a date, counted by the
    seed's reasons and criteria and by the department responsible."""
    rows = list(db.session.scalars(
        select(Complaint).where(Complaint.project_id == project.id, Complaint.received_at >= since)
        .options(selectinload(Complaint.responsible_department))))
    return Figures(
        since=since, total=len(rows),
        by_validity=Counter(c.validity or "pending" for c in rows),
        by_reason=Counter(c.validity_reason for c in rows if c.validity_reason),
        by_severity=Counter(c.severity for c in rows if c.severity),
        by_criterion=Counter(x for c in rows for x in (c.criteria or [])),
        by_department=Counter(c.responsible_department.name for c in rows if c.responsible_department),
        by_satisfaction=Counter(c.satisfaction for c in rows if c.satisfaction),
        repeats=sum(1 for c in rows if c.repeat_status == "confirmed"))


def timeline(c: Complaint) -> list[AuditEvent]:
    """The complaint's audit events with those of its corrective actions' deadlines, in order."""
    action_ids = [a.id for a in c.actions]
    return list(db.session.scalars(
        select(AuditEvent).where(or_(
            and_(AuditEvent.subject_type == "complaint", AuditEvent.subject_id == c.id),
            and_(AuditEvent.subject_type == "corrective_action", AuditEvent.subject_id.in_(action_ids or [0]))))
        .order_by(AuditEvent.at, AuditEvent.id)))


def later_complaints(c: Complaint) -> list[Complaint]:
    """Complaints that were flagged as repeats of this one."""
    from ...models.complaint import complaint_repeat
    later = select(complaint_repeat.c.complaint_id).where(complaint_repeat.c.earlier_id == c.id)
    return list(db.session.scalars(select(Complaint).where(Complaint.id.in_(later)).order_by(Complaint.id)))


def missed_deadlines(c: Complaint, now: datetime | None = None) -> list[tuple[Deadline, CorrectiveAction | None]]:
    """The deadlines of B5 this complaint and its corrective actions did not meet, for the printed
    顾客投诉处理记录表: each with its action, if it is one's."""
    now = now or clock_now()
    rows = [(d, None) for d in for_subject(c)] + [(d, a) for a in c.actions for d in for_subject(a)]
    return sorted(((d, a) for d, a in rows if missed(d, now)), key=lambda row: row[0].due_at)

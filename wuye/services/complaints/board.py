"""Reading complaints for pages: the board by state, "my complaints", the management review list and
its figures, a complaint's timeline. Nothing here changes anything."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, false, func, literal_column, or_, select, union_all
from sqlalchemy.orm import aliased, selectinload

from ...clock import now as clock_now
from ...database import prepared
from ...extensions import db
from ...models import AuditEvent, Complaint, CorrectiveAction, Deadline, Project, Role, Unit, User
from ...models.complaint_codes import ACTION_TO_DO, ActionState
from ...models.complaint import ComplaintEscalation, complaint_department, complaint_person
from ...workflow.complaint import COLUMNS, ComplaintState, SEE_ALL
from ..deadlines.table import for_subject, missed, overdue_subjects, running_by_subject

CLOSED_SHOWN = timedelta(days=30)  # the 已关闭 column shows the last month


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


def _scope_kind(user: User) -> str:
    if user.role in SEE_ALL:
        return "all"
    if user.role == Role.DEPT_HEAD:
        return "department" if user.department_id else "handler"
    return "none"


def _scope(kind: str, project_id, user_id, department_id):
    """The rule of `scope` for a kind of reader; the values may be bound parameters (the default
    board's statements are built once and reused, see _default_statements)."""
    if kind == "all":
        return Complaint.project_id == project_id
    if kind in ("department", "handler"):
        mine = Complaint.handler_id == user_id
        if kind == "department":
            mine = or_(mine, _in_department(department_id))
        return and_(Complaint.project_id == project_id, mine)
    return false()


def scope(user: User):
    """The complaints this user's board shows (see complaint_access for the same rule per complaint)."""
    return _scope(_scope_kind(user), user.project_id, user.id, user.department_id)


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


PER_COLUMN = 20  # cards per page of a column; "more" shows the next page below them
MAX_PAGES = 50  # a column never shows more than PER_COLUMN × MAX_PAGES cards

# what a card shows: the board reads these columns (rows, not ORM objects: a hundred cards a page),
# with the unit's label and the handler's name joined in
CARD_COLUMNS = (Complaint.id, Complaint.number, Complaint.state, Complaint.unit_id, Complaint.complainant_name,
                Complaint.topic, Complaint.content, Complaint.received_at, Complaint.handler_id, Complaint.severity,
                Complaint.validity, Complaint.management_review, Complaint.repeat_status, Complaint.solved_on_spot,
                Complaint.closed_at)


@dataclass
class Column:
    """One state's column: its most urgent cards (the closed column: the latest closed) as rows of
    CARD_COLUMNS + unit_label, handler_name; how many match in all; how many pages of PER_COLUMN are shown."""
    state: str
    cards: list
    total: int
    pages: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.cards))


def _running(stype: str):
    return (Deadline.subject_type == stype, Deadline.met_at.is_(None), Deadline.closed_at.is_(None))


def urgency():
    """The due time of a complaint's most urgent running deadline, its own or one of its corrective
    actions' (NULL when none runs): the open columns' order, so the next page continues it. One
    scalar subquery per row, two index lookups (ix_deadline_subject)."""
    own = (select(Deadline.due_at).where(*_running("complaint"), Deadline.subject_id == Complaint.id)
           .correlate(Complaint))
    actions = (select(Deadline.due_at).join(CorrectiveAction, CorrectiveAction.id == Deadline.subject_id)
               .where(*_running("corrective_action"), CorrectiveAction.complaint_id == Complaint.id)
               .correlate(Complaint))
    both = union_all(own, actions).subquery()
    return select(func.min(both.c.due_at)).correlate(Complaint).scalar_subquery()


def _filtered(project: Project, user: User, f: BoardFilter, now: datetime) -> list:
    where = [Complaint.project_id == project.id, scope(user)]
    if f.serious:
        where.append(Complaint.severity == "serious")
    if f.review:
        where.append(Complaint.management_review.is_(True))
    if f.validity == "pending":
        where.append(Complaint.validity.is_(None))
    elif f.validity in ("valid", "invalid"):
        where.append(Complaint.validity == f.validity)
    if f.department_id:
        where.append(_in_department(f.department_id))
    if f.overdue:
        where.append(_overdue(project.id, now))
    if f.q and f.q.strip():
        where.append(_search(project.id, f.q))
    from . import board_figures
    return where + board_figures.conditions(project, f, now)


def query(project: Project, user: User, f: BoardFilter, now: datetime):
    """The complaints the filters match in this reader's scope, in every state (a figure's count)."""
    return select(Complaint).where(*_filtered(project, user, f, now))


def _ranked(where: list, order, limit: int):
    """Cards of CARD_COLUMNS (with the unit's label, the handler's name, whether it was escalated and
    its urgency) numbered within their state by `order`, each with its state's total: the first
    `limit` of every state in one query (window functions: SQLite 3.25+, PostgreSQL). `order` gives
    the ORDER BY from the inner query's columns."""
    # ranked on the few columns the order needs; the card's columns, its unit, handler and
    # escalation read for the shown rows only (a department head's 472 open complaints: 3.1 -> 1.9 ms)
    inner = (select(Complaint.id, Complaint.state, Complaint.received_at, Complaint.closed_at, urgency().label("due"))
             .where(*where).subquery())
    ranked = select(inner.c.id, inner.c.due,
                    func.row_number().over(partition_by=inner.c.state, order_by=order(inner.c)).label("rn"),
                    func.count().over(partition_by=inner.c.state).label("total")).subquery()
    handler = aliased(User)
    return (select(*CARD_COLUMNS, Unit.label.label("unit_label"), handler.name.label("handler_name"),
                   exists().where(ComplaintEscalation.complaint_id == Complaint.id).label("escalated"),
                   ranked.c.due, ranked.c.rn, ranked.c.total)
            .select_from(ranked).join(Complaint, Complaint.id == ranked.c.id)
            .outerjoin(Unit, Unit.id == Complaint.unit_id).outerjoin(handler, handler.id == Complaint.handler_id)
            .where(ranked.c.rn <= limit).order_by(ranked.c.rn, Complaint.id))


OPEN_STATES = [s for s in COLUMNS if s != ComplaintState.CLOSED]


def _open_order(c):
    return c.due.nulls_last(), c.received_at, c.id


def _closed_order(c):
    return c.closed_at.desc(), c.id.desc()


@lru_cache(maxsize=256)
def _default_statements(kind: str, open_limit: int, closed_limit: int):
    """The board as it opens all day (no filter), for a kind of reader: its two statements built
    once per process with the reader and the time as bound parameters. Building them cost more than
    running them (~3 ms a request: a few hundred SQL elements and their cache key)."""
    where = [Complaint.project_id == bindparam("project_id"),
             _scope(kind, bindparam("project_id"), bindparam("user_id"), bindparam("department_id"))]
    return (_ranked([*where, Complaint.state.in_(OPEN_STATES)], _open_order, open_limit),
            _ranked([*where, Complaint.state == ComplaintState.CLOSED, Complaint.closed_at >= bindparam("closed_since")],
                    _closed_order, closed_limit))


def board(project: Project, user: User, f: BoardFilter, pages: dict[str, int] | None = None,
          now: datetime | None = None) -> dict[str, Column]:
    """The columns by state: each its first `pages[state]` pages (1 unless asked), open columns most
    urgent first (a running deadline's due time, then the oldest received), the closed column the
    last CLOSED_SHOWN days, latest first. Two queries: the open columns, the closed one (read by
    index ranges: the open states whole, the closed one since CLOSED_SHOWN, not all its history)."""
    now = now or clock_now()
    shown = {state: max(1, min((pages or {}).get(state, 1), MAX_PAGES)) for state in COLUMNS}
    open_limit = PER_COLUMN * max(shown[s] for s in OPEN_STATES)
    closed_limit = PER_COLUMN * shown[ComplaintState.CLOSED]
    from . import board_figures
    if replace(f, q=(f.q or "").strip() or None) == BoardFilter():  # the board as it opens
        statements = _default_statements(_scope_kind(user), open_limit, closed_limit)
        params = {"project_id": project.id, "user_id": user.id, "department_id": user.department_id,
                  "closed_since": now - CLOSED_SHOWN}
    else:
        where = _filtered(project, user, f, now)
        recent = [] if board_figures.filtered(f) else [Complaint.closed_at >= now - CLOSED_SHOWN]  # a figure: all
        statements = (_ranked([*where, Complaint.state.in_(OPEN_STATES)], _open_order, open_limit),
                      _ranked([*where, Complaint.state == ComplaintState.CLOSED, *recent], _closed_order, closed_limit))
        params = {}
    rows = [row for stmt in statements for row in db.session.execute(stmt, params)]
    columns = {state: Column(state, [], 0, n) for state, n in shown.items()}
    for row in rows:
        col = columns[row.state]
        col.total = row.total
        if row.rn <= PER_COLUMN * col.pages:
            col.cards.append(row)
    return columns


def urgent_deadlines(complaints: list) -> dict[int, Deadline]:
    """The most urgent running deadline of each complaint, its own or one of its corrective actions'."""
    out = running_by_subject("complaint", [c.id for c in complaints])
    owner = {a.id: c.id for c in complaints for a in c.actions}
    for action_id, d in running_by_subject("corrective_action", list(owner)).items():
        cid = owner[action_id]
        if cid not in out or d.due_at < out[cid].due_at:
            out[cid] = d
    return out


def card_deadlines(ids: list[int]) -> dict[int, Any]:
    """urgent_deadlines for the board's cards, in one query of rows (what a badge reads: kind, due,
    warning, breach; `running` is true), not ORM objects."""
    if not ids:
        return {}
    out: dict[int, Any] = {}
    for row in db.session.execute(_card_deadlines_statement(), {"ids": ids}):
        out.setdefault(row.complaint_id, row)
    return out


@prepared
def _card_deadlines_statement():
    """Built once (the ids are an expanding parameter): building it cost as much as running it."""
    ids = bindparam("ids", expanding=True)
    cols = (Deadline.kind, Deadline.due_at, Deadline.warn_at, Deadline.breached_at, Deadline.met_at,
            Deadline.closed_at, literal_column("1").label("running"))
    own = select(Deadline.subject_id.label("complaint_id"), *cols).where(
        *_running("complaint"), Deadline.subject_id.in_(ids))
    actions = (select(CorrectiveAction.complaint_id, *cols)
               .join(CorrectiveAction, CorrectiveAction.id == Deadline.subject_id)
               .where(*_running("corrective_action"), CorrectiveAction.complaint_id.in_(ids)))
    return union_all(own, actions).order_by("due_at")


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


def _tracked_kind(user: User) -> str:
    if user.role != Role.DEPT_HEAD:
        return "all"
    return "department" if user.department_id else "none"


def _tracked(kind: str, project_id, department_id) -> list:
    """Customer service and the project manager follow every action; a department head their people's.
    The values may be bound parameters (the board's count is built once, see actions_to_check)."""
    where = [CorrectiveAction.project_id == project_id]
    if kind == "department":
        where.append(CorrectiveAction.owner_id.in_(select(User.id).where(User.department_id == department_id)))
    elif kind == "none":
        where.append(CorrectiveAction.owner_id.in_(select(User.id).where(false())))
    return where


def _tracked_where(user: User) -> list:
    return _tracked(_tracked_kind(user), user.project_id, user.department_id)


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
    return db.session.scalar(_to_check_statement(_tracked_kind(user)),
                             {"project_id": user.project_id, "department_id": user.department_id}) or 0


@prepared
def _to_check_statement(kind: str):
    """Built once per kind of reader: every board asks it."""
    return select(func.count()).select_from(CorrectiveAction).where(
        *_tracked(kind, bindparam("project_id"), bindparam("department_id")), CorrectiveAction.state == ActionState.DONE)


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

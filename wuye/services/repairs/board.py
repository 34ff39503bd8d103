"""The desk board's query: filters that each hit an index, keyset pagination on the order id."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import aliased, selectinload

from ...clock import now as clock_now
from ...database import prepared
from ...database import rows as database_rows
from ...extensions import db
from ...models import Deadline, Project, RepairOrder, ServiceForm, Unit, UnitContact, User
from ..deadlines.table import overdue_subjects


@dataclass
class BoardFilter:
    state: str | None = None
    urgency: str | None = None
    technician_id: int | None = None
    unit_id: int | None = None
    day_from: date | None = None
    day_to: date | None = None
    q: str | None = None
    overdue: bool = False  # only orders with a running deadline past due
    # the figures of /reports/ open the orders behind them with these
    source: str | None = None
    category: str | None = None
    building_id: int | None = None
    still_open: bool = False
    revisit: bool | None = None  # True: a follow-up visit was booked; False: none was
    late: str | None = None  # a deadline kind: met late or missed
    # a technician's deadlines of the table (responsible = them), judged or not kept (`kept`)
    responsible: int | None = None
    kept: str | None = None  # judged | not_kept (with `responsible`)
    # which time day_from/day_to bound: the order's intake (created), its payment (paid), its close
    # (closed), a 回访 opened (return_visit), or the `late` deadline falling due (due)
    dates: str = "created"
    method: str | None = None  # paid on the spot by this method
    collected_by: int | None = None  # the technician who took the payment
    handover: str | None = None  # the cash at the 房管员: received | pending | difference
    score: int | None = None  # the 服务单's overall score
    answered: bool = False  # a 服务单 was filled in
    ended: bool = False  # completed or declined (the closed orders the satisfaction figures read)
    return_visit: str | None = None  # opened | done | open
    charge: str | None = None  # the charge type (A3)
    claim: str | None = None  # a free job's cost claim: open | made | claimed | paid
    before: int | None = None  # keyset cursor: show orders with a smaller id


DATES = ("created", "paid", "closed", "return_visit", "due")


def query(project: Project, f: BoardFilter):
    """The orders the filters match, unordered (the board pages it; a figure's list counts it)."""
    from .board_figures import report_filters  # the filters the figures of /reports/ open the board with
    stmt = select(RepairOrder).where(RepairOrder.project_id == project.id)
    if f.state:
        stmt = stmt.where(RepairOrder.state == f.state)
    if f.urgency:
        stmt = stmt.where(RepairOrder.urgency == f.urgency)
    if f.technician_id:
        stmt = stmt.where(RepairOrder.technician_id == f.technician_id)
    if f.unit_id:
        stmt = stmt.where(RepairOrder.unit_id == f.unit_id)
    if f.overdue:
        stmt = stmt.where(RepairOrder.id.in_(overdue_subjects("repair_order", project.id, clock_now())))
    stmt = report_filters(stmt, project, f)
    return _text_filter(stmt, project, f)


# what a row of the board shows (rows, not ORM objects: fifty a page, each with its unit and
# technician, cost more to build as objects than to write), with the unit's label, the
# technician's name, the most urgent running deadline and the 服务单's scores joined in — in this
# order, which desk/board_rows.py unpacks
ROW_COLUMNS = (RepairOrder.id, RepairOrder.number, RepairOrder.contact_name, RepairOrder.contact_phone,
               RepairOrder.category, RepairOrder.description, RepairOrder.urgency, RepairOrder.appointment_start,
               RepairOrder.appointment_end, RepairOrder.state, RepairOrder.created_at)
_TECHNICIAN = aliased(User)  # made once: an alias built per request costs more than the query
_DEADLINE = aliased(Deadline)
# the order's most urgent running deadline (what running_by_subject gives), one index look-up a row:
# joined here rather than read by a second query, which cost more than this whole join
_MOST_URGENT = (select(Deadline.id).where(Deadline.subject_type == "repair_order",
                                          Deadline.subject_id == RepairOrder.id,
                                          Deadline.met_at.is_(None), Deadline.closed_at.is_(None))
                .order_by(Deadline.due_at, Deadline.id).limit(1).correlate(RepairOrder).scalar_subquery())
EXTRA_COLUMNS = (Unit.label.label("unit_label"), _TECHNICIAN.name.label("technician_name"),
                 _DEADLINE.kind.label("deadline_kind"), _DEADLINE.due_at.label("deadline_due_at"),
                 _DEADLINE.warn_at.label("deadline_warn_at"), _DEADLINE.breached_at.label("deadline_breached_at"),
                 ServiceForm.overall, ServiceForm.timeliness, ServiceForm.attitude, ServiceForm.quality)


def _page(stmt, limit: int):
    return (stmt.with_only_columns(*ROW_COLUMNS, *EXTRA_COLUMNS, maintain_column_froms=False)
            .join_from(RepairOrder, Unit, Unit.id == RepairOrder.unit_id)
            .outerjoin(_TECHNICIAN, _TECHNICIAN.id == RepairOrder.technician_id)
            .outerjoin(_DEADLINE, _DEADLINE.id == _MOST_URGENT)
            .outerjoin(ServiceForm, ServiceForm.order_id == RepairOrder.id)  # one form an order at most
            .order_by(RepairOrder.id.desc()).limit(limit + 1))


@prepared
def _unfiltered_statement(limit: int, paged: bool):
    # the board as a clerk opens it, and its "older orders": the page every desk polls
    stmt = select(RepairOrder).where(RepairOrder.project_id == bindparam("project_id"))
    if paged:
        stmt = stmt.where(RepairOrder.id < bindparam("before"))
    return _page(stmt, limit)


def search(project: Project, f: BoardFilter, limit: int) -> tuple[list, int | None]:
    """One page of orders, newest first — rows of ROW_COLUMNS + EXTRA_COLUMNS — and the cursor of
    the next page (None at the end)."""
    if f == BoardFilter(before=f.before):
        rows = database_rows(_unfiltered_statement(limit, bool(f.before)), {"project_id": project.id, "before": f.before})
    else:
        stmt = query(project, f)
        if f.before:
            stmt = stmt.where(RepairOrder.id < f.before)
        rows = database_rows(_page(stmt, limit))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def _text_filter(stmt, project: Project, f: BoardFilter):
    q = (f.q or "").strip().replace(" ", "")
    if q:
        if q.upper().startswith("BX-"):
            stmt = stmt.where(ascii_prefix(RepairOrder.number, q.upper()))
        else:
            # the few matching units first: an OR with a subquery makes PostgreSQL walk every order
            unit_ids = list(db.session.scalars(
                select(Unit.id).where(Unit.project_id == project.id, _unit_matches(q)).limit(200)))
            by_phone = ascii_prefix(RepairOrder.contact_phone, q)
            stmt = stmt.where(or_(by_phone, RepairOrder.unit_id.in_(unit_ids)) if unit_ids else by_phone)
    return stmt


def ascii_prefix(column, prefix: str):
    """`column LIKE 'prefix%'` as a range, which a plain btree index serves on both databases
    (SQLite drops its LIKE optimisation once an ESCAPE clause is present; PostgreSQL needs a
    pattern-ops index for LIKE). Only for ASCII values such as order numbers and phones."""
    return and_(column >= prefix, column < prefix + "\x7f")


def find_units(project: Project, text: str, limit: int = 8) -> list[Unit]:
    """Units whose label starts with what was typed (spaces ignored), or a phone of one of whose
    contacts (owner, tenant, family) does."""
    key = text.strip().replace(" ", "")
    if not key:
        return []
    return list(db.session.scalars(
        select(Unit).where(Unit.project_id == project.id, _unit_matches(key))
        .options(selectinload(Unit.contacts)).order_by(Unit.search_key).limit(limit)
    ))


def _unit_matches(key: str):
    return or_(Unit.search_key.startswith(key, autoescape=True),
               Unit.room.startswith(key, autoescape=True),
               Unit.short_key.startswith(key, autoescape=True),
               Unit.id.in_(select(UnitContact.unit_id).where(
                   UnitContact.project_id == Unit.project_id,
                   or_(UnitContact.phone.startswith(key, autoescape=True),
                       UnitContact.phone2.startswith(key, autoescape=True)))))


def recent_orders_for_unit(unit: Unit, limit: int = 5) -> list[RepairOrder]:
    """The repeat-call hint: this unit's latest orders, and those any of its contacts called in."""
    phones = [p for c in unit.contacts for p in c.phones]
    mine = RepairOrder.unit_id == unit.id
    if phones:
        mine = or_(mine, RepairOrder.contact_phone.in_(phones))
    return list(db.session.scalars(
        select(RepairOrder).where(RepairOrder.project_id == unit.project_id, mine)
        .order_by(RepairOrder.id.desc()).limit(limit)
    ))

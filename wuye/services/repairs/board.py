"""The desk board's query: filters that each hit an index, keyset pagination on the order id."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ...clock import now as clock_now
from ...extensions import db
from ...i18n import day_bounds_utc
from ...models import Project, RepairOrder, Unit, UnitContact
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
    before: int | None = None  # keyset cursor: show orders with a smaller id


def search(project: Project, f: BoardFilter, limit: int) -> tuple[list[RepairOrder], int | None]:
    """One page of orders, newest first, and the cursor of the next page (None at the end)."""
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
    if f.day_from:
        stmt = stmt.where(RepairOrder.created_at >= day_bounds_utc(f.day_from, project.timezone)[0])
    if f.day_to:
        stmt = stmt.where(RepairOrder.created_at < day_bounds_utc(f.day_to, project.timezone)[1])
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
    if f.before:
        stmt = stmt.where(RepairOrder.id < f.before)
    stmt = stmt.order_by(RepairOrder.id.desc()).limit(limit + 1).options(
        joinedload(RepairOrder.unit), joinedload(RepairOrder.technician))
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


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

"""The desk board's filters that a figure of /reports/ opens it with, so the board lists exactly the
orders behind the figure — in the same period, by the same time (intake, payment, close, 回访, the
deadline falling due) — and the count and amounts the figure shows."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from ...clock import now as clock_now
from ...extensions import db
from ...i18n import day_bounds_utc
from ...models import Deadline, Project, RepairOrder, ReturnVisit, ServiceForm, Unit, Visit
from ...models.job import FeeHandover, Payment, Quote
from ...models.warranty import CostClaim
from ...workflow.repair import OPEN_STATES, RepairState

O = RepairOrder
ENDED = (RepairState.COMPLETED.value, RepairState.DECLINED.value)


def bounds(project: Project, f) -> tuple:
    """[start, end) in UTC of the filter's local days; None where a side is open."""
    start = day_bounds_utc(f.day_from, project.timezone)[0] if f.day_from else None
    end = day_bounds_utc(f.day_to, project.timezone)[1] if f.day_to else None
    return start, end


def _within(column, start, end) -> list:
    return ([column >= start] if start is not None else []) + ([column < end] if end is not None else [])


def _payment(project: Project, f, start, end):
    """The order's payment (one per order) as the money figures count it."""
    P = Payment
    where = [P.project_id == project.id]
    if f.dates == "paid":
        where += _within(P.paid_at, start, end)
    if f.method:
        where.append(P.method == f.method)
    if f.collected_by:
        where.append(P.technician_id == f.collected_by)
    handed = select(FeeHandover.payment_id)
    if f.handover == "received":
        where.append(P.id.in_(handed))
    elif f.handover == "pending":
        where.append(P.id.not_in(handed))
    elif f.handover == "difference":
        where.append(P.id.in_(handed.where(FeeHandover.received_fen != FeeHandover.expected_fen)))
    return select(P.order_id).where(*where)


def _late(project: Project, kind: str, start, end):
    d = Deadline
    return select(d.subject_id).where(
        d.project_id == project.id, d.subject_type == "repair_order", d.kind == kind,
        *(_within(d.due_at, start, end) if start is not None or end is not None else []),
        or_(d.met_at > d.due_at, d.breached_at.is_not(None),
            and_(d.met_at.is_(None), d.closed_at.is_(None), d.due_at < clock_now())))


def _kept_by(project: Project, who: int, kept: str, start, end):
    """The orders of a technician's deadlines of the table (responsible = them) that fell due in the
    days, judged (on time, late or missed) or not kept (late or missed): what "Deadlines kept per
    technician" counts, judged as services/reports/tables.deadline_outcome judges them."""
    from ..deadlines.table import REPAIR, RULES
    from ..reports.tables import LATE, MISSED, ON_TIME, deadline_outcome
    d = Deadline
    outcomes = (LATE, MISSED) if kept == "not_kept" else (ON_TIME, LATE, MISSED)
    return select(d.subject_id).where(
        d.project_id == project.id, d.subject_type == "repair_order", d.responsible_id == who,
        d.kind.in_([r.name for r in RULES if r.subject == REPAIR]), *_within(d.due_at, start, end),
        deadline_outcome(clock_now()).in_(outcomes))


def uses_money(f) -> bool:
    return f.dates == "paid" or bool(f.method or f.collected_by or f.handover)


def report_filters(stmt, project: Project, f):
    start, end = bounds(project, f)
    if f.dates == "created":
        stmt = stmt.where(*_within(O.created_at, start, end))
    elif f.dates == "closed":
        stmt = stmt.where(*_within(O.closed_at, start, end))
    if f.source:
        stmt = stmt.where(O.source == f.source)
    if f.category:
        stmt = stmt.where(O.category == f.category)
    if f.building_id:
        stmt = stmt.where(O.unit_id.in_(select(Unit.id).where(Unit.project_id == project.id,
                                                               Unit.building_id == f.building_id)))
    if f.still_open:
        stmt = stmt.where(O.state.in_([s.value for s in OPEN_STATES]))
    if f.ended:
        stmt = stmt.where(O.state.in_(ENDED))
    if f.revisit is not None:
        revisited = select(Visit.order_id).where(Visit.number > 1)
        stmt = stmt.where(O.id.in_(revisited) if f.revisit else O.id.not_in(revisited))
    if f.late:
        stmt = stmt.where(O.id.in_(_late(project, f.late, *((start, end) if f.dates == "due" else (None, None)))))
    if f.responsible:
        stmt = stmt.where(O.id.in_(_kept_by(project, f.responsible, f.kept or "judged",
                                            *((start, end) if f.dates == "due" else (None, None)))))
    if uses_money(f):
        stmt = stmt.where(O.id.in_(_payment(project, f, start, end)))
    if f.score or f.answered:
        forms = select(ServiceForm.order_id).where(ServiceForm.project_id == project.id)
        stmt = stmt.where(O.id.in_(forms.where(ServiceForm.overall == f.score) if f.score else forms))
    if f.return_visit or f.dates == "return_visit":
        R = ReturnVisit
        where = [R.project_id == project.id]
        if f.dates == "return_visit":
            where += _within(R.opened_at, start, end)
        if f.return_visit == "done":
            where.append(R.done_at.is_not(None))
        elif f.return_visit == "open":
            where.append(R.done_at.is_(None))
        stmt = stmt.where(O.id.in_(select(R.order_id).where(*where)))
    if f.charge:
        stmt = stmt.where(O.charge_type == f.charge)
    if f.claim:
        claims = select(CostClaim.order_id).where(CostClaim.project_id == project.id)
        if f.claim in ("claimed", "paid"):
            claims = claims.where(CostClaim.state == f.claim)
        stmt = stmt.where(O.id.not_in(claims) if f.claim == "open" else O.id.in_(claims))
    return stmt


def filtered(f) -> bool:
    """A figure's list (a period or a figure's filter): the board then counts what it lists."""
    return bool(f.day_from or f.day_to or f.source or f.category or f.building_id or f.still_open or f.ended
                or f.revisit is not None or f.late or f.responsible or uses_money(f) or f.score or f.answered or f.return_visit
                or f.charge or f.claim)


@dataclass
class Summary:
    orders: int
    paid_fen: int | None = None  # what the listed orders' payments came to
    received_fen: int | None = None  # what the 房管员 received of them, and the differences
    difference_fen: int | None = None
    cost_fen: int | None = None  # hours and materials of the consented quotes (the cost to claim)


def consented_cost(order_ids):
    """Labour and materials of each order's last consented quote, summed: the cost the claims count."""
    last = (select(func.max(Quote.revision)).where(Quote.order_id == O.id, Quote.decision == "consented")
            .correlate(O).scalar_subquery())
    return (select(func.coalesce(func.sum(Quote.labour_fen + Quote.materials_fen), 0))
            .join(O, O.id == Quote.order_id)
            .where(O.id.in_(order_ids), Quote.decision == "consented", Quote.revision == last))


def summary(project: Project, f) -> Summary:
    """How many orders the filters match, and what their money adds up to: the figure's own numbers."""
    from .board import query
    ids = query(project, f).with_only_columns(O.id)
    out = Summary(db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0)
    if uses_money(f):
        paid, received, diff = db.session.execute(
            select(func.sum(Payment.amount_fen), func.sum(FeeHandover.received_fen),
                   func.sum(FeeHandover.received_fen - FeeHandover.expected_fen))
            .outerjoin(FeeHandover, FeeHandover.payment_id == Payment.id)
            .where(Payment.order_id.in_(ids))).one()
        out.paid_fen = int(paid or 0)
        if f.handover:  # what the housing officer's desk made of them
            out.received_fen, out.difference_fen = int(received or 0), int(diff or 0)
    if f.charge or f.claim:
        out.cost_fen = int(db.session.scalar(consented_cost(ids)) or 0)
    return out



"""Fees to the housing officer (房管员): the cash technicians hold, its handover, the day's reconciliation.

A handover is recorded by `confirm_handover`, one per cash payment: a difference is recorded only
with a note of what was said, so the reconciliation can explain every yuan.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from ... import money
from ...clock import now as clock_now
from ...database import transaction
from ...extensions import db
from ...i18n import day_bounds_utc
from ...models import RepairOrder, Role, User
from ...models.job import FeeHandover, Payment
from .. import Actor, DomainError, InvalidInput, NotAllowed
from ..audit import record
from ..notifications import notify
from .technician import PAY_METHODS, SUBJECT


@dataclass
class HeldPayment:
    """A cash payment not yet handed over."""
    payment: Payment
    order: RepairOrder


@dataclass
class TechnicianCash:
    technician: User
    items: list[HeldPayment] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(i.payment.amount_fen for i in self.items)


@dataclass
class HandoverRow:
    handover: FeeHandover
    order: RepairOrder
    technician: User
    officer: User

    @property
    def difference_fen(self) -> int:
        return self.handover.difference_fen


def _held(project_id: int, technician_id: int | None = None) -> list[HeldPayment]:
    """Cash collected and not handed over. A ¥0 payment (a free repair) holds nothing to hand over."""
    stmt = (select(Payment, RepairOrder)
            .join(RepairOrder, RepairOrder.id == Payment.order_id)
            .outerjoin(FeeHandover, FeeHandover.payment_id == Payment.id)
            .options(joinedload(RepairOrder.unit), joinedload(Payment.technician))
            .where(Payment.project_id == project_id, Payment.method == "cash", Payment.amount_fen > 0,
                   FeeHandover.id.is_(None))
            .order_by(Payment.paid_at, Payment.id))
    if technician_id is not None:
        stmt = stmt.where(Payment.technician_id == technician_id)
    return [HeldPayment(p, o) for p, o in db.session.execute(stmt).unique().all()]


def held_by(project_id: int, technician_id: int) -> TechnicianCash | None:
    items = _held(project_id, technician_id)
    if not items:
        return None
    return TechnicianCash(items[0].payment.technician, items)


def held_by_technician(project_id: int) -> list[TechnicianCash]:
    """Every technician who holds cash, by name; each one's payments oldest first."""
    groups: dict[int, TechnicianCash] = {}
    for item in _held(project_id):
        tech = item.payment.technician
        groups.setdefault(tech.id, TechnicianCash(tech)).items.append(item)
    return sorted(groups.values(), key=lambda g: (g.technician.name, g.technician.id))


def held_count(project_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Payment)
        .outerjoin(FeeHandover, FeeHandover.payment_id == Payment.id)
        .where(Payment.project_id == project_id, Payment.method == "cash", Payment.amount_fen > 0,
               FeeHandover.id.is_(None))) or 0


def pending_payment(project_id: int, payment_id: int) -> Payment | None:
    """A cash payment of this project that can be received here; anything else is not there."""
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.project_id != project_id or payment.method != "cash":
        return None
    return payment


def _handover_rows(*where) -> list[HandoverRow]:
    tech, officer = aliased(User), aliased(User)
    stmt = (select(FeeHandover, RepairOrder, tech, officer)
            .join(Payment, Payment.id == FeeHandover.payment_id)
            .join(RepairOrder, RepairOrder.id == Payment.order_id)
            .join(tech, tech.id == FeeHandover.technician_id)
            .join(officer, officer.id == FeeHandover.officer_id)
            .options(joinedload(RepairOrder.unit), joinedload(FeeHandover.payment))
            .where(*where)
            .order_by(FeeHandover.confirmed_at, FeeHandover.id))
    return [HandoverRow(h, o, t, w) for h, o, t, w in db.session.execute(stmt).unique().all()]


def handovers(project_id: int, start: datetime, end: datetime,
              technician_id: int | None = None) -> list[HandoverRow]:
    """Handovers confirmed in [start, end), oldest first."""
    where = [FeeHandover.project_id == project_id, FeeHandover.confirmed_at >= start, FeeHandover.confirmed_at < end]
    if technician_id is not None:
        where.append(FeeHandover.technician_id == technician_id)
    return _handover_rows(*where)


def handover_row(project_id: int, handover_id: int) -> HandoverRow | None:
    rows = _handover_rows(FeeHandover.project_id == project_id, FeeHandover.id == handover_id)
    return rows[0] if rows else None


def recent_handovers(project_id: int, technician_id: int, days: int = 14) -> list[HandoverRow]:
    """What a technician handed over lately, newest first."""
    end = clock_now() + timedelta(seconds=1)
    return list(reversed(handovers(project_id, end - timedelta(days=days), end, technician_id)))


def receive(actor: Actor, payment: Payment, received_fen: int, note: str | None) -> FeeHandover:
    """The housing officer counts the cash of one order; confirm_handover holds the rules (a
    difference needs a note)."""
    return confirm_handover(actor, payment, received_fen, note)


# ---- the day's reconciliation --------------------------------------------------------------

@dataclass
class TechnicianDay:
    technician: User
    rows: list[HandoverRow] = field(default_factory=list)

    @property
    def expected_fen(self) -> int:
        return sum(r.handover.expected_fen for r in self.rows)

    @property
    def received_fen(self) -> int:
        return sum(r.handover.received_fen for r in self.rows)

    @property
    def difference_fen(self) -> int:
        return self.received_fen - self.expected_fen

    @property
    def flagged(self) -> list[HandoverRow]:
        return [r for r in self.rows if r.difference_fen]


@dataclass
class MethodTotal:
    method: str
    count: int
    amount_fen: int


@dataclass
class Reconciliation:
    day: date
    technicians: list[TechnicianDay]
    methods: list[MethodTotal]
    cash_still_held_fen: int  # cash paid this day that no handover has covered yet

    @property
    def expected_fen(self) -> int:
        return sum(t.expected_fen for t in self.technicians)

    @property
    def received_fen(self) -> int:
        return sum(t.received_fen for t in self.technicians)

    @property
    def difference_fen(self) -> int:
        return self.received_fen - self.expected_fen

    @property
    def handover_count(self) -> int:
        return sum(len(t.rows) for t in self.technicians)

    @property
    def paid_fen(self) -> int:
        return sum(m.amount_fen for m in self.methods)

    @property
    def paid_count(self) -> int:
        return sum(m.count for m in self.methods)


def reconcile(project_id: int, day: date, tz: str | None) -> Reconciliation:
    """Handovers confirmed on `day` (project time) per technician, and that day's payments by method."""
    start, end = day_bounds_utc(day, tz)
    groups: dict[int, TechnicianDay] = {}
    for row in handovers(project_id, start, end):
        groups.setdefault(row.technician.id, TechnicianDay(row.technician)).rows.append(row)
    technicians = sorted(groups.values(), key=lambda g: (g.technician.name, g.technician.id))

    in_day = (Payment.project_id == project_id, Payment.paid_at >= start, Payment.paid_at < end)
    sums = {m: (n, total) for m, n, total in db.session.execute(
        select(Payment.method, func.count(), func.coalesce(func.sum(Payment.amount_fen), 0))
        .where(*in_day).group_by(Payment.method)).all()}
    methods = [MethodTotal(m, int(sums.get(m, (0, 0))[0]), int(sums.get(m, (0, 0))[1])) for m in PAY_METHODS]
    still_held = db.session.scalar(
        select(func.coalesce(func.sum(Payment.amount_fen), 0))
        .outerjoin(FeeHandover, FeeHandover.payment_id == Payment.id)
        .where(*in_day, Payment.method == "cash", FeeHandover.id.is_(None))) or 0
    return Reconciliation(day, technicians, methods, int(still_held))


def confirm_handover(actor: Actor, payment: Payment, received_fen: int, note_text: str | None = None) -> FeeHandover:
    """The housing officer counts the cash of one order; a difference needs a note (what the
    technician said) and is flagged with both names."""
    if actor.role != Role.HOUSING_OFFICER:
        raise NotAllowed(_("Only the housing officer receives fees."))
    if received_fen < 0:
        raise InvalidInput(_("The amount cannot be negative."))
    if received_fen > money.MAX_FEN:
        raise InvalidInput(_("That amount is too large: at most ¥1,000,000.00."))
    note = (note_text or "").strip() or None
    with transaction():
        payment = db.session.get(Payment, payment.id)
        if payment is None or payment.project_id != actor.user.project_id or payment.method != "cash":
            raise DomainError(_("No cash payment to receive here."))
        if db.session.scalar(select(FeeHandover).where(FeeHandover.payment_id == payment.id)):
            raise DomainError(_("This payment was already handed over."))
        if received_fen != payment.amount_fen and note is None:
            raise InvalidInput(_("The amount received differs from the amount expected: note what the technician said."))
        h = FeeHandover(payment_id=payment.id, project_id=payment.project_id, technician_id=payment.technician_id,
                        officer_id=actor.user.id, expected_fen=payment.amount_fen, received_fen=received_fen,
                        note=note, confirmed_at=clock_now())
        db.session.add(h)
        order = db.session.get(RepairOrder, payment.order_id)
        record(actor, "fee_handover", SUBJECT, order.id, order.project_id, expected_fen=payment.amount_fen,
               received_fen=received_fen, technician=payment.technician.name)
        if received_fen != payment.amount_fen:
            notify(payment.technician, "fee_difference", link="/tech/fees", number=order.number,
                   expected=payment.amount_fen, received=received_fen)
    return h

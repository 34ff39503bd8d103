"""The quote (工时, 物料, 收费标准) a technician tells the customer before any work: the project's
price list and labour rate, the fee by wuye.money's one rounding rule, a free repair at ¥0 due."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from ... import money
from ...database import prepared
from ...extensions import db
from ...models import RepairOrder
from ...models.job import PriceItem, Quote, QuoteLine
from ...numbers import get_by_id
from .. import InvalidInput
from . import charging
from .signatures import digest


@dataclass
class QuoteLineInput:
    name: str
    unit: str
    quantity_milli: int
    unit_price_fen: int
    price_item_id: int | None = None
    price_reason: str | None = None


@dataclass
class QuoteInput:
    labour_minutes: int
    lines: list[QuoteLineInput] = field(default_factory=list)


def labour_rate(project_id: int) -> int:
    item = db.session.scalar(select(PriceItem).where(PriceItem.project_id == project_id,
                                                     PriceItem.kind == "labour", PriceItem.active.is_(True)))
    return item.price_fen if item else 0


def price_list(project_id: int) -> list[PriceItem]:
    return list(db.session.scalars(select(PriceItem).where(
        PriceItem.project_id == project_id, PriceItem.kind == "material", PriceItem.active.is_(True))
        .order_by(PriceItem.name)))


@prepared
def _price_list_statement():
    return (select(PriceItem).where(PriceItem.project_id == bindparam("project_id"),
                                    PriceItem.kind.in_(("material", "labour")), PriceItem.active.is_(True))
            .order_by(PriceItem.name, PriceItem.id))


@prepared
def _accepted_statement():
    return (select(Quote).where(Quote.order_id == bindparam("order_id"), Quote.decision == "consented")
            .order_by(Quote.revision.desc()).limit(1))


def price_list_and_labour_rate(project_id: int) -> tuple[list[PriceItem], int]:
    """price_list and labour_rate in one query (the job page shows both)."""
    items = db.session.scalars(_price_list_statement(), {"project_id": project_id}).all()
    labour = next((i for i in items if i.kind == "labour"), None)
    return [i for i in items if i.kind == "material"], labour.price_fen if labour else 0


def compute(project_id: int, q: QuoteInput) -> tuple[int, int, int, list[tuple[QuoteLineInput, int | None, int]]]:
    """(labour, materials, total, lines with list price and amount) in fen, checked; the rounding
    is wuye.money's, the one the phone previews."""
    if not (0 <= q.labour_minutes <= money.MAX_MINUTES):
        raise InvalidInput(_("Labour hours must be between 0 and 24."))
    out = []
    for line in q.lines:
        if not line.name.strip():
            raise InvalidInput(_("Every material line needs a name."))
        if line.quantity_milli <= 0:
            raise InvalidInput(_("Quantities must be more than zero."))
        if line.quantity_milli > money.MAX_QUANTITY_MILLI:
            raise InvalidInput(_("A quantity is at most 10,000."))
        if line.unit_price_fen < 0:
            raise InvalidInput(_("Prices cannot be negative."))
        if line.unit_price_fen > money.MAX_FEN:
            raise InvalidInput(_("That amount is too large: at most ¥1,000,000.00."))
        listed = None
        if line.price_item_id:
            item = get_by_id(PriceItem, line.price_item_id)
            if item is None or item.project_id != project_id:
                raise InvalidInput(_("Choose materials from this project's price list."))
            listed = item.price_fen
            if line.unit_price_fen != listed and not (line.price_reason or "").strip():
                raise InvalidInput(_("A price that differs from the price list needs a reason."))
        out.append((line, listed))
    try:
        fee = money.fee(labour_rate(project_id), q.labour_minutes,
                        [(line.unit_price_fen, line.quantity_milli) for line, _listed in out])
    except money.NumberError as e:
        raise InvalidInput(e.message) from None
    return (fee.labour_fen, fee.total_fen - fee.labour_fen, fee.total_fen,
            [(line, listed, amount) for (line, listed), amount in zip(out, fee.line_fen)])


def _quote_content(order: RepairOrder, revision: int, minutes: int, rate: int, total: int, lines) -> dict:
    return {"order": order.number, "revision": revision, "labour_minutes": minutes, "labour_rate_fen": rate,
            "total_fen": total, "charge_type": order.charge_type,
            "lines": [{"name": ln.name.strip(), "unit": ln.unit, "quantity_milli": ln.quantity_milli,
                       "unit_price_fen": ln.unit_price_fen} for ln, _listed, _amount in lines]}


def new_quote(order: RepairOrder, q: QuoteInput) -> Quote:
    labour, materials, total, lines = compute(order.project_id, q)
    if charging.is_free(order.charge_type):
        # hours and materials are still recorded, at the price list's value (the cost to claim); ¥0 due
        if any(listed is not None and ln.unit_price_fen != listed for ln, listed, _amount in lines):
            raise InvalidInput(_("A free repair records materials at the price list's value."))
        total = 0
    revision = (db.session.scalar(select(func.max(Quote.revision)).where(Quote.order_id == order.id)) or 0) + 1
    rate = labour_rate(order.project_id)
    quote = Quote(order_id=order.id, revision=revision, labour_minutes=q.labour_minutes, labour_rate_fen=rate,
                  labour_fen=labour, materials_fen=materials, total_fen=total, charge_type=order.charge_type,
                  content_digest=digest(_quote_content(order, revision, q.labour_minutes, rate, total, lines)))
    for i, (ln, listed, amount) in enumerate(lines):
        quote.lines.append(QuoteLine(position=i, price_item_id=ln.price_item_id, name=ln.name.strip(), unit=ln.unit,
                                     quantity_milli=ln.quantity_milli, unit_price_fen=ln.unit_price_fen,
                                     list_price_fen=listed, price_reason=(ln.price_reason or "").strip() or None,
                                     amount_fen=amount))
    db.session.add(quote)
    db.session.flush()
    return quote


def accepted_quote(order: RepairOrder) -> Quote | None:
    return db.session.scalar(_accepted_statement(), {"order_id": order.id})

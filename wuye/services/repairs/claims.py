"""Claiming the cost of free repairs (A3): warranty jobs from the developer or main contractor responsible,
common-parts jobs from the maintenance fund (公共维修资金, accounted per building). The cost is the
job's hours and materials at the price list's value, as recorded in the quote the customer signed."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ...clock import now as clock_now
from ...database import transaction
from ...extensions import db
from ...i18n import day_bounds_utc, local_day
from ...models import Building, Project, RepairOrder, Unit
from ...models.job import Quote
from ...models.warranty import ChargeType, CostClaim
from ...workflow.repair import RepairState
from .. import Actor, DomainError, InvalidInput
from ..audit import record

KINDS = (ChargeType.WARRANTY, ChargeType.COMMON)
STATES = ("open", "claimed", "paid")
NEXT = {"claimed": "open", "paid": "claimed"}  # a mark needs the state before it


@dataclass
class ClaimRow:
    order: RepairOrder
    closed_on: date
    labour_minutes: int
    labour_fen: int
    materials_fen: int
    state: str
    claim: CostClaim | None

    @property
    def cost_fen(self) -> int:
        return self.labour_fen + self.materials_fen


@dataclass
class PartyClaims:
    party: str  # the builder, or the building whose maintenance fund pays
    rows: list[ClaimRow] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(r.cost_fen for r in self.rows)

    def total_in(self, state: str) -> int:
        return sum(r.cost_fen for r in self.rows if r.state == state)


def month_bounds(month: date, tz: str) -> tuple[datetime, datetime]:
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return day_bounds_utc(month.replace(day=1), tz)[0], day_bounds_utc(nxt, tz)[0]


def _quotes(order_ids: list[int]) -> dict[int, Quote]:
    """The consented quote of each order (its last revision)."""
    out: dict[int, Quote] = {}
    if order_ids:
        for q in db.session.scalars(select(Quote).where(Quote.order_id.in_(order_ids), Quote.decision == "consented")
                                    .order_by(Quote.revision)):
            out[q.order_id] = q
    return out


def claim_list(project: Project, kind: str, month: date | None = None, state: str | None = None) -> list[PartyClaims]:
    """Completed free jobs of `kind` per party, closed in `month` (project time) if given, in `state` if given."""
    if kind not in KINDS:
        raise InvalidInput(_("Choose warranty jobs or common-parts jobs."))
    q = (select(RepairOrder, CostClaim, Building.name)
         .join(Unit, Unit.id == RepairOrder.unit_id).join(Building, Building.id == Unit.building_id)
         .outerjoin(CostClaim, CostClaim.order_id == RepairOrder.id)
         .where(RepairOrder.project_id == project.id, RepairOrder.charge_type == kind,
                RepairOrder.state == RepairState.COMPLETED)
         .order_by(RepairOrder.closed_at, RepairOrder.id))
    if month is not None:
        start, end = month_bounds(month, project.timezone)
        q = q.where(RepairOrder.closed_at >= start, RepairOrder.closed_at < end)
    rows = db.session.execute(q).all()
    quotes = _quotes([o.id for o, _c, _b in rows])
    parties: dict[str, PartyClaims] = {}
    for order, claim, building in rows:
        row_state = claim.state if claim else "open"
        if state and row_state != state:
            continue
        quote = quotes.get(order.id)
        party = (order.charge_party or _("(no party recorded)")) if kind == ChargeType.WARRANTY else building
        parties.setdefault(party, PartyClaims(party)).rows.append(ClaimRow(
            order, local_day(order.closed_at, project.timezone), quote.labour_minutes if quote else 0,
            quote.labour_fen if quote else 0, quote.materials_fen if quote else 0, row_state, claim))
    return sorted(parties.values(), key=lambda p: p.party)


def mark(actor: Actor, project: Project, order_ids: list[int], to: str) -> int:
    """Mark jobs claimed (from open) or paid (from claimed); all or none, each audited. Returns how many."""
    if to not in NEXT:
        raise InvalidInput(_("Mark jobs as claimed or paid."))
    if not order_ids:
        raise InvalidInput(_("Tick the jobs to mark."))
    at = clock_now()
    with transaction():
        orders = db.session.scalars(select(RepairOrder).where(RepairOrder.id.in_(order_ids)).with_for_update()).all()
        if len(orders) != len(set(order_ids)):
            raise DomainError(_("Some of these jobs are not on the claim list; reload it."))
        for order in orders:
            if (order.project_id != project.id or order.charge_type not in KINDS
                    or order.state != RepairState.COMPLETED):
                raise DomainError(_("Some of these jobs are not on the claim list; reload it."))
            claim = db.session.scalar(select(CostClaim).where(CostClaim.order_id == order.id).with_for_update())
            if (claim.state if claim else "open") != NEXT[to]:
                raise DomainError(_("Order %(number)s is not %(state)s; reload the list.", number=order.number,
                                    state=_("open") if NEXT[to] == "open" else _("claimed")))
            if claim is None:
                claim = CostClaim(order_id=order.id, project_id=project.id, state=to, claimed_at=at,
                                  claimed_by_id=actor.user.id)
                db.session.add(claim)
            else:
                claim.state, claim.paid_at, claim.paid_by_id = to, at, actor.user.id
            quote = _quotes([order.id]).get(order.id)
            record(actor, f"claim_{to}", "repair_order", order.id, project.id, at=at,
                   party=order.charge_party, cost_fen=(quote.labour_fen + quote.materials_fen) if quote else 0)
    return len(orders)


def _sheet_title(name: str, used: set[str]) -> str:
    title = "".join(c for c in name if c not in '[]:*?/\\')[:28] or "-"
    base, n = title, 2
    while title in used:
        title, n = f"{base[:26]}~{n}", n + 1
    used.add(title)
    return title


def export_xlsx(project: Project, kind: str, groups: list[PartyClaims], month: date | None) -> bytes:
    """One sheet per responsible party (or building, for the maintenance fund), each with its total."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ...labels import category_label
    from .warranty import ITEM_NAMES

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    states = {"open": _("not claimed"), "claimed": _("claimed"), "paid": _("paid")}
    header = [_("Order"), _("Completed on"), _("Unit"), _("Category"), _("Warranty item"), _("Labour hours"),
              _("Labour (¥)"), _("Materials (¥)"), _("Cost to claim (¥)"), _("Claim state")]
    if not groups:
        book.create_sheet(_sheet_title(_("No jobs"), used)).append(header)
    for g in groups:
        sheet = book.create_sheet(_sheet_title(g.party, used))
        sheet.append([g.party, project.name, month.strftime("%Y-%m") if month else _("all months")])
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for r in g.rows:
            item = (r.order.charge_basis or {}).get("item")
            sheet.append([r.order.number, r.closed_on.isoformat(), r.order.unit.label, category_label(r.order.category),
                          str(ITEM_NAMES.get(item, item or "")), r.labour_minutes / 60, r.labour_fen / 100,
                          r.materials_fen / 100, r.cost_fen / 100, states[r.state]])
        sheet.append([_("Total"), "", "", "", "", "", "", "", g.total_fen / 100, ""])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.cell(row=sheet.max_row, column=9).font = Font(bold=True)
        for col, width in zip("ABCDEFGHIJ", (20, 12, 18, 12, 28, 10, 10, 10, 14, 10)):
            sheet.column_dimensions[col].width = width
        for row in sheet.iter_rows(min_row=3, min_col=7, max_col=9):
            for cell in row:
                cell.number_format = "0.00"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()

"""Who paid for the work (A3): orders by charge type, the cost of the work done for each — hours and
materials of the quote the customer consented to, at the price list's value — and the warranty jobs'
cost claimed from the builders (services/repairs/claims.py: not claimed, claimed, paid)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, literal, select

from ...extensions import db
from ...models import RepairOrder
from ...models.job import Quote
from ...models.warranty import ChargeType, CostClaim
from ...workflow.repair import RepairState
from ..repairs.charging import CHARGE_TYPES
from .tables import COUNT, FEN, Line, Span, Table, columns

O = RepairOrder
TYPES = (ChargeType.PAID, ChargeType.COMMON, ChargeType.WARRANTY)


def _cost():
    """Labour and materials of the order's last consented quote (0 without one)."""
    return func.coalesce(
        select(Quote.labour_fen + Quote.materials_fen)
        .where(Quote.order_id == O.id, Quote.decision == "consented")  # over ix_quote_order_consented
        .order_by(Quote.revision.desc()).limit(1).correlate(O).scalar_subquery(), literal(0))


def _completed(project_id: int, span: Span):
    """(is_current, charge type, claim state, orders, cost) of the orders completed in either period:
    over ix_repair_order_project_charge, the claims and quotes by order."""
    inner = (select(span.current(O.closed_at).label("cur"), O.charge_type.label("kind"),
                    func.coalesce(CostClaim.state, literal("open")).label("claim"), _cost().label("cost"))
             .outerjoin(CostClaim, CostClaim.order_id == O.id)
             .where(O.project_id == project_id, O.charge_type.in_([t.value for t in TYPES]),
                    span.within(O.closed_at), O.state == RepairState.COMPLETED)).subquery()
    return db.session.execute(select(inner.c.cur, inner.c.kind, inner.c.claim, func.count(), func.sum(inner.c.cost))
                              .group_by(*columns(3))).all()


def tables(project_id: int, span: Span, assignments=None) -> list[Table]:
    """`assignments`: repairs.assignment_groups, shared with the per-technician figures."""
    from .repairs import assignment_groups, fold
    received = fold(assignments if assignments is not None else assignment_groups(project_id, span), 2)
    rows = _completed(project_id, span)
    cost: tuple[dict, dict] = ({}, {})  # (current, previous): charge type → fen
    claims: tuple[dict, dict] = ({}, {})  # claim state → (orders, fen), warranty jobs only
    for cur, kind, claim, n, fen in rows:
        i = 0 if cur else 1
        cost[i][kind] = cost[i].get(kind, 0) + int(fen or 0)
        if kind == ChargeType.WARRANTY:
            got = claims[i].get(claim, (0, 0))
            claims[i][claim] = (got[0] + n, got[1] + int(fen or 0))
    names = {t: str(CHARGE_TYPES[t]) for t in TYPES}
    done = {"dates": "closed", "state": "completed"}

    def claim_figure(i, states, which):
        return sum(claims[i].get(s, (0, 0))[which] for s in states)
    made, all_states = ("claimed", "paid"), ("open", "claimed", "paid")
    claim_lines = [("all", _("Completed warranty jobs (cost to claim)"), all_states, {}),
                   ("made", _("Claims made"), made, {"claim": "made"}),
                   ("paid", _("Paid by the party responsible"), ("paid",), {"claim": "paid"}),
                   ("claimed", _("Claimed, not yet paid"), ("claimed",), {"claim": "claimed"}),
                   ("open", _("Not yet claimed"), ("open",), {"claim": "open"})]
    warranty = {**done, "charge": ChargeType.WARRANTY.value}
    note = _("Jobs completed in the period. A refusal by the party responsible is not recorded by the claim "
             "list yet, so claims made are either paid or still waiting.")
    return [
        Table("money_charge", _("Orders received by who pays"), COUNT,
              [Line(t, names[t], received[0].get(t, 0), received[1].get(t, 0), {"charge": t}) for t in TYPES],
              target="repairs"),
        Table("money_charge_cost", _("Cost of the work completed, by who pays"), FEN,
              [Line(t, names[t], cost[0].get(t, 0), cost[1].get(t, 0), {**done, "charge": t}) for t in TYPES],
              target="repairs", note=_("Hours and materials at the price list's value, from the quote the "
                                       "customer consented to; a free job's cost is what the company claims.")),
        Table("money_claims", _("Warranty claims"), FEN,
              [Line(k, label, claim_figure(0, states, 1), claim_figure(1, states, 1), {**warranty, **extra})
               for k, label, states, extra in claim_lines], target="repairs", note=note),
        Table("money_claims_count", _("Warranty claims, jobs"), COUNT,
              [Line(k, label, claim_figure(0, states, 0), claim_figure(1, states, 0), {**warranty, **extra})
               for k, label, states, extra in claim_lines], chart=None, target="repairs"),
    ]

"""Money: what was collected on the spot by each method, the cash handed to the 房管员 and the
differences found; then who paid for the work (costs.py: charge types and the warranty claims)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import case, func, literal, select

from ...extensions import db
from ...models.job import FeeHandover, Payment
from ..repairs.technician import NO_CHARGE, PAY_METHODS
from . import costs
from .tables import COUNT, FEN, Line, Span, Table, columns, split

P = Payment


def _method_name(code: str) -> str:
    return {"cash": _("Cash"), "wechat": _("WeChat Pay"), "alipay": _("Alipay"),
            "account": _("Charged to the account"), NO_CHARGE: _("No charge (free repair)")}.get(code, code)


def tables(project_id: int, span: Span, assignments=None) -> list[Table]:
    cols = (span.current(P.paid_at), P.method)
    rows = list(db.session.execute(
        select(*cols, func.count(), func.sum(P.amount_fen))
        .where(P.project_id == project_id, span.within(P.paid_at)).group_by(*columns(len(cols)))))
    amount = split((c, m, int(s or 0)) for c, m, _n, s in rows)
    count = split((c, m, n) for c, m, n, _s in rows)
    methods = list(PAY_METHODS) + sorted((set(amount[0]) | set(amount[1])) - set(PAY_METHODS))
    paid = {"dates": "paid"}  # the board lists the orders whose payment fell in the period
    by_method = [Line(m, _method_name(m), amount[0].get(m, 0), amount[1].get(m, 0), {**paid, "method": m})
                 for m in methods if m != NO_CHARGE]  # a free repair's close is ¥0: counted, not charted
    by_method_n = [Line(m, _method_name(m), count[0].get(m, 0), count[1].get(m, 0), {**paid, "method": m})
                   for m in methods]

    # the period's cash payments and what became of them at the housing officer's desk
    handed = case((FeeHandover.id.is_not(None), literal(1)), else_=literal(0))
    got = {}
    for is_cur, n, n_handed, expected, received, n_diff, diff in db.session.execute(
            select(span.current(P.paid_at), func.count(), func.sum(handed),
                   func.sum(case((FeeHandover.id.is_not(None), FeeHandover.expected_fen), else_=literal(0))),
                   func.sum(case((FeeHandover.id.is_not(None), FeeHandover.received_fen), else_=literal(0))),
                   func.sum(case((FeeHandover.received_fen != FeeHandover.expected_fen, literal(1)), else_=literal(0))),
                   func.sum(case((FeeHandover.id.is_not(None), FeeHandover.received_fen - FeeHandover.expected_fen),
                                 else_=literal(0))))
            .outerjoin(FeeHandover, FeeHandover.payment_id == P.id)
            .where(P.project_id == project_id, span.within(P.paid_at), P.method == "cash")
            .group_by(*columns(1))):
        got[is_cur] = dict(n=n, handed=int(n_handed or 0), expected=int(expected or 0), received=int(received or 0),
                           n_diff=int(n_diff or 0), diff=int(diff or 0))
    cash_total = (amount[0].get("cash", 0), amount[1].get("cash", 0))
    c, p = got.get(1, {}), got.get(0, {})
    cash = {**paid, "method": "cash"}
    handover = [
        Line("cash", _("Cash collected"), cash_total[0], cash_total[1], cash, unit=FEN),
        Line("received", _("Received by the housing officer"), c.get("received", 0), p.get("received", 0),
             {**cash, "handover": "received"}, unit=FEN),
        Line("not_handed", _("Cash payments not yet handed over"), c.get("n", 0) - c.get("handed", 0),
             p.get("n", 0) - p.get("handed", 0), {**cash, "handover": "pending"}, unit=COUNT),
        Line("difference", _("Differences (received minus expected)"), c.get("diff", 0), p.get("diff", 0),
             {**cash, "handover": "difference"}, unit=FEN),
        Line("n_difference", _("Handovers with a difference"), c.get("n_diff", 0), p.get("n_diff", 0),
             {**cash, "handover": "difference"}, unit=COUNT),
    ]
    return [
        Table("money_method", _("Collected by method"), FEN, by_method, target="repairs"),
        Table("money_method_count", _("Payments by method"), COUNT, by_method_n, chart=None, target="repairs"),
        Table("money_handover", _("Cash handed over"), FEN, handover, chart=None, target="repairs"),
        *costs.tables(project_id, span, assignments),
    ]

"""Satisfaction: the residents' 服务单 (response rate, scores) and the 回访 that low scores open."""
from __future__ import annotations

from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from ...extensions import db
from ...models import RepairOrder, ReturnVisit
from ...workflow.repair import RepairState
from .tables import COUNT, PERCENT, SCORE, Line, Span, Table, columns, rate

O = RepairOrder


def tables(project_id: int, span: Span, closed=None) -> list[Table]:
    """`closed`: repairs.closed_groups — the period's closed orders by state and 服务单 score."""
    from .repairs import closed_groups
    groups = closed if closed is not None else closed_groups(project_id, span)
    got = {1: Counter(), 0: Counter()}  # per period: completed, answered, forms, sum, and n per score
    for is_cur, state, score, _tech, n, *_rest in groups:
        k = got[is_cur]
        if state == RepairState.COMPLETED:
            k["completed"] += n
            k["answered"] += n if score is not None else 0
        if score is not None:
            k[score] += n
            k["forms"] += n
            k["sum"] += score * n
    now, before = got[1], got[0]

    def average(k):
        return round(k["sum"] / k["forms"], 2) if k["forms"] else None
    # orders, not 回访: an order whose resident needed two 回访 in the period is one dissatisfied case
    # for customer service to close (and the list beside the figure shows orders), so each counts once
    R = ReturnVisit
    order_if = lambda cond: func.count(func.distinct(case((cond, R.order_id), else_=None)))  # noqa: E731
    visits = {c: (n, d, o) for c, n, d, o in db.session.execute(
        select(span.current(R.opened_at), func.count(func.distinct(R.order_id)), order_if(R.done_at.is_not(None)),
               order_if(R.done_at.is_(None)))
        .where(R.project_id == project_id, span.within(R.opened_at)).group_by(*columns(1)))}
    vnow, vbefore = visits.get(1, (0, 0, 0)), visits.get(0, (0, 0, 0))
    rv = {"dates": "return_visit"}
    return [
        Table("satisfaction_forms", _("Service forms"), PERCENT, [
            Line("response_rate", _("Completed orders with a service form"), rate(now["answered"], now["completed"]),
                 rate(before["answered"], before["completed"]), {"state": "completed", "answered": "1"}),
            Line("forms", _("Service forms received"), now["forms"], before["forms"], {"ended": "1", "answered": "1"},
                 unit=COUNT),
            Line("average", _("Average overall score"), average(now), average(before), {"ended": "1", "answered": "1"},
                 unit=SCORE),
        ], chart=None, target="repairs"),
        Table("satisfaction_scores", _("Overall score on the service form"), COUNT,
              [Line(str(s), _("%(n)d of 5", n=s), now[s], before[s], {"ended": "1", "score": s})
               for s in (5, 4, 3, 2, 1)], target="repairs"),
        Table("satisfaction_return_visits", _("Return visits"), COUNT, [
            Line("opened", _("Return visits opened"), vnow[0], vbefore[0], {**rv, "return_visit": "opened"}),
            Line("done", _("Completed"), vnow[1], vbefore[1], {**rv, "return_visit": "done"}),
            Line("open", _("Still open"), vnow[2], vbefore[2], {**rv, "return_visit": "open"}),
        ], target="repairs", note=_("Orders with a return visit opened in the period, each counted once however many "
                                    "return visits it had.")),
    ]

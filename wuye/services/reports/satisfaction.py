"""Satisfaction: the residents' 服务单 (response rate, scores) and the 回访 that low scores open."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import case, func, literal, select

from ...extensions import db
from ...models import RepairOrder, ReturnVisit, ServiceForm
from ...workflow.repair import RepairState
from .tables import COUNT, PERCENT, SCORE, Line, Span, Table, columns, rate, split

O = RepairOrder


def tables(project_id: int, span: Span) -> list[Table]:
    answered = case((ServiceForm.id.is_not(None), literal(1)), else_=literal(0))
    got = {c: (n, int(a or 0)) for c, n, a in db.session.execute(
        select(span.current(O.created_at), func.count(), func.sum(answered))
        .outerjoin(ServiceForm, ServiceForm.order_id == O.id)
        .where(O.project_id == project_id, span.within(O.created_at), O.state == RepairState.COMPLETED)
        .group_by(*columns(1)))}
    now, before = got.get(1, (0, 0)), got.get(0, (0, 0))
    cols = (span.current(O.created_at), ServiceForm.overall)
    scores = split(db.session.execute(
        select(*cols, func.count()).join(ServiceForm, ServiceForm.order_id == O.id)
        .where(O.project_id == project_id, span.within(O.created_at)).group_by(*columns(len(cols)))))
    avg = split((c, "avg", round(float(v), 2)) for c, v in db.session.execute(
        select(span.current(O.created_at), func.avg(ServiceForm.overall)).join(ServiceForm, ServiceForm.order_id == O.id)
        .where(O.project_id == project_id, span.within(O.created_at)).group_by(*columns(1))))
    R = ReturnVisit
    done = case((R.done_at.is_not(None), literal(1)), else_=literal(0))
    visits = {c: (n, int(d or 0)) for c, n, d in db.session.execute(
        select(span.current(R.opened_at), func.count(), func.sum(done))
        .where(R.project_id == project_id, span.within(R.opened_at)).group_by(*columns(1)))}
    vnow, vbefore = visits.get(1, (0, 0)), visits.get(0, (0, 0))
    return [
        Table("satisfaction_forms", _("Service forms"), PERCENT, [
            Line("response_rate", _("Completed orders with a service form"), rate(now[1], now[0]),
                 rate(before[1], before[0]), {"state": "completed"}),
            Line("forms", _("Service forms received"), now[1], before[1], unit=COUNT),
            Line("average", _("Average overall score"), avg[0].get("avg"), avg[1].get("avg"), unit=SCORE),
        ], chart=None, target="repairs"),
        Table("satisfaction_scores", _("Overall score on the service form"), COUNT,
              [Line(str(s), _("%(n)d of 5", n=s), scores[0].get(s, 0), scores[1].get(s, 0), None)
               for s in (5, 4, 3, 2, 1)], target="repairs"),
        Table("satisfaction_return_visits", _("Return visits"), COUNT, [
            Line("opened", _("Return visits opened"), vnow[0], vbefore[0]),
            Line("done", _("Completed"), vnow[1], vbefore[1]),
            Line("open", _("Still open"), vnow[0] - vnow[1], vbefore[0] - vbefore[1]),
        ]),
    ]

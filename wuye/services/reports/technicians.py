"""Per technician: jobs, deadlines kept, the residents' 服务单 score, fees collected and handed to the
房管员 in time, differences — each a GROUP BY technician over the period."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Integer, case, cast, func, literal, select

from ...extensions import db
from ...models import RepairOrder, Role, User
from ...models.job import FeeHandover, Payment
from .tables import COUNT, FEN, LATE, MISSED, ON_TIME, PERCENT, SCORE, Line, Span, Table, columns, on_time_rate, \
    seconds_between, split

O = RepairOrder
# "back at base the technician hands the collected money to the 房管员": we count a handover
# within a day of the payment as on time
HANDOVER_WITHIN = timedelta(hours=24)


def _names(project_id: int, ids) -> dict:
    ids = {i for i in ids if i is not None}
    rows = db.session.execute(select(User.id, User.name).where(
        User.project_id == project_id, (User.role == Role.TECHNICIAN) | User.id.in_(ids)))
    return dict(rows.all())


def _table(key, title, unit, cur, prev, names, link=None, note=None) -> Table:
    """`link`: the board's filters for one technician's line (default: their jobs of the period)."""
    ids = sorted(set(cur) | set(prev), key=lambda i: names.get(i, ""))
    link = link or (lambda i: {"technician": i})
    return Table(key, title, unit, [
        Line(str(i), names.get(i, _("Not dispatched")) if i else _("Not dispatched"), cur.get(i, 0 if unit == COUNT else None),
             prev.get(i, 0 if unit == COUNT else None), link(i) if i else None)
        for i in ids], target="repairs", note=note)


def judged(outcomes: dict) -> bool:
    return any(outcomes.get(k) for k in (ON_TIME, LATE, MISSED))


def tables(project_id: int, span: Span, by_person: dict, assignments=None, closed=None) -> list[Table]:
    """`by_person`: repairs.deadline_counts_by_person, `assignments`: repairs.assignment_groups, `closed`:
    repairs.closed_groups, each computed once for the areas that read them."""
    from .repairs import assignment_groups, fold
    jobs = fold([g for g in (assignments if assignments is not None else assignment_groups(project_id, span))
                 if g[1] is not None], 1)
    merged: dict = {}
    for (is_cur, _kind, who), outcomes in by_person.items():
        bucket = merged.setdefault((is_cur, who), {})
        for k, n in outcomes.items():
            bucket[k] = bucket.get(k, 0) + n
    on_time = ({w: on_time_rate(o) for (c, w), o in merged.items() if c == 1 and w},
               {w: on_time_rate(o) for (c, w), o in merged.items() if c == 0 and w})
    not_kept = ({w: o.get(LATE, 0) + o.get(MISSED, 0) for (c, w), o in merged.items() if c == 1 and w and judged(o)},
                {w: o.get(LATE, 0) + o.get(MISSED, 0) for (c, w), o in merged.items() if c == 0 and w and judged(o)})
    # the 服务单 scores of the technician's closed orders, from repairs.closed_groups
    from .repairs import closed_groups
    sums: dict = {}
    for is_cur, _state, overall, who, n, *_rest in (closed if closed is not None else closed_groups(project_id, span)):
        if overall is not None and who is not None:
            got = sums.setdefault((is_cur, who), [0, 0])
            got[0], got[1] = got[0] + overall * n, got[1] + n
    score = split((c, who, round(total / n, 2)) for (c, who), (total, n) in sums.items())
    P = Payment
    collected = split(db.session.execute(
        select(span.current(P.paid_at), P.technician_id, func.sum(P.amount_fen))
        .where(P.project_id == project_id, span.within(P.paid_at))
        .group_by(*columns(2))))
    in_time = case((seconds_between(FeeHandover.confirmed_at, P.paid_at) <= HANDOVER_WITHIN.total_seconds(),
                    literal(1)), else_=literal(0))
    handed = {}
    open_diff = ({}, {})
    for is_cur, who, cash, on_time_n, diff_n in db.session.execute(
            select(span.current(P.paid_at), P.technician_id, func.count(),
                   func.sum(cast(in_time, Integer)),
                   func.sum(case((FeeHandover.received_fen != FeeHandover.expected_fen, literal(1)),
                                 else_=literal(0))))
            .outerjoin(FeeHandover, FeeHandover.payment_id == P.id)
            .where(P.project_id == project_id, span.within(P.paid_at), P.method == "cash")
            .group_by(*columns(2))):
        handed.setdefault(is_cur, {})[who] = round(100.0 * (on_time_n or 0) / cash, 1) if cash else None
        open_diff[0 if is_cur else 1][who] = int(diff_n or 0)
    names = _names(project_id, set(jobs[0]) | set(jobs[1]) | set(collected[0]) | set(collected[1])
                   | set(on_time[0]) | set(on_time[1]))
    return [
        _table("tech_jobs", _("Jobs per technician"), COUNT, *jobs, names),
        # the orders of the technician's own deadlines (responsible) that fell due: not their jobs received
        _table("tech_on_time", _("Deadlines kept per technician"), PERCENT, *on_time, names,
               lambda i: {"dates": "due", "responsible": i, "kept": "judged"}),
        _table("tech_not_kept", _("Deadlines met late or missed per technician"), COUNT, *not_kept, names,
               lambda i: {"dates": "due", "responsible": i, "kept": "not_kept"},
               note=_("Counts deadlines; the list shows their orders (an order may have more than one).")),
        _table("tech_score", _("Average service form score per technician"), SCORE, *score, names,
               lambda i: {"technician": i, "answered": "1"}),
        _table("tech_collected", _("Fees collected per technician"), FEN, *collected, names,
               lambda i: {"dates": "paid", "collected_by": i}),
        _table("tech_handed_in_time", _("Cash handed to the housing officer within a day"), PERCENT,
               handed.get(1, {}), handed.get(0, {}), names, lambda i: {"dates": "paid", "method": "cash", "collected_by": i}),
        _table("tech_differences", _("Handovers with a difference"), COUNT, *open_diff, names,
               lambda i: {"dates": "paid", "method": "cash", "collected_by": i, "handover": "difference"}),
    ]

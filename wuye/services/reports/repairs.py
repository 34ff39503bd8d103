"""Repairs (A1, A2): what came in, how it ended, each A2 deadline kept, how long things took,
first-time fixes and quotes declined — every figure one GROUP BY over the period's orders."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, literal, select

from ...extensions import db
from ...labels import CATEGORIES, SOURCES, URGENCIES, category_label, label
from ...models import Building, Deadline, RepairOrder, Unit, Visit
from ...workflow.repair import OPEN_STATES, RepairState
from ..deadlines.table import REPAIR, RULES
from .tables import COUNT, HOURS, MINUTES, PERCENT, Line, Span, Table, columns, deadline_counts, on_time_rate, rate, \
    seconds_between, split

O = RepairOrder
# how old the open orders are, at the report's "now"
AGES = (("lt1d", timedelta(days=1)), ("1to3d", timedelta(days=3)), ("3to7d", timedelta(days=7)), ("gt7d", None))


def _where(project_id: int, span: Span):
    return (O.project_id == project_id, span.within(O.created_at))


def _count_by(project_id: int, span: Span, column, *joins) -> tuple[dict, dict]:
    stmt = select(span.current(O.created_at), column, func.count()).select_from(O)
    for target, on in joins:
        stmt = stmt.join(target, on)
    return split(db.session.execute(stmt.where(*_where(project_id, span)).group_by(*columns(2))))


def _lines(cur: dict, prev: dict, names: dict, link_key: str | None, order=()) -> list[Line]:
    """One line per key: the named ones first (shown even at zero), then any other key found."""
    keys = list(order) + sorted((set(cur) | set(prev)) - set(order), key=str)
    return [Line(str(k), str(names.get(k, k)), cur.get(k, 0), prev.get(k, 0), {link_key: k} if link_key else None)
            for k in keys]


def _outcome():
    return case((O.state.in_([s.value for s in OPEN_STATES]), literal("open")), else_=O.state)


def order_groups(project_id: int, span: Span) -> list:
    """The two periods' orders in one GROUP BY by source, category, urgency and how they ended (a few
    hundred groups, read from ix_repair_order_project_report alone): the received-by tables and the
    outcomes are folded from it instead of a scan each."""
    return db.session.execute(
        select(span.current(O.created_at), O.source, O.category, O.urgency, _outcome(), func.count())
        .where(*_where(project_id, span)).group_by(*columns(5))).all()


def assignment_groups(project_id: int, span: Span) -> list:
    """The two periods' orders by technician and charge type, from the index alone: the jobs per
    technician and the orders by who pays read it."""
    return db.session.execute(
        select(span.current(O.created_at), O.technician_id, O.charge_type, func.count())
        .where(*_where(project_id, span)).group_by(*columns(3))).all()


def closed_groups(project_id: int, span: Span) -> list:
    """The two periods' completed and declined orders by state, 服务单 score and technician, with how many
    were fixed at the first visit and the seconds from the call to completion: the first-time fixes, the
    average completion, the satisfaction figures and each technician's score read this one GROUP BY."""
    from ...models import ServiceForm
    revisit = exists().where(Visit.order_id == O.id, Visit.number > 1)
    done = case((O.state == RepairState.COMPLETED, seconds_between(O.closed_at, O.called_at)), else_=None)
    closed = [RepairState.COMPLETED.value, RepairState.DECLINED.value]
    return db.session.execute(
        select(span.current(O.created_at), O.state, ServiceForm.overall, O.technician_id, func.count(),
               func.sum(case((revisit, literal(0)), else_=literal(1))), func.sum(done), func.count(done))
        .outerjoin(ServiceForm, ServiceForm.order_id == O.id)
        .where(*_where(project_id, span), O.state.in_(closed)).group_by(*columns(4))).all()


def fold(groups, index: int) -> tuple[dict, dict]:
    """(current, previous) counts by the group's column `index` (1 source … 4 outcome)."""
    out: tuple[dict, dict] = ({}, {})
    for row in groups:
        bucket = out[0 if row[0] else 1]
        bucket[row[index]] = bucket.get(row[index], 0) + row[-1]
    return out


def received(project_id: int, span: Span, groups) -> list[Table]:
    by_source, by_category, by_urgency = fold(groups, 1), fold(groups, 2), fold(groups, 3)
    by_building = _count_by(project_id, span, Building.id, (Unit, Unit.id == O.unit_id),
                            (Building, Building.id == Unit.building_id))
    buildings = dict(db.session.execute(select(Building.id, Building.name)
                                        .where(Building.project_id == project_id)).all())
    categories = {k: category_label(k) for k in set(by_category[0]) | set(by_category[1]) | set(CATEGORIES)}
    total = (sum(by_source[0].values()), sum(by_source[1].values()))
    return [
        Table("repairs_total", _("Repair orders received"), COUNT,
              [Line("total", _("Received"), total[0], total[1], {})], chart=None, target="repairs"),
        Table("repairs_source", _("Received by source"), COUNT,
              _lines(*by_source, {k: label(SOURCES, k) for k in SOURCES}, "source", SOURCES), target="repairs"),
        Table("repairs_category", _("Received by category"), COUNT,
              _lines(*by_category, categories, "category"), target="repairs"),
        Table("repairs_building", _("Received by building"), COUNT,
              _lines(*by_building, buildings, "building"), target="repairs"),
        Table("repairs_urgency", _("Received by urgency"), COUNT,
              _lines(*by_urgency, {k: label(URGENCIES, k) for k in URGENCIES}, "urgency", URGENCIES),
              target="repairs"),
    ]


def outcomes(project_id: int, span: Span, groups) -> list[Table]:
    open_states = [s.value for s in OPEN_STATES]
    cur, prev = fold(groups, 4)
    names = {RepairState.COMPLETED: _("Completed"), RepairState.DECLINED: _("Declined by customer"),
             RepairState.CANCELLED: _("Cancelled"), "open": _("Still open")}
    links = {RepairState.COMPLETED: {"state": "completed"}, RepairState.DECLINED: {"state": "declined"},
             RepairState.CANCELLED: {"state": "cancelled"}, "open": {"open": "1"}}
    lines = [Line(str(k), str(v), cur.get(k, 0), prev.get(k, 0), links[k]) for k, v in names.items()]
    # the age of what is still open, at the report's "now"
    whens = []
    for key, age in AGES:
        if age is not None:
            whens.append((O.created_at > span.now - age, literal(key)))
    bucket = case(*whens, else_=literal("gt7d"))
    stmt = (select(span.current(O.created_at), bucket, func.count())
            .where(*_where(project_id, span), O.state.in_(open_states))
            .group_by(*columns(2)))
    acur, aprev = split(db.session.execute(stmt))
    age_names = {"lt1d": _("Under 1 day"), "1to3d": _("1 to 3 days"), "3to7d": _("3 to 7 days"),
                 "gt7d": _("Over 7 days")}
    ages = [Line(k, v, acur.get(k, 0), aprev.get(k, 0), {"open": "1"}) for k, v in age_names.items()]
    return [Table("repairs_outcome", _("How the orders received ended"), COUNT, lines, target="repairs"),
            Table("repairs_open_age", _("Still open, by age"), COUNT, ages, target="repairs",
                  note=_("Age counted from intake to now."))]


def deadline_counts_by_person(project_id: int, span: Span) -> dict:
    """{(is_current, kind, responsible_id): {outcome: n}} of every repair deadline of the table
    (services/deadlines.RULES): one query that the per-technician figures share."""
    return deadline_counts(project_id, [r.name for r in RULES if r.subject == REPAIR], span,
                           by=Deadline.responsible_id)


def deadlines(project_id: int, span: Span, by_person: dict) -> Table:
    """The on-time rate of every repair deadline of the table."""
    rules = [r for r in RULES if r.subject == REPAIR]
    counts: dict = {}
    for (is_cur, kind, _who), outcomes in by_person.items():
        bucket = counts.setdefault((is_cur, kind), {})
        for k, n in outcomes.items():
            bucket[k] = bucket.get(k, 0) + n
    lines = [Line(r.name, str(r.label), on_time_rate(counts.get((1, r.name))), on_time_rate(counts.get((0, r.name))),
                  {"late": r.name, "dates": "due"}) for r in rules]
    return Table("repairs_deadlines", _("On time, each deadline"), PERCENT, lines, target="repairs",
                 note=_("Met on time among the deadlines that fell due in the period; a deadline "
                        "dropped because the order was cancelled or rebooked is not counted."))


def durations(project_id: int, span: Span, closed) -> Table:
    first = Visit
    arrive = seconds_between(first.arrived_at, O.called_at) / 60.0
    stmt = (select(span.current(O.created_at), O.urgency, func.avg(arrive))
            .join(first, and_(first.order_id == O.id, first.number == 1))
            .where(*_where(project_id, span), first.arrived_at.is_not(None))
            .group_by(*columns(2)))
    acur, aprev = split(db.session.execute(stmt))
    total = {1: [0.0, 0], 0: [0.0, 0]}  # seconds to completion, completed orders with both times
    for is_cur, _state, _score, _tech, _n, _first, secs, n_secs in closed:
        total[is_cur][0] += float(secs or 0)
        total[is_cur][1] += n_secs or 0
    dcur, dprev = ({"all": t[0] / t[1] / 3600.0} if t[1] else {} for t in (total[1], total[0]))

    def r(v):
        return round(float(v), 1) if v is not None else None
    lines = [Line("arrive_emergency", _("Call to arrival, emergency"), r(acur.get("emergency")),
                  r(aprev.get("emergency")), {"urgency": "emergency"}, unit=MINUTES),
             Line("arrive_normal", _("Call to arrival, normal"), r(acur.get("normal")), r(aprev.get("normal")),
                  {"urgency": "normal"}, unit=MINUTES),
             Line("complete", _("Call to completion"), r(dcur.get("all")), r(dprev.get("all")),
                  {"state": "completed"}, unit=HOURS)]
    return Table("repairs_durations", _("Average times"), MINUTES, lines, chart=None, target="repairs")


def first_time_fix(project_id: int, span: Span, closed) -> Table:
    """First-time fixes: completed at the first visit, no follow-up visit booked (约好下次维修时间).
    Quotes declined: orders that ended 客户谢绝, over those closed after the customer heard the quote
    (completed or declined) — read from the orders alone, no join of the quotes."""
    got: dict = {}
    for is_cur, state, _score, _tech, n, first, _secs, _n_secs in closed:
        was = got.get((is_cur, state), (0, 0))
        got[(is_cur, state)] = (was[0] + n, was[1] + int(first or 0))

    def figures(is_cur):
        done, first = got.get((is_cur, RepairState.COMPLETED), (0, 0))
        declined = got.get((is_cur, RepairState.DECLINED), (0, 0))[0]
        return done, first, declined
    c, p = figures(1), figures(0)
    return Table("repairs_quality", _("First-time fixes and quotes"), PERCENT, [
        Line("first_time_fix", _("First-time fix rate"), rate(c[1], c[0]), rate(p[1], p[0]),
             {"revisit": "0", "state": "completed"}),
        Line("revisited", _("Completed after a follow-up visit"), c[0] - c[1], p[0] - p[1],
             {"revisit": "1", "state": "completed"}, unit=COUNT),
        Line("quotes_declined", _("Quotes declined"), c[2], p[2], {"state": "declined"}, unit=COUNT),
        Line("quotes_declined_rate", _("Share of quotes declined"), rate(c[2], c[2] + c[0]), rate(p[2], p[2] + p[0]),
             {"state": "declined"}),
    ], chart=None, target="repairs")


def tables(project_id: int, span: Span, by_person: dict, closed=None) -> list[Table]:
    """`closed`: closed_groups, shared with the satisfaction figures."""
    groups = order_groups(project_id, span)
    closed = closed if closed is not None else closed_groups(project_id, span)
    return [*received(project_id, span, groups), *outcomes(project_id, span, groups), deadlines(project_id, span, by_person),
            durations(project_id, span, closed), first_time_fix(project_id, span, closed)]

"""What every area hands back: tables of lines, each with this period's and the previous period's
value, and the shared pieces of SQL (the two periods in one query, durations, deadline outcomes)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, literal, literal_column, or_, select

from ...extensions import db
from ...models import Deadline

# what a value is, for showing it: a count, a percentage, minutes, hours, fen, a score out of 5
COUNT, PERCENT, MINUTES, HOURS, FEN, SCORE = "count", "percent", "minutes", "hours", "fen", "score"


@dataclass
class Line:
    key: str
    label: str
    now: float | int | None
    before: float | int | None
    link: dict | None = None  # filters of the board that lists what is behind the figure
    unit: str | None = None  # overrides the table's unit for this line

    @property
    def change(self) -> float | int | None:
        if self.now is None or self.before is None:
            return None
        return self.now - self.before


@dataclass
class Table:
    key: str  # stable: names the CSV/XLSX export and the chart
    title: str
    unit: str
    lines: list[Line]
    chart: str | None = "bar"  # bar | None
    target: str | None = None  # "repairs" or "complaints": the board its links open
    note: str | None = None
    gap: bool = False  # a figure the app cannot compute yet (said in the note)
    extra: list = field(default_factory=list)  # rows of a listing table (the management-review list)
    extra_columns: list[str] = field(default_factory=list)

    @property
    def total_now(self):
        return sum(line.now or 0 for line in self.lines)


@dataclass(frozen=True)
class Span:
    """The current period [start, end) and the previous one [prev_start, start), in UTC."""

    prev_start: datetime
    start: datetime
    end: datetime
    now: datetime  # the report's "now": open work and missed deadlines are judged at this time

    def within(self, column):
        return and_(column >= self.prev_start, column < self.end)

    def current(self, column):
        """1 for a row of the current period, 0 for the previous one."""
        return case((column >= self.start, literal(1)), else_=literal(0))


def columns(n: int):
    """GROUP BY the first n columns by position: the period's CASE carries bound parameters, which
    PostgreSQL does not match between the select list and a repeated GROUP BY expression."""
    return [literal_column(str(i)) for i in range(1, n + 1)]


def split(rows) -> tuple[dict, dict]:
    """(current, previous) dicts from rows of (is_current, key, value)."""
    cur: dict = {}
    prev: dict = {}
    for is_current, key, value in rows:
        (cur if is_current else prev)[key] = value
    return cur, prev


def seconds_between(later, earlier):
    """`later - earlier` in seconds, on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def rate(part, whole) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


# a deadline's outcome, once it fell due: met on time, met late, missed (breached, or past due and
# still running), or dropped (closed without breach: the order was cancelled, the booking replaced)
ON_TIME, LATE, MISSED, DROPPED, PENDING = "on_time", "late", "missed", "dropped", "pending"


def deadline_outcome(now: datetime):
    d = Deadline
    return case(
        (and_(d.met_at.is_not(None), d.met_at <= d.due_at), literal(ON_TIME)),
        (d.met_at.is_not(None), literal(LATE)),
        (or_(d.breached_at.is_not(None), and_(d.closed_at.is_(None), d.due_at < now)), literal(MISSED)),
        (d.closed_at.is_not(None), literal(DROPPED)),
        else_=literal(PENDING))


def deadline_counts(project_id: int, kinds: list[str], span: Span, *where, by=None) -> dict:
    """{(is_current, kind[, by]): {outcome: n}} for the deadlines of these kinds that fell due in
    either period: one GROUP BY over ix_deadline_project_kind_due."""
    d = Deadline
    outcome = deadline_outcome(span.now)
    cols = [span.current(d.due_at), d.kind] + ([by] if by is not None else []) + [outcome]
    stmt = (select(*cols, func.count())
            .where(d.project_id == project_id, d.kind.in_(kinds), span.within(d.due_at), *where)
            .group_by(*columns(len(cols))))
    out: dict = {}
    for row in db.session.execute(stmt):
        *key, result, n = row
        out.setdefault(tuple(key), {})[result] = n
    return out


def on_time_rate(outcomes: dict | None) -> float | None:
    """Met on time over all that fell due and were not dropped (pending ones are not yet judged)."""
    if not outcomes:
        return None
    judged = sum(outcomes.get(k, 0) for k in (ON_TIME, LATE, MISSED))
    return rate(outcomes.get(ON_TIME, 0), judged)


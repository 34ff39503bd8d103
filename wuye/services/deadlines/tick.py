"""The watcher's tick: warn, mark breaches and escalate — exactly once, however many processes tick.

Each step reads its due rows through its partial index (ordered by the indexed time, a batch at a
time; on PostgreSQL FOR UPDATE SKIP LOCKED, so tickers running together share the rows instead of
queueing behind each other). Then, for each row, inside a SAVEPOINT:

1. a compare-and-set UPDATE whose WHERE repeats the due condition: only one ticker gets rowcount 1;
2. the `DeadlineNotice` under UNIQUE(deadline_id, level): the database's own guarantee, should
   anything ever get past the first;
3. the in-app notifications and the audit event.

A row that fails rolls back to its savepoint, is logged and left for the next tick; the other rows
of the batch commit. Due times are compared with `now`, not with the time of the last tick, so
whatever fell due while no watcher ran is caught up on the first tick after.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select

from ...clock import now as clock_now
from ...database import transaction
from ...extensions import db
from ...models import Deadline, DeadlineNotice, NoticeKind, User
from ..audit import record
from ..notifications import notify, savepoint
from .table import ASSIGNEE, DISPATCHER, Link, REGISTRAR, Rule, SUBJECTS, SYSTEM, rule_for

log = logging.getLogger("wuye.deadlines")

# QUIET: done, nobody to tell; SKIPPED: left for another step
WON, QUIET, LOST, FAILED, SKIPPED = "won", "quiet", "lost", "failed", "skipped"


@dataclass
class TickReport:
    warned: int = 0
    breached: int = 0
    escalated: int = 0
    lost: int = 0  # due rows another ticker had already done: the compare-and-set said no
    failed: int = 0
    passed_over: set[int] = field(default_factory=set)  # lost or failed rows: not again this tick

    def __str__(self) -> str:
        return (f"warned={self.warned} breached={self.breached} escalated={self.escalated} "
                f"lost={self.lost} failed={self.failed}")


class _Rules:
    """Each project's rules, read once per tick."""

    def __init__(self):
        self._cache: dict[tuple[int, str], Rule] = {}

    def get(self, d: Deadline) -> Rule:
        key = (d.project_id, d.kind)
        if key not in self._cache:
            self._cache[key] = rule_for(d.project_id, d.kind)
        return self._cache[key]


# ---- the due conditions: each the WHERE of a partial index, term by term ------------------

def due_for_breach(now: datetime) -> Select:
    return (select(Deadline)
            .where(Deadline.met_at.is_(None), Deadline.breached_at.is_(None), Deadline.closed_at.is_(None),
                   Deadline.due_at < now)
            .order_by(Deadline.due_at))


def due_for_warning(now: datetime) -> Select:
    # no condition on due_at here: it would tempt PostgreSQL into scanning every running deadline
    # due later; a row already past due is left to the breach step (see _warn)
    return (select(Deadline)
            .where(Deadline.warned_at.is_(None), Deadline.met_at.is_(None), Deadline.breached_at.is_(None),
                   Deadline.closed_at.is_(None), Deadline.warn_at <= now)
            .order_by(Deadline.warn_at))


def due_for_escalation(now: datetime) -> Select:
    return (select(Deadline)
            .where(Deadline.next_escalation_at.is_not(None), Deadline.next_escalation_at <= now)
            .order_by(Deadline.next_escalation_at))


# ---- what happens to one due row ---------------------------------------------------------

def _cas(d: Deadline, *conditions, **values) -> bool:
    result = db.session.execute(
        update(Deadline).where(Deadline.id == d.id, *conditions).values(**values)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _recipients(d: Deadline, link: Link, subject) -> list[User]:
    people: dict[int, User] = {}
    for who in link.to:
        if who == ASSIGNEE:
            found = [db.session.get(User, d.responsible_id)] if d.responsible_id else []
        elif who == DISPATCHER:
            found = [SUBJECTS[d.subject_type].dispatcher(subject)]
        elif who == REGISTRAR:
            found = [SUBJECTS[d.subject_type].registrar(subject)]
        else:
            found = db.session.scalars(select(User).where(
                User.project_id == d.project_id, User.role == who, User.active.is_(True)).order_by(User.id))
        for user in found:
            if user is not None and user.active:
                people.setdefault(user.id, user)
    return list(people.values())


def _announce(d: Deadline, level: int, kind: str, link: Link, now: datetime) -> None:
    """The notice (under its UNIQUE constraint), the notifications and the audit event of one step."""
    db.session.add(DeadlineNotice(deadline_id=d.id, level=level, kind=kind, created_at=now))
    db.session.flush()  # a duplicate fails here, inside the row's savepoint
    subject_kind = SUBJECTS[d.subject_type]
    subject = db.session.get(subject_kind.model, d.subject_id)
    responsible = db.session.get(User, d.responsible_id) if d.responsible_id else None
    people = _recipients(d, link, subject)
    if not people:
        log.warning("deadline %s (%s) level %s: nobody to tell", d.id, d.kind, level)
    from ..delivery.robot import responsible_department
    department = responsible_department(subject)  # whose group robot hears of it
    for user in people:
        notify(user, f"deadline_{kind}", link=subject_kind.link(subject, user),
               number=subject_kind.number(subject), deadline=d.kind, due=d.due_at.isoformat(), level=level,
               responsible=responsible.name if responsible else None, department=department)
    record(SYSTEM, f"deadline_{kind}", d.subject_type, d.subject_id, d.project_id, at=now, deadline=d.kind,
           level=level, due_at=d.due_at, notified=[u.name for u in people])


def _warn(d: Deadline, now: datetime, rule: Rule) -> str:
    if d.due_at < now:
        return SKIPPED  # too late to warn: the breach step marks it (it failed there this tick)
    if not _cas(d, Deadline.warned_at.is_(None), Deadline.met_at.is_(None), Deadline.breached_at.is_(None),
                Deadline.closed_at.is_(None), warned_at=now):
        return LOST
    _announce(d, 0, NoticeKind.WARN, rule.chain[0], now)
    return WON


def _breach(d: Deadline, now: datetime, rule: Rule) -> str:
    # later links count from the due time, so a catch-up after downtime escalates as if on time
    nxt = d.due_at + rule.chain[1].after if len(rule.chain) > 1 else None
    if not _cas(d, Deadline.met_at.is_(None), Deadline.breached_at.is_(None), Deadline.closed_at.is_(None),
                breached_at=now, escalation_level=1, next_escalation_at=nxt):
        return LOST
    _announce(d, 1, NoticeKind.BREACH, rule.chain[0], now)
    return WON


def _escalate(d: Deadline, now: datetime, rule: Rule) -> str:
    level = d.escalation_level
    running = (Deadline.escalation_level == level, Deadline.next_escalation_at.is_not(None),
               Deadline.met_at.is_(None), Deadline.closed_at.is_(None))
    if level >= len(rule.chain):  # the project shortened the chain after this breach
        return QUIET if _cas(d, *running, next_escalation_at=None) else LOST
    nxt = d.next_escalation_at + rule.chain[level + 1].after if level + 1 < len(rule.chain) else None
    if not _cas(d, *running, escalation_level=level + 1, next_escalation_at=nxt):
        return LOST
    _announce(d, level + 1, NoticeKind.ESCALATE, rule.chain[level], now)
    return WON


@dataclass(frozen=True)
class Step:
    name: str
    due: Callable[[datetime], Select]
    apply: Callable[[Deadline, datetime, Rule], str]
    counter: str
    cascades: bool = False  # a row done may be due again at once (the next escalation level)


STEPS = [
    Step("breach", due_for_breach, _breach, "breached"),
    Step("warn", due_for_warning, _warn, "warned"),  # after breaches: a breached row needs no warning
    Step("escalate", due_for_escalation, _escalate, "escalated", cascades=True),
]


def _pass(step: Step, now: datetime, batch: int, rules: _Rules, report: TickReport) -> bool:
    """One batch of one step in one transaction; True when another pass may find more."""
    skip = report.passed_over
    # a plain read first: an idle tick never takes SQLite's write lock
    probe = step.due(now).with_only_columns(Deadline.id).limit(1)
    if skip:
        probe = probe.where(Deadline.id.not_in(skip))
    if db.session.scalar(probe) is None:
        db.session.rollback()
        return False
    done = 0
    with transaction():
        rows = [d for d in db.session.scalars(
            step.due(now).limit(batch + len(skip)).with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)) if d.id not in skip][:batch]
        for d in rows:
            try:
                with savepoint():
                    outcome = step.apply(d, now, rules.get(d))
            except IntegrityError:
                log.warning("deadline %s (%s): %s notice already recorded; left as it was", d.id, d.kind, step.name)
                outcome = LOST
            except Exception:  # noqa: BLE001 — one row's failure must not stop the others; logged
                log.exception("deadline %s (%s): %s failed; the tick goes on", d.id, d.kind, step.name)
                outcome = FAILED
            if outcome == WON:
                setattr(report, step.counter, getattr(report, step.counter) + 1)
            if outcome in (WON, QUIET):
                done += 1
                continue
            skip.add(d.id)  # not again in this tick: whatever stopped it will still be there
            if outcome == LOST:
                report.lost += 1
            elif outcome == FAILED:
                report.failed += 1
    return bool(rows) and (len(rows) >= batch or (step.cascades and done > 0))


def run(now: datetime, batch: int = 200) -> TickReport:
    report = TickReport()
    rules = _Rules()
    for step in STEPS:
        while _pass(step, now, batch, rules, report):
            pass
    return report


def tick(now: datetime | None = None, *, batch: int = 200):
    """One pass of the watcher: warnings, then breaches, then escalations that are due at `now`.
    Safe to run in any number of processes at once (see `run`)."""
    return run(now or clock_now(), batch)

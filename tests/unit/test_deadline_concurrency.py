"""C: "exactly once per breach, however many app processes run" — three watcher processes tick the
same database at the same moments, and every warning, breach and escalation is announced once."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from tests.fixtures.processes import run_together
from tests.unit.test_deadlines import sh
from wuye.extensions import db
from wuye.models import AuditEvent, Deadline, DeadlineNotice, Notification

PROCESSES = 3
TIMEOUT = 120  # seconds; a hung worker fails the test instead of hanging it
RECIPIENTS = {0: 2, 1: 2, 2: 1, 3: 1}  # warning and breach: technician + clerk; then supervisor; then manager


@pytest.mark.slow
def test_three_watchers_at_once_announce_each_breach_and_level_exactly_once(app, org, make_order, clock,
                                                                           instance_path):
    tech = org.users["technician"]
    for minute in range(20):  # emergency calls from 14:30 to 14:49
        clock.set(sh("14:30") + timedelta(minutes=minute))
        make_order(urgency="emergency", technician=tech)
    clock.set(sh("14:00"))
    for minute in range(10):  # appointments at 15:00 ... 15:09
        start = sh("15:00") + timedelta(minutes=minute)
        make_order(technician=tech, appointment_start=start, appointment_end=sh("17:00"))
    deadline_ids = db.session.scalars(db.select(Deadline.id).order_by(Deadline.id)).all()
    assert len(deadline_ids) == 30
    db.session.remove()  # no snapshot of ours may hide what the workers commit

    args = [app.config["SQLALCHEMY_DATABASE_URI"], sh("14:40").isoformat(), sh("16:30").isoformat(), 60]
    results = run_together("tests.unit.tick_worker", instance_path, args, PROCESSES, TIMEOUT)
    assert [r["errors"] for r in results] == [[]] * PROCESSES
    assert all(r["totals"]["failed"] == 0 for r in results)
    assert max(r["began"] for r in results) < min(r["ended"] for r in results), "the processes did not overlap"

    # every deadline was warned, breached and escalated twice: levels 0-3, one notice each
    notices = Counter((n.deadline_id, n.level) for n in db.session.scalars(db.select(DeadlineNotice)))
    assert set(notices) == {(d, level) for d in deadline_ids for level in RECIPIENTS}
    assert set(notices.values()) == {1}
    # the work done, summed over the three processes, is exactly that: nothing twice
    done = Counter()
    for r in results:
        done.update({k: r["totals"][k] for k in ("warned", "breached", "escalated")})
    assert done == {"warned": 30, "breached": 30, "escalated": 60}
    # and so are the notifications and the audit events, which no constraint guards
    told = Counter((n.params["number"], n.params["level"], n.user_id) for n in db.session.scalars(
        db.select(Notification).where(Notification.kind.like("deadline_%"))))
    assert set(told.values()) == {1}
    assert len(told) == 30 * sum(RECIPIENTS.values())
    events = Counter((e.subject_id, e.changes["level"]) for e in db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action.like("deadline_%"))))
    assert len(events) == 30 * len(RECIPIENTS) and set(events.values()) == {1}

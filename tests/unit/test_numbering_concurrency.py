"""BX-YYYYMMDD-NNNN under concurrent intake: two desk servers, twenty clerks each, one project-day.

The workers are real OS processes with their own app and connection pool on the test's database,
so the counter row is all that stands between them — as with two gunicorn workers.
"""
from __future__ import annotations

import pytest

from tests.fixtures.processes import run_together
from wuye.extensions import db
from wuye.models import AuditEvent, RepairCounter, RepairOrder

PROCESSES, THREADS = 2, 20
TIMEOUT = 60  # seconds; a hung worker fails the test instead of hanging it


@pytest.mark.slow
def test_forty_clerks_in_two_processes_get_the_days_numbers_1_to_40_each_once(app, org, clock, instance_path):
    project_id, at = org.p1.id, clock.now
    args = [app.config["SQLALCHEMY_DATABASE_URI"], project_id, org.units[0].id, org.users["clerk"].id,
            at.isoformat(), THREADS]
    db.session.remove()  # no snapshot of ours may hide what the workers commit
    results = run_together("tests.unit.intake_worker", instance_path, args, PROCESSES, TIMEOUT)
    assert [r["errors"] for r in results] == [[]] * PROCESSES
    assert max(r["began"] for r in results) < min(r["ended"] for r in results), "the processes did not overlap"

    orders = db.session.scalars(db.select(RepairOrder).where(RepairOrder.project_id == project_id).order_by(RepairOrder.id)).all()
    numbers = [o.number for o in orders]
    assert len(orders) == PROCESSES * THREADS
    assert len(set(numbers)) == len(numbers)
    assert sorted(numbers) == sorted(n for r in results for n in r["numbers"])
    assert {n.rsplit("-", 1)[0] for n in numbers} == {"BX-20261127"}  # 14:00 in Shanghai
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, PROCESSES * THREADS + 1))
    counter = db.session.scalars(db.select(RepairCounter).where(RepairCounter.project_id == project_id)).one()
    assert (counter.day.isoformat(), counter.last) == ("2026-11-27", PROCESSES * THREADS)

    created = db.session.scalars(db.select(AuditEvent.subject_id).where(
        AuditEvent.subject_type == "repair_order", AuditEvent.action == "create").order_by(AuditEvent.id)).all()
    assert sorted(created) == sorted(o.id for o in orders)

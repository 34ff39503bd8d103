"""BX-YYYYMMDD-NNNN under concurrent intake: two desk servers, twenty clerks each, one project-day.

The workers are real OS processes with their own app and connection pool on the test's database,
so the counter row is all that stands between them — as with two gunicorn workers.
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wuye.extensions import db
from wuye.models import AuditEvent, RepairCounter, RepairOrder

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, THREADS = 2, 20
TIMEOUT = 60  # seconds; a hung worker fails the test instead of hanging it


def _start_worker(instance_path: str, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.unit.intake_worker", *map(str, args)],
        cwd=ROOT, env=dict(os.environ, WUYE_INSTANCE_PATH=instance_path),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _await_ready(worker: subprocess.Popen, deadline: float) -> None:
    readable, _, _ = select.select([worker.stdout], [], [], max(0.0, deadline - time.monotonic()))
    line = worker.stdout.readline() if readable else ""
    if line.strip() != "ready":
        worker.kill()
        out, err = worker.communicate()
        pytest.fail(f"worker never reached the start line:\n{line}{out}\n{err}")


@pytest.mark.slow
def test_forty_clerks_in_two_processes_get_the_days_numbers_1_to_40_each_once(app, org, clock, instance_path):
    project_id, at = org.p1.id, clock.now
    args = [app.config["SQLALCHEMY_DATABASE_URI"], project_id, org.units[0].id, org.users["clerk"].id,
            at.isoformat(), THREADS]
    db.session.remove()  # no snapshot of ours may hide what the workers commit
    deadline = time.monotonic() + TIMEOUT
    workers = []
    try:
        workers = [_start_worker(instance_path, *args) for _ in range(PROCESSES)]
        for w in workers:
            _await_ready(w, deadline)
        for w in workers:  # "go" to both before reading either: they start within microseconds
            w.stdin.write("go\n")
            w.stdin.flush()
        outputs = [w.communicate(timeout=max(0.0, deadline - time.monotonic())) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.communicate()

    results = []
    for w, (out, err) in zip(workers, outputs):
        assert w.returncode == 0, err
        results.append(json.loads(out.splitlines()[-1]))
    assert [r["errors"] for r in results] == [[]] * PROCESSES
    assert max(r["began"] for r in results) < min(r["ended"] for r in results), "the processes did not overlap"

    orders = db.session.scalars(db.select(RepairOrder).where(RepairOrder.project_id == project_id)).all()
    numbers = [o.number for o in orders]
    assert len(orders) == PROCESSES * THREADS
    assert len(set(numbers)) == len(numbers)
    assert sorted(numbers) == sorted(n for r in results for n in r["numbers"])
    assert {n.rsplit("-", 1)[0] for n in numbers} == {"BX-20261127"}  # 14:00 in Shanghai
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, PROCESSES * THREADS + 1))
    counter = db.session.scalars(db.select(RepairCounter).where(RepairCounter.project_id == project_id)).one()
    assert (counter.day.isoformat(), counter.last) == ("2026-11-27", PROCESSES * THREADS)

    created = db.session.scalars(db.select(AuditEvent.subject_id).where(
        AuditEvent.subject_type == "repair_order", AuditEvent.action == "create")).all()
    assert sorted(created) == sorted(o.id for o in orders)

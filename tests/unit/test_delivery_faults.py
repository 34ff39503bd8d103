"""Faults: the gateway failing 30 % of calls (errors and timeouts) and a worker killed mid-send —
every delivery ends delivered exactly once or failed with a reason, none lost; the one repeat a
killed worker can cause is counted."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.fixtures.processes import ROOT
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import Delivery, DeliveryState
from wuye.services.delivery import backlog, worker
from wuye.services.notifications import notify

S = DeliveryState
N = 60


@pytest.mark.slow
def test_a_flaky_gateway_and_a_killed_worker_lose_nothing_and_repeat_at_most_the_counted_one(
        org, clock, wecom, app, instance_path):
    with transaction():
        tech = db.session.merge(org.users["technician"])
        tech.wecom_userid = "zhang.wei"
        for i in range(N):
            notify(tech, "repair_dispatched", number=f"BX-20261127-{i:04d}", unit="3栋2单元1201", urgency="emergency")
    db.session.remove()
    # a worker process sends until the gateway takes BX-…-0005 and never answers; then it is killed
    wecom.hang_on = "BX-20261127-0005"
    proc = subprocess.Popen([sys.executable, "-m", "tests.unit.delivery_worker", app.config["SQLALCHEMY_DATABASE_URI"],
                             wecom.url, "3"], cwd=ROOT, env=dict(os.environ, WUYE_INSTANCE_PATH=instance_path),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.stdin.write("go\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 60
        while wecom.hang_on is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert wecom.hang_on is None, "the worker never reached the message that hangs"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
        wecom.released.set()
    assert proc.returncode == -signal.SIGKILL

    # the rest goes through a gateway that fails 30 % of the calls; time moves on past every lease
    wecom.fail_rate = 0.3
    at = datetime.now(UTC) + timedelta(seconds=app.config["WUYE_DELIVERY_LEASE"] + 1)
    for _ in range(40):
        worker.drain(limit=20, at=at)
        if not db.session.scalar(db.select(db.func.count()).select_from(Delivery).where(
                Delivery.state.in_([S.PENDING, S.SENDING]))):
            break
        at += timedelta(hours=1)
    db.session.expire_all()
    rows = db.session.scalars(db.select(Delivery).order_by(Delivery.id)).all()
    assert len(rows) == N and {d.state for d in rows} <= {S.DELIVERED, S.FAILED}  # none lost, none stuck
    assert all(d.last_error for d in rows if d.state == S.FAILED)
    # what reached the technician: each notice once — the retries after a timeout the gateway had in
    # fact taken, and the resend of the row whose worker died, are the same message within WeCom's
    # duplicate check
    received = Counter(m["text"]["content"].split("\n")[0] for m in wecom.sent)
    assert set(received.values()) == {1}
    for d in rows:  # a delivered notice reached the gateway once; a failed one at most once
        times = sum(d.notification.params["number"] in text for text in received)
        assert times == 1 if d.state == S.DELIVERED else times <= 1, (d.id, d.state, times)
    # the row whose worker died after the gateway took it is counted as the possible repeat
    counted = [d for d in rows if d.possible_repeats]
    assert len(counted) == 1 and counted[0].notification.params["number"] == "BX-20261127-0005"
    assert counted[0].state == S.DELIVERED and backlog()["possible_repeats"] == 1

"""Benchmark (not a test): PROCESSES delivery workers drain N queued deliveries together.

    .venv/bin/python bench/deliveries.py [--pg URL | --sqlite PATH] [--n 10000] [--processes 2] [--batch 50]

Builds a fresh schema (PostgreSQL default postgresql://wuye:wuye@127.0.0.1:5432/wuye_bench_deliveries, its
public schema dropped and rebuilt: never point this at real data), queues N notices for three
technicians with a WeCom id (one delivery each), starts a local WeCom stand-in (tests/fixtures/gateways.py)
and the worker processes (tests/unit/delivery_worker.py), and prints the throughput and whether
any delivery was recorded twice or any message reached the stand-in twice.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", default="postgresql://wuye:wuye@127.0.0.1:5432/wuye_bench_deliveries")
    ap.add_argument("--sqlite")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--batch", type=int, default=50)
    args = ap.parse_args()
    url = f"sqlite:///{args.sqlite}" if args.sqlite else args.pg
    instance = tempfile.mkdtemp(prefix="wuye-bench-")
    os.environ["WUYE_INSTANCE_PATH"] = instance
    os.environ["WUYE_WATCHER"] = "0"

    from bench.deadlines import ensure_pg_database, fresh_schema
    from tests.fixtures.gateways import WeComStandIn
    from tests.fixtures.processes import run_together
    from wuye import create_app
    from wuye.extensions import db
    from wuye.models import Delivery, Notification, Project, User

    if not args.sqlite:
        ensure_pg_database(url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WUYE_NOTIFIERS": []})
    now = datetime.now(UTC)
    with app.app_context():
        fresh_schema(db)
        p = Project(code="BENCH", name="bench", timezone="Asia/Shanghai")
        db.session.add(p)
        db.session.flush()
        people = [User(username=f"t{i}", name=f"t{i}", role="technician", project_id=p.id, password_hash="x",
                       wecom_userid=f"tech.{i}") for i in range(3)]
        db.session.add_all(people)
        db.session.flush()
        notices = [dict(user_id=people[i % 3].id, kind="repair_dispatched", link=f"/tech/jobs/BX-{i:05d}",
                        params={"number": f"BX-{i:05d}", "unit": "1-1-101", "urgency": "emergency"}, created_at=now)
                   for i in range(args.n)]
        db.session.execute(insert(Notification.__table__), notices)
        ids = db.session.scalars(db.select(Notification.id).order_by(Notification.id)).all()
        db.session.execute(insert(Delivery.__table__), [dict(
            notification_id=nid, channel="wecom", recipient=f"tech.{k % 3}", urgent=True, state="pending",
            next_at=now, attempts=0, possible_repeats=0, gateway_id="", last_error="", created_at=now)
            for k, nid in enumerate(ids)])
        db.session.commit()
        db.engine.dispose()

    wecom = WeComStandIn()
    wecom.thread.start()
    began = time.monotonic()
    results = run_together("tests.unit.delivery_worker", instance, [url, wecom.url, args.batch], args.processes,
                           timeout=3600)
    seconds = time.monotonic() - began
    wecom.server.shutdown()
    recorded = Counter(i for r in results for i in r["sent"])
    received = Counter(m["text"]["content"] for m in wecom.sent)
    with app.app_context():
        left = db.session.scalar(db.select(db.func.count()).select_from(Delivery).where(Delivery.state != "delivered"))
    print(f"{'sqlite' if args.sqlite else 'postgresql'}: {args.n} deliveries, "
          f"{args.processes} processes, batch {args.batch}: {seconds:.1f} s, {args.n / seconds:.0f} per second")
    print(f"  per process: {[len(r['sent']) for r in results]}; errors: {sum(len(r['errors']) for r in results)}")
    print(f"  recorded twice: {sum(1 for n in recorded.values() if n > 1)}; "
          f"received twice: {sum(1 for n in received.values() if n > 1)}; not delivered: {left}")


if __name__ == "__main__":
    main()

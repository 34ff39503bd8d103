"""Benchmark (not a test): does the deadline tick cost follow the due rows, not the table?

    .venv/bin/python bench/deadlines.py [--sqlite PATH] [--pg URL | --no-pg] [--sizes 10000,1000000]

For each database and each size it builds a fresh schema, bulk-inserts that many deadline rows of
which exactly 100 are due (the rest: 85% met, 10% closed, 5% running and due later — the shape of
a year of history), settles it (ANALYZE; VACUUM on PostgreSQL, a WAL checkpoint on SQLite), and prints
- the plan of each tick query (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL),
- the time of the due-row query alone and of a whole tick that breaches the 100 rows (each breach
  a compare-and-set, a notice, two notifications and an audit event), best and median of 7 runs
  after a warm-up, the 100 rows reset between runs,
- the time of an idle tick (nothing due).
The PostgreSQL database (default postgresql://wuye:wuye@127.0.0.1:5432/wuye_bench) is created if
missing and its public schema is dropped and rebuilt: never point this at real data.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, insert, text, update  # noqa: E402

DUE = 100
RUNS = 7
CHUNK = 20_000


def make_app(url: str):
    os.environ.setdefault("WUYE_INSTANCE_PATH", tempfile.mkdtemp(prefix="wuye-bench-"))
    from wuye import create_app
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WUYE_WATCHER": False,
                       "WUYE_NOTIFIERS": [], "WUYE_PASSWORD_METHOD": "pbkdf2:sha256:1000"})


def ensure_pg_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url
    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, password=u.password,
                         dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (u.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{u.database}"')


def fresh_schema(db) -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        db.drop_all()
    db.create_all()


def seed_people_and_orders(now: datetime):
    """A project with the people the chain reaches, and the 100 orders whose deadlines fall due."""
    from wuye.extensions import db
    from wuye.models import Building, Project, RepairOrder, Unit, User
    p = Project(code="BENCH", name="bench", timezone="Asia/Shanghai")
    db.session.add(p)
    db.session.flush()
    people = {}
    for role in ("clerk", "technician", "cs_supervisor", "project_manager"):
        u = User(username=role, name=role, role=role, project_id=p.id, password_hash="x")
        db.session.add(u)
        people[role] = u
    b = Building(project_id=p.id, name="1")
    db.session.add(b)
    db.session.flush()
    unit = Unit(project_id=p.id, building_id=b.id, label="1-1-101", search_key="1-1-101", room="101",
                short_key="1-1-101")
    db.session.add(unit)
    db.session.flush()
    orders = [RepairOrder(project_id=p.id, number=f"BX-B-{i:04d}", source="phone", unit_id=unit.id,
                          contact_name="x", contact_phone="13800000000", category="other", description="x",
                          urgency="emergency", called_at=now, state="dispatched",
                          technician_id=people["technician"].id, dispatched_by_id=people["clerk"].id,
                          created_by_id=people["clerk"].id, created_at=now, updated_at=now)
              for i in range(DUE)]
    db.session.add_all(orders)
    db.session.commit()
    return p.id, people["technician"].id, [o.id for o in orders]


def fill(size: int, now: datetime, project_id: int, tech_id: int, order_ids: list[int]) -> dict:
    """Core bulk insert (executemany per chunk): `size` rows, DUE of them due now."""
    from wuye.extensions import db
    from wuye.models import Deadline
    table = Deadline.__table__
    base = dict(subject_type="repair_order", project_id=project_id, kind="emergency_arrival",
                escalation_level=0, responsible_id=tech_id, warned_at=None, met_at=None, breached_at=None,
                closed_at=None, next_escalation_at=None, created_at=now)
    shape = {"due": 0, "met": 0, "closed": 0, "running later": 0}
    rows = []

    def flush():
        if rows:
            db.session.execute(insert(table), rows)
            rows.clear()

    for i, order_id in enumerate(order_ids):  # the due rows: a minute or two past due
        due = now - timedelta(seconds=30 + i)
        rows.append(base | dict(subject_id=order_id, started_at=due - timedelta(minutes=15),
                                due_at=due, warn_at=due - timedelta(minutes=3)))
        shape["due"] += 1
    for n in range(size - DUE):
        kind = n % 20  # 17 of 20 met, 2 closed, 1 running with a later due time
        if kind < 17:
            due = now - timedelta(days=1 + n % 365, minutes=n % 1440)
            extra = dict(met_at=due - timedelta(minutes=n % 10), warned_at=due - timedelta(minutes=3))
            shape["met"] += 1
        elif kind < 19:
            due = now - timedelta(days=1 + n % 365, minutes=n % 1440)
            extra = dict(closed_at=due - timedelta(minutes=5))
            shape["closed"] += 1
        else:
            due = now + timedelta(minutes=10 + n % (60 * 48))
            extra = {}
            shape["running later"] += 1
        rows.append(base | dict(subject_id=1_000_000 + n, started_at=due - timedelta(minutes=15),
                                due_at=due, warn_at=due - timedelta(minutes=3)) | extra)
        if len(rows) >= CHUNK:
            flush()
    flush()
    db.session.commit()
    return shape


def settle(db) -> None:
    """What a table that has stood for a while has had done to it: statistics and, on PostgreSQL, a
    vacuum (hint bits, visibility map); on SQLite the write-ahead log folded into the file. Without
    it the first reads of a freshly filled table write, and that lands in whatever is timed next."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) deadline")
    else:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        checkpoint(db)


def checkpoint(db) -> None:
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def tick_queries(now: datetime, batch: int = 200):
    from wuye.services.deadlines.tick import due_for_breach, due_for_escalation, due_for_warning
    return {name: fn(now).limit(batch).with_for_update(skip_locked=True)
            for name, fn in (("breach", due_for_breach), ("warning", due_for_warning),
                             ("escalation", due_for_escalation))}


def explain(db, stmt) -> str:
    sql = str(stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            with conn.begin() as tx:
                lines = [r[0] for r in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)]
                tx.rollback()
        else:
            lines = [f"{'  ' * 0}{r[3]}" for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    return "\n".join("      " + line for line in lines)


def reset_due(order_ids: list[int]) -> None:
    from wuye.extensions import db
    from wuye.models import AuditEvent, Deadline, DeadlineNotice, Notification
    db.session.execute(delete(DeadlineNotice))
    db.session.execute(delete(Notification))
    db.session.execute(delete(AuditEvent))
    db.session.execute(update(Deadline)
                       .where(Deadline.subject_type == "repair_order", Deadline.subject_id.in_(order_ids))
                       .values(breached_at=None, escalation_level=0, next_escalation_at=None))
    db.session.commit()
    checkpoint(db)


CPU: list[float] = []  # this process's CPU time of each timed call: on a shared, busy machine the
                      # steadier figure (the whole engine on SQLite, the client side on PostgreSQL)


def timed(fn) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    CPU.append((time.process_time() - cpu) * 1000)
    return (time.perf_counter() - start) * 1000


def run_case(db, size: int) -> dict:
    from wuye.services.deadlines.tick import run
    now = datetime.now(UTC).replace(microsecond=0)
    fresh_schema(db)
    project_id, tech_id, order_ids = seed_people_and_orders(now)
    started = time.perf_counter()
    shape = fill(size, now, project_id, tech_id, order_ids)
    filled = time.perf_counter() - started
    settle(db)
    queries = tick_queries(now)

    def due_query():
        ids = db.session.scalars(queries["breach"].with_only_columns(db.text("deadline.id"))).all()
        assert len(ids) == DUE, len(ids)
        db.session.rollback()

    select_ms = [timed(due_query) for _ in range(RUNS)]
    tick_ms, tick_cpu = [], []
    reset_due(order_ids)
    run(now)  # warm-up, not timed
    for _ in range(RUNS):
        reset_due(order_ids)
        report = None

        def tick():
            nonlocal report
            report = run(now)
        tick_ms.append(timed(tick))
        tick_cpu.append(CPU[-1])
        assert report.breached == DUE and report.failed == 0, report
    idle_ms = [timed(lambda: run(now)) for _ in range(RUNS)]
    print(f"\n  {size:>9,} rows ({', '.join(f'{k} {v:,}' for k, v in shape.items())}); filled in {filled:.1f}s")
    print(f"    due-row query: best {min(select_ms):.2f} ms, median {statistics.median(select_ms):.2f} ms")
    print(f"    tick breaching {DUE}: best {min(tick_ms):.1f} ms, median {statistics.median(tick_ms):.1f} ms "
          f"(CPU of this process: best {min(tick_cpu):.1f} ms, median {statistics.median(tick_cpu):.1f} ms)")
    print(f"    idle tick: best {min(idle_ms):.2f} ms, median {statistics.median(idle_ms):.2f} ms")
    plans = {}
    reset_due(order_ids)
    for name, stmt in queries.items():
        plans[name] = explain(db, stmt)
        print(f"    plan of the {name} query:\n{plans[name]}")
    return {"tick": (min(tick_ms), statistics.median(tick_ms)),
            "tick CPU": (min(tick_cpu), statistics.median(tick_cpu)),
            "select": (min(select_ms), statistics.median(select_ms))}


def bench(label: str, url: str, sizes: list[int]) -> None:
    from wuye.extensions import db
    app = make_app(url)
    print(f"\n== {label}: {url}")
    with app.app_context():
        results = {size: run_case(db, size) for size in sizes}
        db.session.remove()
        db.engine.dispose()
    small, large = results[sizes[0]], results[sizes[-1]]
    ratio = {k: [b / a for a, b in zip(small[k], large[k])] for k in small}
    print(f"  {sizes[-1]:,} vs {sizes[0]:,} rows (best, median): "
          + "; ".join(f"{k} x{r[0]:.2f}, x{r[1]:.2f}" for k, r in ratio.items())
          + f" (aim: tick within x2); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=None, help="SQLite file (default: a temporary one)")
    parser.add_argument("--pg", default="postgresql://wuye:wuye@127.0.0.1:5432/wuye_bench")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--sizes", default="10000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        path = args.sqlite or str(Path(tmp) / "bench.db")
        bench("SQLite", f"sqlite:///{path}", sizes)
    if not args.no_pg:
        ensure_pg_database(args.pg)
        bench("PostgreSQL", args.pg, sizes)


if __name__ == "__main__":
    main()
